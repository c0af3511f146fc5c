import { SimpleType, type DynamicJobSpec } from "@skein/idl";
import { compileDynamicJob } from "@skein/engine";
import { describe, expect, it } from "vitest";
import { add, double } from "../test-support/sample-tasks.js";
import { fakeRuntime, literalMap } from "../test-support/task-runtime.js";
import { toLiteral } from "../types/convert.js";
import { listType, simpleType } from "../types/literal-types.js";
import { t } from "../types/t.js";
import { when } from "../workflow/branch.js";
import { workflow } from "../workflow/workflow.js";
import { dynamic } from "./dynamic.js";
import { TaskValidationError } from "./errors.js";

const INT = simpleType(SimpleType.INTEGER);

async function specOf(result: Promise<unknown>): Promise<DynamicJobSpec> {
  const r = (await result) as { dynamic?: DynamicJobSpec };
  if (!r.dynamic) throw new Error("expected a dynamic spec");
  return r.dynamic;
}

const sum_doubled = dynamic({ name: "sum_doubled", inputs: { xs: t.list(t.int()) }, outputs: t.int() }, ({ xs }) => {
  let total: unknown = 0;
  for (const x of xs) total = add({ a: double({ x }), b: total as never });
  return total as never;
});

describe("dynamic", () => {
  it("is a task whose template marks it dynamic", () => {
    expect(sum_doubled.isDynamic).toBe(true);
    expect(sum_doubled.template.type).toBe("typescript");
    expect(sum_doubled.template.config.dynamic).toBe("true");
  });

  it("runs its body with real values and returns the generated graph", async () => {
    const spec = await specOf(sum_doubled.execute!(literalMap({ xs: toLiteral([3, 4], listType(INT)) }), fakeRuntime()));
    expect(spec.nodes.map((n) => n.id)).toEqual(["dn0", "dn1", "dn2", "dn3"]);
    // Input values reach generated nodes as constants.
    const x = spec.nodes[0]?.inputs[0]?.binding?.value;
    expect(x?.case === "scalar" && x.value.value.case === "primitive" && x.value.value.value.value.value).toBe(3n);
    expect(spec.outputs[0]?.binding?.value.value).toMatchObject({ nodeId: "dn3", var: "o0" });
    expect(spec.tasks.map((task) => task.id?.name).sort()).toEqual(["add", "double"]);
    const compiled = compileDynamicJob(spec, { parentNode: "n5", workflowName: "wf", parentInterface: sum_doubled.template.interface });
    expect(compiled.ok).toBe(true);
  });

  it("fills project, domain and version into generated references when the runtime names them", async () => {
    const identity = { project: "flows", domain: "dev", version: "abc" };
    const spec = await specOf(sum_doubled.execute!(literalMap({ xs: toLiteral([1], listType(INT)) }), fakeRuntime({ identity })));
    const ref = spec.nodes[0]?.target.case === "taskNode" ? spec.nodes[0].target.value.reference.value : undefined;
    expect(ref).toMatchObject(identity);
    expect(spec.tasks.every((task) => task.id?.version === "abc")).toBe(true);
  });

  it("includes sub-workflows, supports branches, and may return constants", async () => {
    const inner = workflow({ name: "inner_dyn", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => double({ x }));
    const pick = dynamic({ name: "pick", inputs: { n: t.int() }, outputs: { out: t.int(), label: t.string() } }, async ({ n }) => {
      await Promise.resolve();
      const out = n > 0 ? inner({ x: n }) : when(double({ x: n }).lt(0)).then(() => add({ a: 1 })).else(() => add({ a: 2 }));
      return { out, label: n > 0 ? "positive" : "other" };
    });
    const positive = await specOf(pick.execute!(literalMap({ n: toLiteral(2, INT) }), fakeRuntime()));
    expect(positive.subworkflows.map((w) => w.id?.name)).toEqual(["inner_dyn"]);
    expect(positive.tasks.map((task) => task.id?.name)).toEqual(["double"]);
    expect(positive.outputs.map((o) => [o.var, o.binding?.value.case])).toEqual([["out", "promise"], ["label", "scalar"]]);
    const other = await specOf(pick.execute!(literalMap({ n: toLiteral(-1, INT) }), fakeRuntime()));
    expect(other.nodes.map((n) => [n.id, n.target.case])).toEqual([["dn0", "taskNode"], ["dn1", "branchNode"]]);
    expect(compileDynamicJob(other, { parentNode: "n0", workflowName: "wf", parentInterface: pick.template.interface }).ok).toBe(true);
  });

  it("reports a graph that cannot be built as a non-retryable error", async () => {
    const bad = dynamic({ name: "bad", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => double({ x: String(x) as never }));
    const result = bad.execute!(literalMap({ x: toLiteral(1, INT) }), fakeRuntime());
    await expect(result).rejects.toBeInstanceOf(TaskValidationError);
    await expect(bad.execute!(literalMap({ x: toLiteral(1, INT) }), fakeRuntime())).rejects.toThrow('dynamic task "bad": node "dn0" (task "double"): inputs.x: expected int, got "1"');
    const unfinished = dynamic({ name: "unfinished", inputs: { x: t.int() } }, ({ x }) => {
      when(double({ x }).gt(0)).then(() => double({ x }));
    });
    await expect(unfinished.execute!(literalMap({ x: toLiteral(1, INT) }), fakeRuntime())).rejects.toThrow(/has no \.else\(\) or \.fail\(\)/);
  });
});
