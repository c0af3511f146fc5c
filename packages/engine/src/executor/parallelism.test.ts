import { NodeExecutionPhase as N, WorkflowExecutionPhase as W, type Node } from "@skein/idl";
import { describe, expect, test } from "vitest";
import type { EngineRecord } from "./api.js";
import { isTerminalNodePhase } from "../phases.js";
import { createEngine } from "./engine.js";
import { runWorkflow, type TaskBehavior } from "./test-driver.js";
import { arrayNode, closure, INT, input, int, launchPlan, launchPlanNode, list, listOf, lmap, promise, sumPlusOne, task, taskNode, workflow } from "./test-fixtures.js";

const work = task("work", { inputs: { x: INT } });
const timed = (ms: Record<string, number>): TaskBehavior => (ctx) => ({ ...sumPlusOne(ctx), durationMs: ms[ctx.node] ?? 10 });

// The most nodes in RUNNING at once, from the records.
function peakRunning(records: readonly EngineRecord[]): number {
  const running = new Set<string>();
  let peak = 0;
  for (const r of records) {
    if (r.type !== "node") continue;
    if (r.phase === N.RUNNING) running.add(r.node);
    else if (isTerminalNodePhase(r.phase)) running.delete(r.node);
    peak = Math.max(peak, running.size);
  }
  return peak;
}

function runNodes(nodes: Node[], maxParallelism: number, ms: Record<string, number> = {}) {
  const wf = workflow("wf", { inputs: { x: INT, xs: listOf(INT) }, nodes });
  const engine = createEngine(closure(wf, { tasks: [work], launchPlans: [launchPlan("child")] }), { maxParallelism });
  return runWorkflow(engine, lmap({ x: int(1), xs: list([1, 2, 3, 4, 5].map(int)) }), {
    tasks: { work: timed(ms) },
    children: { child: () => ({ phase: W.SUCCEEDED, outputs: lmap({ o0: int(0) }), durationMs: 10 }) },
  });
}

describe("maxParallelism", () => {
  test("at most the limit of task nodes run at once, started in template order", () => {
    const nodes = ["a", "b", "c", "d", "e", "f"].map((id) => taskNode(id, "work", { x: input("x") }));
    const run = runNodes(nodes, 2);
    expect(run.attempts.map((a) => [a.node, a.at])).toEqual([["a", 0], ["b", 0], ["c", 10], ["d", 10], ["e", 20], ["f", 20]]);
    expect(peakRunning(run.records)).toBe(2);
    expect(run.state.phase).toBe(W.SUCCEEDED);
  });

  test("waiters are served first in, first out: a node ready later queues behind them", () => {
    const nodes = [taskNode("a", "work", { x: input("x") }), taskNode("b", "work", { x: input("x") }), taskNode("c", "work", { x: input("x") }), taskNode("d", "work", { x: promise("a", "o0") })];
    const run = runNodes(nodes, 1, { a: 10, b: 1, c: 1, d: 1 });
    expect(run.attempts.map((a) => [a.node, a.at])).toEqual([["a", 0], ["b", 10], ["c", 11], ["d", 12]]);
    expect(run.state.nodes.get("b")?.queuedAt).toBe(0);
  });

  test("an array node takes one slot and its items none; launch plans take one each", () => {
    const nodes = [arrayNode("arr", taskNode("item", "work"), { x: input("xs") }), launchPlanNode("lp", "child", { a: input("x") }), taskNode("a", "work", { x: input("x") })];
    const run = runNodes(nodes, 2);
    // arr and lp hold the two slots; all five items start at once; a waits for a free slot.
    expect(run.attempts.map((a) => [a.node, a.at])).toEqual([["arr/0", 0], ["arr/1", 0], ["arr/2", 0], ["arr/3", 0], ["arr/4", 0], ["a", 10]]);
    expect(peakRunning(run.records.filter((r) => r.type === "workflow" || !r.node.startsWith("arr/")))).toBe(2);
    expect(run.state.phase).toBe(W.SUCCEEDED);
  });

  test("an array node waits QUEUED for a slot, then runs its items", () => {
    const nodes = [taskNode("a", "work", { x: input("x") }), arrayNode("arr", taskNode("item", "work"), { x: input("xs") })];
    const run = runNodes(nodes, 1);
    expect(run.attempts.map((a) => [a.node, a.at])).toEqual([["a", 0], ["arr/0", 10], ["arr/1", 10], ["arr/2", 10], ["arr/3", 10], ["arr/4", 10]]);
    const arrPhases = run.records.flatMap((r) => (r.type === "node" && r.node === "arr" ? [r.phase] : []));
    expect(arrPhases).toEqual([N.QUEUED, N.RUNNING, N.SUCCEEDED]);
    expect(run.state.phase).toBe(W.SUCCEEDED);
  });

  test("unlimited by default", () => {
    const nodes = ["a", "b", "c", "d"].map((id) => taskNode(id, "work", { x: input("x") }));
    expect(runNodes(nodes, 0).attempts.map((a) => a.at)).toEqual([0, 0, 0, 0]);
  });
});
