import { NodeExecutionPhase as N, WorkflowExecutionPhase as W } from "@skein/idl";
import { describe, expect, test } from "vitest";
import type { ExecutionState, Step, WorkflowEngine } from "./api.js";
import { encodeState } from "./codec.js";
import { createEngine } from "./engine.js";
import { approveNode, closure, INT, input, int, lmap, promise, task, taskNode, userErr, workflow } from "./test-fixtures.js";

const add = task("add", { inputs: { x: INT }, retries: 1, timeoutMs: 100 });
const wf = workflow("wf", {
  inputs: { x: INT },
  nodes: [taskNode("a", "add", { x: input("x") }), taskNode("b", "add", { x: promise("a", "o0") }), approveNode("gate", "go")],
});
const engine: WorkflowEngine = createEngine(closure(wf, { tasks: [add] }));
const started = (): Step => engine.handle(engine.initialState(), { type: "start", inputs: lmap({ x: int(1) }) }, 0);
const out = lmap({ o0: int(2) });
const unchanged = (step: Step, before: ExecutionState): void => {
  expect(step.state).toBe(before);
  expect(step.decisions).toEqual([]);
  expect(step.records).toEqual([]);
};

describe("event handling", () => {
  test("handle is deterministic and never changes the state it is given", () => {
    const s0 = started().state;
    const before = encodeState(s0);
    const one = engine.handle(s0, { type: "attemptSucceeded", node: "a", attempt: 0, outputs: out }, 5);
    const two = engine.handle(s0, { type: "attemptSucceeded", node: "a", attempt: 0, outputs: out }, 5);
    expect(encodeState(s0)).toBe(before);
    expect(encodeState(one.state)).toBe(encodeState(two.state));
    expect(one.decisions).toEqual(two.decisions);
    expect(one.records).toEqual(two.records);
    expect(s0.nodes.get("a")?.phase).toBe(N.RUNNING);
    expect(one.state.nodes.get("a")?.phase).toBe(N.SUCCEEDED);
  });

  test("results of attempts that are not current are ignored", () => {
    const s0 = started().state;
    unchanged(engine.handle(s0, { type: "attemptSucceeded", node: "a", attempt: 1, outputs: out }, 1), s0);
    unchanged(engine.handle(s0, { type: "attemptSucceeded", node: "b", attempt: 0, outputs: out }, 1), s0);
    const done = engine.handle(s0, { type: "attemptSucceeded", node: "a", attempt: 0, outputs: out }, 1).state;
    unchanged(engine.handle(done, { type: "attemptFailed", node: "a", attempt: 0, error: userErr("Late"), recoverable: true }, 2), done);
    unchanged(engine.handle(done, { type: "cacheResult", node: "a" }, 2), done);
    unchanged(engine.handle(done, { type: "timerFired", timer: "timeout:a:0" }, 100), done);
    unchanged(engine.handle(done, { type: "timerFired", timer: "retry:a:1" }, 100), done);
  });

  test("a result arriving after its attempt timed out is ignored; the retry's result counts", () => {
    const s0 = started().state;
    const timedOut = engine.handle(s0, { type: "timerFired", timer: "timeout:a:0" }, 100);
    expect(timedOut.decisions.map((d) => d.type)).toEqual(["abortAttempt", "startAttempt", "setTimer"]);
    unchanged(engine.handle(timedOut.state, { type: "attemptSucceeded", node: "a", attempt: 0, outputs: out }, 101), timedOut.state);
    const retried = engine.handle(timedOut.state, { type: "attemptSucceeded", node: "a", attempt: 1, outputs: out }, 102);
    expect(retried.state.nodes.get("a")?.phase).toBe(N.SUCCEEDED);
  });

  test("events naming nodes the workflow does not have, or of the wrong kind, throw", () => {
    const s0 = started().state;
    expect(() => engine.handle(s0, { type: "attemptSucceeded", node: "ghost", attempt: 0 }, 1)).toThrow('attemptSucceeded: the workflow has no node "ghost"');
    expect(() => engine.handle(s0, { type: "attemptSucceeded", node: "a/x", attempt: 0 }, 1)).toThrow('attemptSucceeded: the workflow has no node "a/x"');
    expect(() => engine.handle(s0, { type: "attemptSucceeded", node: "gate", attempt: 0 }, 1)).toThrow('attemptSucceeded: node "gate" is a gateNode, not a taskNode');
    expect(() => engine.handle(s0, { type: "childFinished", node: "a", phase: W.SUCCEEDED }, 1)).toThrow('childFinished: node "a" is a taskNode, not a workflowNode');
    expect(() => engine.handle(s0, { type: "timerFired", timer: "bogus" }, 1)).toThrow('timerFired: "bogus" is not a timer this engine set');
    expect(() => engine.handle(s0, { type: "start", inputs: lmap({}) }, NaN)).toThrow(/now must be a finite number/);
  });

  test("events before the start and a second start are ignored", () => {
    const initial = engine.initialState();
    unchanged(engine.handle(initial, { type: "attemptSucceeded", node: "a", attempt: 0 }, 0), initial);
    const s0 = started().state;
    unchanged(engine.handle(s0, { type: "start", inputs: lmap({}) }, 1), s0);
  });

  test("only states from the engine are accepted", () => {
    const foreign: ExecutionState = { ...engine.initialState(), phase: W.RUNNING, nodes: new Map() };
    expect(() => engine.handle(foreign, { type: "abort", reason: "x" }, 0)).toThrow(/not made by this engine/);
  });
});
