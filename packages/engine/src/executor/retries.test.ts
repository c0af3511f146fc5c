import { ErrorKind, NodeExecutionPhase as N, WorkflowExecutionPhase as W } from "@skein/idl";
import { describe, expect, test } from "vitest";
import { createEngine } from "./engine.js";
import { runWorkflow, type TaskBehavior } from "./test-driver.js";
import {
  closure,
  decisionsOf,
  fails,
  int,
  lmap,
  nodePhases,
  returns,
  systemErr,
  task,
  taskNode,
  userErr,
  workflow,
  type TaskOptions,
} from "./test-fixtures.js";

// Runs one node of task "t" whose attempts behave per `script[attempt]` (the last entry repeats).
function runOne(options: TaskOptions, script: TaskBehavior[], nodeOptions: Parameters<typeof taskNode>[3] = {}, maxSystemRetries?: number) {
  const wf = workflow("wf", { nodes: [taskNode("n0", "t", {}, nodeOptions)] });
  const engine = createEngine(closure(wf, { tasks: [task("t", options)] }), { maxSystemRetries });
  const behavior: TaskBehavior = (ctx) => (script[Math.min(ctx.attempt, script.length - 1)] ?? returns({ o0: int(0) }))(ctx);
  return runWorkflow(engine, lmap({}), { tasks: { t: behavior } });
}

const ok = returns({ o0: int(1) });
const hang: TaskBehavior = () => ({ kind: "hang" });

describe("retries", () => {
  test("user errors use retries + 1 attempts, then fail with RetriesExhausted|<code>", () => {
    const run = runOne({ retries: 2 }, [fails(userErr("Boom", "it broke"))]);
    expect(run.attempts.map((a) => a.attempt)).toEqual([0, 1, 2]);
    expect(nodePhases(run, "n0")).toEqual([N.QUEUED, N.RUNNING, N.RUNNING, N.RUNNING, N.FAILED]);
    const retryRecords = run.records.filter((r) => r.type === "node" && r.retryDelayMs !== undefined);
    expect(retryRecords.map((r) => r.type === "node" && [r.attempt, r.error?.code, r.retryDelayMs])).toEqual([[0, "Boom", 0], [1, "Boom", 0]]);
    expect(run.state.nodes.get("n0")).toMatchObject({ attempts: 3, systemFailures: 0 });
    expect(run.state.phase).toBe(W.FAILED);
    expect(run.state.error).toMatchObject({ code: "RetriesExhausted|Boom", message: "it broke", kind: ErrorKind.USER });
  });

  test("a later attempt that succeeds ends the node SUCCEEDED", () => {
    const run = runOne({ retries: 1 }, [fails(userErr("Flaky")), ok]);
    expect(run.attempts.map((a) => a.attempt)).toEqual([0, 1]);
    expect(run.state.phase).toBe(W.SUCCEEDED);
    expect(run.state.nodes.get("n0")?.error).toBeUndefined();
  });

  test("system errors spend a separate budget (default 3 retries) that user retries do not limit", () => {
    const passes = runOne({ retries: 0 }, [fails(systemErr("Lost")), fails(systemErr("Lost")), fails(systemErr("Lost")), ok]);
    expect(passes.attempts).toHaveLength(4);
    expect(passes.state.phase).toBe(W.SUCCEEDED);
    expect(passes.state.nodes.get("n0")?.systemFailures).toBe(3);
    const exhausted = runOne({ retries: 5 }, [fails(systemErr("Lost"))]);
    expect(exhausted.attempts).toHaveLength(4);
    expect(exhausted.state.error).toMatchObject({ code: "RetriesExhausted|Lost", kind: ErrorKind.SYSTEM });
    const custom = runOne({ retries: 0 }, [fails(systemErr("Lost"))], {}, 1);
    expect(custom.attempts).toHaveLength(2);
  });

  test("system failures do not consume user retries", () => {
    const run = runOne({ retries: 1 }, [fails(systemErr("Lost")), fails(userErr("Boom")), fails(systemErr("Lost")), ok]);
    expect(run.attempts).toHaveLength(4);
    expect(run.state.phase).toBe(W.SUCCEEDED);
  });

  test("a non-recoverable error fails at once with its own code", () => {
    const run = runOne({ retries: 5 }, [fails(userErr("ValueError"), false)]);
    expect(run.attempts).toHaveLength(1);
    expect(run.state.error?.code).toBe("ValueError");
  });

  test("node metadata retries override the task's", () => {
    const run = runOne({ retries: 5 }, [fails(userErr("Boom"))], { retries: 1 });
    expect(run.attempts).toHaveLength(2);
  });

  test("backoff waits initial × multiplier^(n-1), capped by the maximum delay", () => {
    const run = runOne({ retries: 4, initialDelayMs: 100, multiplier: 2, maxDelayMs: 300 }, [fails(userErr("Boom"), true, 1)]);
    expect(run.attempts.map((a) => a.at)).toEqual([0, 101, 302, 603, 904]);
    expect(decisionsOf(run, "setTimer").map((d) => [d.timer, d.at])).toEqual([
      ["retry:n0:1", 101],
      ["retry:n0:2", 302],
      ["retry:n0:3", 603],
      ["retry:n0:4", 904],
    ]);
    const delays = run.records.flatMap((r) => (r.type === "node" && r.retryDelayMs !== undefined ? [r.retryDelayMs] : []));
    expect(delays).toEqual([100, 200, 300, 300]);
  });

  test("a multiplier of 0 means a constant delay", () => {
    const run = runOne({ retries: 2, initialDelayMs: 50 }, [fails(userErr("Boom"), true, 1)]);
    expect(run.attempts.map((a) => a.at)).toEqual([0, 51, 102]);
  });
});

describe("timeouts", () => {
  test("an attempt past its deadline is aborted and the node ends TIMED_OUT when no retry is left", () => {
    const run = runOne({ timeoutMs: 50 }, [hang]);
    expect(decisionsOf(run, "startAttempt").map((d) => d.deadline)).toEqual([50]);
    expect(decisionsOf(run, "setTimer").map((d) => [d.timer, d.at])).toEqual([["timeout:n0:0", 50]]);
    expect(decisionsOf(run, "abortAttempt").map((d) => [d.node, d.attempt])).toEqual([["n0", 0]]);
    expect(nodePhases(run, "n0")).toEqual([N.QUEUED, N.RUNNING, N.TIMED_OUT]);
    expect(run.state.phase).toBe(W.FAILED);
    expect(run.state.error).toMatchObject({ code: "RetriesExhausted|TimeoutExpired", kind: ErrorKind.USER, message: 'attempt 1 of node "n0" ran longer than its timeout of 50 ms' });
    expect(run.now).toBe(50);
  });

  test("a timed-out attempt is retried like a user error, and a late result of it is ignored", () => {
    const slowThenFast: TaskBehavior[] = [() => ({ kind: "succeed", outputs: lmap({ o0: int(1) }), durationMs: 500 }), ok];
    const run = runOne({ timeoutMs: 100, retries: 1 }, slowThenFast);
    expect(run.attempts.map((a) => [a.attempt, a.at])).toEqual([[0, 0], [1, 100]]);
    expect(run.state.phase).toBe(W.SUCCEEDED);
    expect(run.aborted).toEqual(["attempt:n0:0"]);
  });

  test("the node's timeout overrides the task's", () => {
    const run = runOne({ timeoutMs: 1000 }, [hang], { timeoutMs: 20 });
    expect(decisionsOf(run, "startAttempt")[0]?.deadline).toBe(20);
    expect(run.state.nodes.get("n0")?.phase).toBe(N.TIMED_OUT);
  });

  test("a timeout timer for an attempt that already finished changes nothing", () => {
    const run = runOne({ timeoutMs: 100 }, [ok]);
    expect(run.state.phase).toBe(W.SUCCEEDED);
    expect(decisionsOf(run, "abortAttempt")).toEqual([]);
  });
});
