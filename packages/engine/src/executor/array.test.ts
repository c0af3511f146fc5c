import { ErrorKind, NodeExecutionPhase as N, WorkflowExecutionPhase as W, type Literal } from "@skein/idl";
import { describe, expect, test } from "vitest";
import { createEngine } from "./engine.js";
import { runWorkflow, type TaskBehavior } from "./test-driver.js";
import {
  arrayNode,
  closure,
  decisionsOf,
  INT,
  input,
  int,
  isNone,
  list,
  listOf,
  lmap,
  nodePhases,
  readInt,
  sumPlusOne,
  task,
  taskNode,
  userErr,
  workflow,
  type ArrayOptions,
} from "./test-fixtures.js";

const add = task("add", { inputs: { x: INT, k: INT }, retries: 1 });

// Maps task "add" over input `xs` (bound input `k` passed whole); items whose x is negative fail.
function runArray(xs: number[], options: ArrayOptions = {}, behavior: TaskBehavior = failNegative, defaultArrayParallelism?: number) {
  const wf = workflow("wf", {
    inputs: { xs: listOf(INT), k: INT },
    nodes: [arrayNode("map", taskNode("item", "add"), { x: input("xs"), k: input("k") }, { bound: ["k"], ...options })],
    outputBindings: { ys: input("xs") },
  });
  const engine = createEngine(closure(wf, { tasks: [add] }), defaultArrayParallelism === undefined ? {} : { defaultArrayParallelism });
  return runWorkflow(engine, lmap({ xs: list(xs.map(int)), k: int(100) }), { tasks: { add: behavior } });
}

const failNegative: TaskBehavior = (ctx) =>
  readInt(ctx.inputs.literals.x) < 0n ? { kind: "fail", error: userErr("Negative", "x < 0"), recoverable: false } : sumPlusOne(ctx);

const outputs = (run: ReturnType<typeof runArray>): Literal[] => {
  const o0 = run.state.nodes.get("map")?.outputs?.literals.o0?.value;
  return o0?.case === "collection" ? o0.value.literals : [];
};

describe("array nodes", () => {
  test("each item runs the sub-node with element i of mapped inputs and bound inputs whole", () => {
    const run = runArray([1, 2, 3]);
    expect(nodePhases(run, "map")).toEqual([N.RUNNING, N.SUCCEEDED]);
    expect(nodePhases(run, "map/1")).toEqual([N.QUEUED, N.RUNNING, N.SUCCEEDED]);
    const starts = decisionsOf(run, "startAttempt").map((d) => [d.node, readInt(d.inputs.literals.x), readInt(d.inputs.literals.k)]);
    expect(starts).toEqual([["map/0", 1n, 100n], ["map/1", 2n, 100n], ["map/2", 3n, 100n]]);
    expect(outputs(run).map(readInt)).toEqual([102n, 103n, 104n]);
  });

  test("parallelism bounds the items running at once", () => {
    const run = runArray([1, 2, 3, 4, 5], { parallelism: 2 });
    expect(run.attempts.map((a) => [a.node, a.at])).toEqual([["map/0", 0], ["map/1", 0], ["map/2", 1], ["map/3", 1], ["map/4", 2]]);
    expect(outputs(run).map(readInt)).toEqual([102n, 103n, 104n, 105n, 106n]);
  });

  test("the engine's default array parallelism bounds a map that sets none (or 0); a map's own parallelism wins", () => {
    const startTimes = (run: ReturnType<typeof runArray>) => run.attempts.map((a) => a.at);
    expect(startTimes(runArray([1, 2, 3, 4, 5], {}, failNegative, 2))).toEqual([0, 0, 1, 1, 2]);
    expect(startTimes(runArray([1, 2, 3, 4, 5], { parallelism: 0 }, failNegative, 2))).toEqual([0, 0, 1, 1, 2]);
    expect(startTimes(runArray([1, 2, 3, 4, 5], { parallelism: 3 }, failNegative, 2))).toEqual([0, 0, 0, 1, 1]);
    const unbounded = runArray([1, 2, 3, 4, 5], {}, failNegative, 0);
    expect(startTimes(unbounded)).toEqual([0, 0, 0, 0, 0]);
    const bounded = runArray(Array.from({ length: 50 }, (_, i) => i), {}, failNegative, 10);
    expect(outputs(bounded).map(readInt)).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i + 101)));
    // Items not started yet are no nodes yet: after the start, the map and its first 10 items.
    const wf = workflow("wf", { inputs: { xs: listOf(INT) }, nodes: [arrayNode("map", taskNode("item", "add"), { x: input("xs"), k: input("xs") }, { bound: ["k"] })], outputBindings: { ys: input("xs") } });
    const engine = createEngine(closure(wf, { tasks: [add] }), { defaultArrayParallelism: 10 });
    const started = runWorkflow(engine, lmap({ xs: list(Array.from({ length: 50 }, (_, i) => int(i))) }), { tasks: { add: sumPlusOne }, stopAfterEvents: 1 });
    expect(started.state.nodes.size).toBe(11);
    expect(() => createEngine(closure(workflow("wf", { nodes: [] }), {}), { defaultArrayParallelism: -1 })).toThrow("createEngine: options.defaultArrayParallelism must be a whole number ≥ 0, got -1");
  });

  test("an empty list succeeds at once with empty lists", () => {
    const run = runArray([]);
    expect(run.attempts).toEqual([]);
    expect(nodePhases(run, "map")).toEqual([N.RUNNING, N.SUCCEEDED]);
    expect(run.state.nodes.get("map")?.outputs?.literals.o0?.value).toMatchObject({ case: "collection", value: { literals: [] } });
  });

  test("by default one failed item fails the array at once and aborts the running items", () => {
    const slow: TaskBehavior = (ctx) => (readInt(ctx.inputs.literals.x) < 0n ? failNegative(ctx) : { ...sumPlusOne(ctx), durationMs: 10 });
    const run = runArray([1, -1, 3], {}, slow);
    expect(run.state.phase).toBe(W.FAILED);
    expect(run.state.error).toMatchObject({ code: "Negative", message: "item 1: x < 0", kind: ErrorKind.USER });
    expect(decisionsOf(run, "abortAttempt").map((d) => d.node)).toEqual(["map/0", "map/2"]);
    expect(nodePhases(run, "map/0")).toEqual([N.QUEUED, N.RUNNING, N.ABORTED]);
    expect(run.now).toBe(1);
  });

  test("min_successes tolerates failures; failed items contribute none", () => {
    const run = runArray([1, -1, 3], { minSuccesses: 2 });
    expect(run.state.phase).toBe(W.SUCCEEDED);
    const out = outputs(run);
    expect([readInt(out[0]), isNone(out[1]), readInt(out[2])]).toEqual([102n, true, 104n]);
  });

  test("min_success_ratio fails the array once the ratio cannot be met", () => {
    expect(runArray([1, -1, 3, 4], { minSuccessRatio: 0.75 }).state.phase).toBe(W.SUCCEEDED);
    const run = runArray([1, -1, -3, 4], { minSuccessRatio: 0.75 });
    expect(run.state.phase).toBe(W.FAILED);
    expect(run.state.error?.message).toBe("item 2: x < 0");
  });

  test("items retry individually", () => {
    const flaky: TaskBehavior = (ctx) => (ctx.node === "map/1" && ctx.attempt === 0 ? { kind: "fail", error: userErr("Flaky") } : sumPlusOne(ctx));
    const run = runArray([1, 2], {}, flaky);
    expect(run.attempts.map((a) => [a.node, a.attempt])).toEqual([["map/0", 0], ["map/1", 0], ["map/1", 1]]);
    expect(run.state.phase).toBe(W.SUCCEEDED);
  });

  test("mapped inputs that are not lists or differ in length fail the node, naming them", () => {
    const wf = workflow("wf", {
      inputs: { a: listOf(INT), b: listOf(INT), c: INT },
      nodes: [
        arrayNode("uneven", taskNode("item", "add"), { x: input("a"), k: input("b") }),
        arrayNode("scalar", taskNode("item", "add"), { x: input("a"), k: input("c") }),
      ],
      failAfterExecutableNodes: true,
    });
    const engine = createEngine(closure(wf, { tasks: [add] }));
    const run = runWorkflow(engine, lmap({ a: list([int(1), int(2)]), b: list([int(1)]), c: int(1) }), { tasks: { add: sumPlusOne } });
    expect(run.attempts).toEqual([]);
    expect(run.state.nodes.get("uneven")?.error?.message).toBe('node "uneven": mapped inputs "k" (1 items) and "x" (2 items) differ in length');
    expect(run.state.nodes.get("scalar")?.error?.message).toBe('node "scalar": mapped input "k" is an int, not a list (name it in bound_inputs to pass it whole)');
    expect(run.state.error?.code).toBe("InvalidArrayInput");
  });
});
