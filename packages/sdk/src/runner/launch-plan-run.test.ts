import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WorkflowExecutionPhase } from "@skein/idl";
import { afterAll, describe, expect, it } from "vitest";
import { task } from "../task/task.js";
import { fromLiteral } from "../types/convert.js";
import { literalTypeOf } from "../types/literal-type-of.js";
import { t } from "../types/t.js";
import { toLiteral } from "../types/to-literal.js";
import { launchPlan } from "../workflow/launch-plan.js";
import { workflow } from "../workflow/workflow.js";
import { InputError, runLocally, type LocalRun } from "./run-local.js";

const dataDir = mkdtempSync(join(tmpdir(), "skein-launch-plan-run-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const STRING = literalTypeOf(t.string());
const INT = literalTypeOf(t.int());
const label = task({ name: "label", inputs: { region: t.string(), days: t.int() }, outputs: t.string() }, ({ region, days }) => `${region}/${days}`);
const report = workflow({ name: "report", inputs: { region: t.string(), days: t.int().default(7) }, outputs: t.string() }, ({ region, days }) => label({ region, days }));
const eu = launchPlan(report, { name: "eu", fixed: { region: "eu" }, defaults: { days: 1 } });

async function output(run: Promise<LocalRun>): Promise<unknown> {
  const done = await run;
  expect(done.error?.message).toBeUndefined();
  expect(done.phase).toBe(WorkflowExecutionPhase.SUCCEEDED);
  const literal = done.outputs?.literals.o0;
  return literal && fromLiteral(literal, STRING);
}

describe("runLocally with a launch plan", () => {
  it("passes the fixed inputs and the plan's defaults", async () => {
    expect(await output(runLocally(eu, {}, { dataDir }))).toBe("eu/1");
    expect(await output(runLocally(eu, { days: toLiteral(3, INT) }, { dataDir }))).toBe("eu/3");
  });

  it("runs a launch plan called from a workflow as a child execution", async () => {
    const parent = workflow({ name: "parent", outputs: t.string() }, () => eu({ days: 5 }));
    expect(await output(runLocally(parent, {}, { dataDir }))).toBe("eu/5");
  });

  it("refuses a value for a fixed input", async () => {
    await expect(runLocally(eu, { region: toLiteral("us", STRING) }, { dataDir })).rejects.toThrow(InputError);
    await expect(runLocally(eu, { region: toLiteral("us", STRING) }, { dataDir })).rejects.toThrow("region: is fixed by the launch plan and cannot be set");
  });
});
