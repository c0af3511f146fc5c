import { WorkflowExecutionPhase as W } from "@skein/idl";
import { describe, expect, test } from "vitest";
import { createEngine } from "./engine.js";
import { runWorkflow } from "./test-driver.js";
import { closure, INT, input, int, listBinding, lmap, promise, readInt, sumPlusOne, task, taskNode, workflow } from "./test-fixtures.js";

// Large graphs run to completion (correctness only; per-transition cost is what keeps these fast).

const sum = task("sum", { inputs: { x: INT } });

describe("scale", () => {
  test("a 10,000-node fan-out with a fan-in", () => {
    const n = 10_000;
    const nodes = [taskNode("root", "sum", { x: input("x") })];
    for (let i = 0; i < n; i++) nodes.push(taskNode(`n${i}`, "sum", { x: promise("root", "o0") }));
    nodes.push(taskNode("sink", "sum", { xs: listBinding(Array.from({ length: n }, (_, i) => promise(`n${i}`, "o0"))) }));
    const wf = workflow("fan", { inputs: { x: INT }, nodes, outputBindings: { out: promise("sink", "o0") } });
    const run = runWorkflow(createEngine(closure(wf, { tasks: [sum] })), lmap({ x: int(0) }), { tasks: { sum: sumPlusOne } });
    expect(run.state.phase).toBe(W.SUCCEEDED);
    expect(run.attempts).toHaveLength(n + 2);
    // root = 1, each fan-out node = 2, sink = 1 + 2n.
    expect(readInt(run.state.outputs?.literals.out)).toBe(BigInt(1 + 2 * n));
    expect(run.state.nodes.size).toBe(n + 2);
  });

  test("a 1,000-node chain", () => {
    const n = 1_000;
    const nodes = [taskNode("n0", "sum", { x: input("x") })];
    for (let i = 1; i < n; i++) nodes.push(taskNode(`n${i}`, "sum", { x: promise(`n${i - 1}`, "o0") }));
    const wf = workflow("chain", { inputs: { x: INT }, nodes, outputBindings: { out: promise(`n${n - 1}`, "o0") } });
    const run = runWorkflow(createEngine(closure(wf, { tasks: [sum] })), lmap({ x: int(0) }), { tasks: { sum: sumPlusOne } });
    expect(run.state.phase).toBe(W.SUCCEEDED);
    expect(readInt(run.state.outputs?.literals.out)).toBe(BigInt(n));
    expect(run.now).toBe(n);
  });

  test("a 10,000-node fan-out under a parallelism limit of 10", () => {
    const n = 10_000;
    const nodes = Array.from({ length: n }, (_, i) => taskNode(`n${i}`, "sum", { x: input("x") }));
    const wf = workflow("limited", { inputs: { x: INT }, nodes });
    const run = runWorkflow(createEngine(closure(wf, { tasks: [sum] }), { maxParallelism: 10 }), lmap({ x: int(0) }), { tasks: { sum: sumPlusOne } });
    expect(run.state.phase).toBe(W.SUCCEEDED);
    expect(run.now).toBe(n / 10);
  });
});
