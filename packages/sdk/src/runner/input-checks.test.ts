import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WorkflowExecutionPhase } from "@skein/idl";
import { afterAll, describe, expect, it } from "vitest";
import { task } from "../task/task.js";
import { literalTypeOf } from "../types/literal-type-of.js";
import { t } from "../types/t.js";
import { toLiteral } from "../types/to-literal.js";
import { workflow } from "../workflow/workflow.js";
import { InputError, runLocally } from "./run-local.js";

const dataDir = mkdtempSync(join(tmpdir(), "skein-input-checks-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const INT = literalTypeOf(t.int());
const STRING = literalTypeOf(t.string());
const count = task({ name: "count", inputs: { n: t.int() }, outputs: t.int() }, ({ n }) => n);
const sized = workflow(
  { name: "sized", inputs: { samples: t.int().min(10), tag: t.string().regex(/^[a-z]+$/).default("x") }, outputs: t.int() },
  ({ samples }) => count({ n: samples }),
);

describe("workflow input checks", () => {
  it("applies the input schemas' own checks, not only their types, naming each input", async () => {
    const attempt = runLocally(sized, { samples: toLiteral(5, INT), tag: toLiteral("Not Ok", STRING) }, { dataDir });
    await expect(attempt).rejects.toThrow(InputError);
    await expect(attempt).rejects.toThrow(/samples: .*10[\s\S]*tag: /);
  });

  it("runs when the values satisfy them", async () => {
    const done = await runLocally(sized, { samples: toLiteral(12, INT) }, { dataDir });
    expect(done.phase).toBe(WorkflowExecutionPhase.SUCCEEDED);
  });
});
