import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WorkflowExecutionPhase } from "@skein/idl";
import { afterAll, describe, expect, it } from "vitest";
import { dynamic } from "../task/dynamic.js";
import { task } from "../task/task.js";
import { fromLiteral } from "../types/convert.js";
import { literalTypeOf } from "../types/literal-type-of.js";
import { t } from "../types/t.js";
import { toLiteral } from "../types/to-literal.js";
import { workflow } from "../workflow/workflow.js";
import { runLocally } from "./run-local.js";

const dataDir = mkdtempSync(join(tmpdir(), "skein-dynamic-tasks-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("runLocally with dynamic tasks", () => {
  it("runs tasks that only the dynamic body calls", async () => {
    // `triple` is referenced by no workflow: the runner learns it from the dynamic task's result.
    const triple = task({ name: "triple", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => x * 3);
    const fan = dynamic({ name: "fan", inputs: { n: t.int() }, outputs: t.list(t.int()) }, ({ n }) => Array.from({ length: n }, (_, x) => triple({ x })));
    const wf = workflow({ name: "fan_wf", inputs: { n: t.int() }, outputs: t.list(t.int()) }, ({ n }) => fan({ n }));
    expect(wf.tasks.has("triple")).toBe(false);
    const run = await runLocally(wf, { n: toLiteral(3, literalTypeOf(t.int()), "n") }, { dataDir });
    expect(run.error?.message).toBeUndefined();
    expect(run.phase).toBe(WorkflowExecutionPhase.SUCCEEDED);
    const out = run.outputs?.literals.o0;
    expect(out && fromLiteral(out, literalTypeOf(t.list(t.int())))).toEqual([0n, 3n, 6n]);
  });
});
