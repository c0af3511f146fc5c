import type { ArrayNode } from "@skein/idl";
import { describeType } from "@skein/engine";
import { describe, expect, it } from "vitest";
import { DefinitionError } from "../definition-error.js";
import { add, double, greet } from "../test-support/sample-tasks.js";
import { task } from "../task/task.js";
import { t } from "../types/t.js";
import { map } from "./map.js";
import { workflow } from "./workflow.js";

function arrayOf(node: { target: { case: string | undefined; value?: unknown } } | undefined): ArrayNode {
  if (node?.target.case !== "arrayNode") throw new Error("not an array node");
  return node.target.value as ArrayNode;
}

describe("map", () => {
  it("maps list inputs, binds the rest whole, and outputs lists", () => {
    const scale = task({ name: "scale", inputs: { x: t.float(), factor: t.float(), offset: t.float().default(0) }, outputs: t.float() }, ({ x, factor, offset }) => x * factor + offset);
    const wf = workflow({ name: "fan", inputs: { xs: t.list(t.float()), k: t.float() }, outputs: t.list(t.float()) }, ({ xs, k }) =>
      map(scale, { concurrency: 4, bound: ["factor"] })({ x: xs, factor: k }).with({ retries: 2, cache: { version: "1" } }),
    );
    const node = wf.template.nodes[0];
    const array = arrayOf(node);
    expect(array.parallelismOption).toEqual({ case: "parallelism", value: 4 });
    expect(array.successCriteria.case).toBeUndefined();
    expect(array.boundInputs.sort()).toEqual(["factor", "offset"]);
    expect(node?.inputs.map((b) => b.var)).toEqual(["x", "factor", "offset"]);
    expect(array.node?.id).toBe("n0-item");
    expect(array.node?.inputs).toEqual([]);
    expect(array.node?.target.case === "taskNode" && array.node.target.value.reference.value?.name).toBe("scale");
    expect(array.node?.metadata).toMatchObject({ name: "scale", retries: { retries: 2 }, cacheVersionValue: { value: "1" } });
    expect(wf.tasks.has("scale")).toBe(true);
  });

  it("types outputs as lists of optional items when runs may fail", () => {
    const wf = workflow({ name: "lossy", inputs: { xs: t.list(t.int()) }, outputs: t.list(t.int().optional()) }, ({ xs }) => {
      const doubled = map(double, { minSuccessRatio: 0.5 })({ x: xs });
      expect(describeType(doubled.type)).toBe("list<optional<int>>");
      return doubled;
    });
    expect(arrayOf(wf.template.nodes[0]).successCriteria).toEqual({ case: "minSuccessRatio", value: 0.5 });
    // A failed run leaves a hole, so an element is no longer a plain int.
    expect(() => workflow({ name: "strict", inputs: { xs: t.list(t.int()) }, outputs: t.int() }, ({ xs }) => map(double, { minSuccesses: 1 })({ x: xs }).at(0) as never)).toThrow(
      'workflow "strict": output: expected int, got n0.o0[0] (optional<int>)',
    );
  });

  it("indexes into mapped outputs", () => {
    const wf = workflow({ name: "first", inputs: { names: t.list(t.string()) }, outputs: t.string() }, ({ names }) => map(greet)({ name: names }).at(0));
    expect(wf.template.outputs[0]?.binding?.value.value).toMatchObject({ nodeId: "n0", var: "o0", attrPath: [{ value: { case: "intValue", value: 0 } }] });
    expect(describeType(wf.template.interface?.outputs?.variables.o0?.type)).toBe("string");
  });

  it("rejects bad options and inputs", () => {
    const cases: [() => unknown, string | RegExp][] = [
      [() => map(add, { bound: ["c" as never] }), 'map(task "add"): bound names "c", which is not an input'],
      [() => map(add, { concurrency: -1 }), "map(task \"add\"): concurrency must be a whole number of at least 0, got -1"],
      [() => map(add, { minSuccessRatio: 1.5 }), 'map(task "add"): minSuccessRatio must be between 0 and 1, got 1.5'],
      [() => map(add, { minSuccesses: 1, minSuccessRatio: 0.5 }), "give minSuccesses or minSuccessRatio, not both"],
      [() => workflow({ name: "w", inputs: { x: t.int() } }, ({ x }) => map(double)({ x: x as never })), 'workflow "w": node "n0" (map(task "double")): inputs.x (mapped): expected list<int>, got inputs.x (int)'],
      [() => workflow({ name: "w", inputs: { x: t.int() } }, ({ x }) => map(add, { bound: ["a"] })({ a: x })), 'workflow "w": node "n0" (map(task "add")): no input to map over'],
      [() => workflow({ name: "w" }, () => map(double)({})), 'workflow "w": node "n0" (map(task "double")): missing required input "x"'],
      [() => workflow({ name: "w" }, () => map(double)({ y: [1] } as never)), 'unknown input "y" (inputs: x)'],
    ];
    for (const [define, message] of cases) {
      expect(define).toThrow(DefinitionError);
      expect(define).toThrow(message);
    }
  });
});
