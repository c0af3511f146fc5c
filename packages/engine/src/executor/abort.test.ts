import { NodeExecutionPhase as N, WorkflowExecutionPhase as W } from "@skein/idl";
import { describe, expect, test } from "vitest";
import { createEngine } from "./engine.js";
import { runWorkflow, type TaskBehavior } from "./test-driver.js";
import {
  approveNode,
  arrayNode,
  branchNode,
  closure,
  cmp,
  decisionsOf,
  dynamicSpec,
  INT,
  input,
  int,
  launchPlan,
  launchPlanNode,
  lit,
  list,
  listOf,
  literalBinding,
  lmap,
  nodePhases,
  subworkflowNode,
  task,
  taskNode,
  v,
  workflow,
  workflowPhases,
} from "./test-fixtures.js";

const hang: TaskBehavior = () => ({ kind: "hang" });
const work = task("work", { inputs: { x: INT } });
const gen = task("gen");
const inner = workflow("inner", { inputs: { a: INT }, nodes: [taskNode("s0", "work", { x: input("a") })] });
// Something of every kind running at once.
const makeWorkflow = (timeoutMs?: number) => workflow("wf", {
  timeoutMs,
  inputs: { x: INT, xs: listOf(INT) },
  nodes: [
    taskNode("t", "work", { x: input("x") }),
    subworkflowNode("sw", "inner", { a: input("x") }),
    arrayNode("arr", taskNode("item", "work"), { x: input("xs") }),
    branchNode("br", { v: input("x") }, [{ when: cmp(v("v"), ">", lit(int(0))), then: taskNode("b1", "work", { x: input("x") }) }]),
    launchPlanNode("lp", "child", { a: input("x") }),
    approveNode("gate", "never"),
    taskNode("dyn", "gen"),
    taskNode("after", "work", { x: input("x") }, { upstream: ["t"] }),
  ],
});
const engine = (timeoutMs?: number) =>
  createEngine(closure(makeWorkflow(timeoutMs), { tasks: [work, gen], subWorkflows: [inner], launchPlans: [launchPlan("child")] }));
const spawn: TaskBehavior = () => ({ kind: "dynamic", spec: dynamicSpec([taskNode("d0", "work", { x: literalBinding(int(1)) })], {}) });
const config = { tasks: { work: hang, gen: spawn }, children: { child: () => ({ phase: W.SUCCEEDED, durationMs: 1_000_000 }) } };
const inputs = lmap({ x: int(1), xs: list([int(1), int(2)]) });

describe("abort", () => {
  test("aborting stops every running attempt and child execution and ends ABORTED", () => {
    const run = runWorkflow(engine(), inputs, { ...config, abortAtMs: 10 });
    expect(workflowPhases(run)).toEqual([W.RUNNING, W.ABORTING, W.ABORTED]);
    expect(decisionsOf(run, "abortAttempt").map((d) => d.node).sort()).toEqual(["arr/0", "arr/1", "br/b1", "dyn/d0", "sw/s0", "t"]);
    expect(decisionsOf(run, "abortChild").map((d) => d.node)).toEqual(["lp"]);
    for (const path of ["t", "sw", "sw/s0", "arr", "arr/0", "br", "br/b1", "lp", "gate", "dyn", "dyn/d0"]) {
      expect(run.state.nodes.get(path)?.phase, path).toBe(N.ABORTED);
    }
    expect(nodePhases(run, "sw")).toEqual([N.RUNNING, N.ABORTED]);
    expect(nodePhases(run, "dyn")).toEqual([N.QUEUED, N.RUNNING, N.DYNAMIC_RUNNING, N.ABORTED]);
    expect(run.state.nodes.get("after")).toBeUndefined();
    expect(run.state.error).toMatchObject({ code: "Aborted", message: "requested by the test" });
    expect(run.state.endedAt).toBe(10);
  });

  test("an abort before start ends ABORTED at once; events after the end are ignored", () => {
    const e = engine();
    const step = e.handle(e.initialState(), { type: "abort", reason: "never mind" }, 0);
    expect(step.records).toMatchObject([{ type: "workflow", phase: W.ABORTED }]);
    const late = e.handle(step.state, { type: "start", inputs }, 1);
    expect(late.state).toBe(step.state);
    expect(late.decisions).toEqual([]);
  });

  test("the workflow timeout aborts everything and ends TIMED_OUT", () => {
    const run = runWorkflow(engine(2000), inputs, config);
    expect(decisionsOf(run, "setTimer")).toContainEqual({ type: "setTimer", timer: "workflow-timeout", at: 2000 });
    expect(workflowPhases(run)).toEqual([W.RUNNING, W.TIMED_OUT]);
    expect(run.state.error).toMatchObject({ code: "WorkflowTimeout" });
    expect(run.state.nodes.get("t")?.phase).toBe(N.ABORTED);
    expect(decisionsOf(run, "abortChild")).toHaveLength(1);
    expect(run.now).toBe(2000);
  });
});
