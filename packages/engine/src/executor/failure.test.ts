import { ErrorKind, NodeExecutionPhase as N, WorkflowExecutionPhase as W } from "@skein/idl";
import { describe, expect, test } from "vitest";
import { createEngine } from "./engine.js";
import { runWorkflow, type TaskBehavior } from "./test-driver.js";
import {
  closure,
  decisionsOf,
  ERROR,
  fails,
  INT,
  input,
  int,
  lmap,
  nodePhases,
  promise,
  returns,
  subworkflowNode,
  sumPlusOne,
  task,
  taskNode,
  userErr,
  workflow,
  workflowPhases,
  type WorkflowOptions,
} from "./test-fixtures.js";

const add = task("add", { inputs: { x: INT } });
const boom = task("boom", { inputs: { x: INT } });
const cleanup = task("cleanup", { inputs: { x: INT, err: ERROR }, outputs: {} });
const badCleanup = task("badCleanup", { inputs: { x: INT }, outputs: {} });
const allTasks = [add, boom, cleanup, badCleanup];

// "bad" fails after 5 ms; "slow" (independent) takes 20 ms; "child" depends on "bad"; "next" on "slow".
function run(options: Partial<WorkflowOptions>, behaviors: Record<string, TaskBehavior> = {}) {
  const wf = workflow("wf", {
    inputs: { x: INT },
    nodes: [
      taskNode("bad", "boom", { x: input("x") }),
      taskNode("slow", "add", { x: input("x") }),
      taskNode("child", "add", { x: promise("bad", "o0") }),
      taskNode("next", "add", { x: promise("slow", "o0") }),
    ],
    ...options,
  });
  const tasks: Record<string, TaskBehavior> = {
    boom: () => ({ kind: "fail", error: userErr("Boom", "it broke"), recoverable: false, durationMs: 5 }),
    add: (ctx) => ({ ...sumPlusOne(ctx), durationMs: ctx.node === "slow" ? 20 : 1 }),
    cleanup: returns({}),
    ...behaviors,
  };
  return runWorkflow(createEngine(closure(wf, { tasks: allTasks })), lmap({ x: int(1) }), { tasks });
}

describe("FAIL_IMMEDIATELY", () => {
  test("the first failure aborts running work and fails the workflow with that error", () => {
    const result = run({});
    expect(workflowPhases(result)).toEqual([W.RUNNING, W.FAILING, W.FAILED]);
    expect(decisionsOf(result, "abortAttempt").map((d) => [d.node, d.attempt])).toEqual([["slow", 0]]);
    expect(nodePhases(result, "slow")).toEqual([N.QUEUED, N.RUNNING, N.ABORTED]);
    expect(result.state.nodes.get("child")).toBeUndefined();
    expect(result.state.nodes.get("next")).toBeUndefined();
    expect(result.state.error).toMatchObject({ code: "Boom", message: "it broke", kind: ErrorKind.USER });
    expect(result.state.endedAt).toBe(5);
  });

  test("the failure node runs after the abort, with the workflow's inputs and the error as `err`", () => {
    const seen: unknown[] = [];
    const result = run({ failureNode: taskNode("fn", "cleanup", { x: input("x") }) }, {
      cleanup: (ctx) => {
        const err = ctx.inputs.literals.err?.value;
        seen.push(err?.case === "scalar" && err.value.value.case === "error" ? [err.value.value.value.failedNodeId, err.value.value.value.message] : undefined);
        return { kind: "succeed", outputs: lmap({}) };
      },
    });
    expect(seen).toEqual([["bad", "it broke"]]);
    expect(nodePhases(result, "fn")).toEqual([N.QUEUED, N.RUNNING, N.SUCCEEDED]);
    expect(result.attempts.map((a) => [a.node, a.at])).toContainEqual(["fn", 5]);
    expect(result.state.phase).toBe(W.FAILED);
    expect(result.state.error?.code).toBe("Boom");
    expect(result.state.endedAt).toBe(6);
  });

  test("a failing failure node masks the original error", () => {
    const result = run({ failureNode: taskNode("fn", "cleanup", { x: input("x") }) }, { cleanup: () => ({ kind: "fail", error: userErr("CleanupFailed"), recoverable: false }) });
    expect(result.state.error?.code).toBe("CleanupFailed");
    expect(result.state.phase).toBe(W.FAILED);
  });

  test("a failure node that declares no `err` input gets none, and one whose inputs cannot resolve fails", () => {
    const plain = run({ failureNode: taskNode("fn", "badCleanup", { x: input("x") }) }, { badCleanup: returns({}) });
    expect(decisionsOf(plain, "startAttempt").find((d) => d.node === "fn")?.inputs.literals).not.toHaveProperty("err");
    const broken = run({ failureNode: taskNode("fn", "badCleanup", { x: promise("slow", "o0") }) }, { badCleanup: returns({}) });
    expect(nodePhases(broken, "fn")).toEqual([N.FAILED]);
    expect(broken.state.error?.code).toBe("InputResolutionFailed");
  });
});

describe("failure inside a sub-workflow", () => {
  test("the sub-workflow's failure node runs nested, then the sub-workflow node fails", () => {
    const inner = workflow("inner", {
      inputs: { a: INT },
      nodes: [taskNode("s0", "boom", { x: input("a") })],
      failureNode: taskNode("fn", "cleanup", { x: input("a") }),
    });
    const outer = workflow("wf", { inputs: { x: INT }, nodes: [subworkflowNode("sw", "inner", { a: input("x") })] });
    const result = runWorkflow(createEngine(closure(outer, { tasks: allTasks, subWorkflows: [inner] })), lmap({ x: int(1) }), {
      tasks: { boom: fails(userErr("Boom"), false), cleanup: returns({}) },
    });
    expect(nodePhases(result, "sw/fn")).toEqual([N.QUEUED, N.RUNNING, N.SUCCEEDED]);
    const err = decisionsOf(result, "startAttempt").find((d) => d.node === "sw/fn")?.inputs.literals.err?.value;
    expect(err?.case === "scalar" && err.value.value.case === "error" && err.value.value.value.failedNodeId).toBe("sw/s0");
    expect(nodePhases(result, "sw")).toEqual([N.RUNNING, N.FAILED]);
    expect(workflowPhases(result)).toEqual([W.RUNNING, W.FAILING, W.FAILED]);
  });
});

describe("FAIL_AFTER_EXECUTABLE_NODES_COMPLETE", () => {
  test("independent nodes run to completion; dependents of the failed node never start", () => {
    const result = run({ failAfterExecutableNodes: true });
    expect(nodePhases(result, "slow")).toEqual([N.QUEUED, N.RUNNING, N.SUCCEEDED]);
    expect(nodePhases(result, "next")).toEqual([N.QUEUED, N.RUNNING, N.SUCCEEDED]);
    expect(result.state.nodes.get("child")).toBeUndefined();
    expect(decisionsOf(result, "abortAttempt")).toEqual([]);
    expect(workflowPhases(result)).toEqual([W.RUNNING, W.FAILING, W.FAILED]);
    expect(result.state.error?.code).toBe("Boom");
    expect(result.state.endedAt).toBe(21);
  });

  test("the failure node runs once nothing else can", () => {
    const result = run({ failAfterExecutableNodes: true, failureNode: taskNode("fn", "cleanup", { x: input("x") }) });
    expect(result.attempts.map((a) => a.node)).toEqual(["bad", "slow", "next", "fn"]);
    expect(result.attempts.at(-1)?.at).toBe(21);
  });
});
