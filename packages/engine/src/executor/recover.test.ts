import { NodeExecutionPhase as N, WorkflowExecutionPhase as W, type LiteralMap } from "@skein/idl";
import { describe, expect, test } from "vitest";
import { createEngine } from "./engine.js";
import { runWorkflow } from "./test-driver.js";
import { arrayNode, closure, INT, input, int, list, listOf, lmap, nodePhases, promise, readInt, subworkflowNode, sumPlusOne, task, taskNode, workflow } from "./test-fixtures.js";

const add = task("add", { inputs: { x: INT } });
const inner = workflow("inner", { inputs: { a: INT }, nodes: [taskNode("s0", "add", { x: input("a") }), taskNode("s1", "add", { x: promise("s0", "o0") })], outputBindings: { r: promise("s1", "o0") } });
const wf = workflow("wf", {
  inputs: { x: INT, xs: listOf(INT) },
  nodes: [
    taskNode("n0", "add", { x: input("x") }),
    taskNode("n1", "add", { x: promise("n0", "o0") }),
    subworkflowNode("sw", "inner", { a: input("x") }),
    arrayNode("arr", taskNode("item", "add"), { x: input("xs") }),
  ],
  outputBindings: { y: promise("n1", "o0"), r: promise("sw", "r"), ys: promise("arr", "o0") },
});

function run(recovered: Record<string, LiteralMap>) {
  const engine = createEngine(closure(wf, { tasks: [add], subWorkflows: [inner] }), { recovered: new Map(Object.entries(recovered)) });
  return runWorkflow(engine, lmap({ x: int(1), xs: list([int(1), int(2)]) }), { tasks: { add: sumPlusOne } });
}

describe("recover mode", () => {
  test("a recovered node ends RECOVERED with its earlier outputs and runs nothing", () => {
    const result = run({ n0: lmap({ o0: int(100) }) });
    expect(nodePhases(result, "n0")).toEqual([N.RECOVERED]);
    expect(result.records.find((r) => r.type === "node" && r.node === "n0")).toMatchObject({ outputs: lmap({ o0: int(100) }) });
    expect(result.attempts.map((a) => a.node)).not.toContain("n0");
    expect(readInt(result.state.outputs?.literals.y)).toBe(101n);
  });

  test("nested paths recover individually, and a recovered parent recovers whole", () => {
    const result = run({ "sw/s0": lmap({ o0: int(50) }), arr: lmap({ o0: list([int(7)]) }) });
    expect(nodePhases(result, "sw/s0")).toEqual([N.RECOVERED]);
    expect(readInt(result.state.outputs?.literals.r)).toBe(51n);
    expect(nodePhases(result, "arr")).toEqual([N.RECOVERED]);
    expect(result.attempts.some((a) => a.node.startsWith("arr/"))).toBe(false);
    expect(result.state.phase).toBe(W.SUCCEEDED);
  });
});
