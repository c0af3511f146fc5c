import { create } from "@bufbuild/protobuf";
import { ErrorKind, LiteralTypeSchema, NodeExecutionPhase as N, SimpleType, WorkflowExecutionPhase as W } from "@skein/idl";
import { describe, expect, test } from "vitest";
import { createEngine } from "./engine.js";
import { runWorkflow } from "./test-driver.js";
import {
  approveNode,
  bool,
  closure,
  decisionsOf,
  INT,
  input,
  int,
  lmap,
  nodePhases,
  promise,
  readInt,
  signalNode,
  sleepNode,
  str,
  sumPlusOne,
  task,
  taskNode,
  workflow,
} from "./test-fixtures.js";

const add = task("add", { inputs: { x: INT } });
const tasks = { add: sumPlusOne };

describe("gate nodes", () => {
  const approval = workflow("wf", {
    inputs: { x: INT },
    nodes: [approveNode("ok", "go", { x: input("x") }), taskNode("after", "add", { x: promise("ok", "x") })],
    outputBindings: { y: promise("after", "o0") },
  });
  const engine = createEngine(closure(approval, { tasks: [add] }));

  test("an approval waits for a boolean signal; true passes the gate's inputs on", () => {
    const run = runWorkflow(engine, lmap({ x: int(4) }), { tasks, signals: { go: { value: bool(true), afterMs: 30 } } });
    expect(decisionsOf(run, "waitSignal")).toMatchObject([{ node: "ok", signalId: "go", approval: true, valueType: { type: { case: "simple", value: SimpleType.BOOLEAN } } }]);
    expect(nodePhases(run, "ok")).toEqual([N.RUNNING, N.SUCCEEDED]);
    expect(run.attempts.map((a) => [a.node, a.at])).toEqual([["after", 30]]);
    expect(readInt(run.state.outputs?.literals.y)).toBe(5n);
  });

  test("false rejects the approval; a non-boolean is a type error", () => {
    const rejected = runWorkflow(engine, lmap({ x: int(4) }), { tasks, signals: { go: { value: bool(false) } } });
    expect(nodePhases(rejected, "ok")).toEqual([N.RUNNING, N.FAILED]);
    expect(rejected.state.error).toMatchObject({ code: "ApprovalRejected", kind: ErrorKind.USER, message: 'node "ok": signal "go" rejected the approval' });
    const wrong = runWorkflow(engine, lmap({ x: int(4) }), { tasks, signals: { go: { value: str("yes") } } });
    expect(wrong.state.error?.code).toBe("SignalTypeMismatch");
  });

  test("without a signal the gate keeps waiting, and other signals are ignored", () => {
    const run = runWorkflow(engine, lmap({ x: int(4) }), { tasks, signals: { other: { value: bool(true) } } });
    expect(run.state.phase).toBe(W.RUNNING);
    expect(run.state.nodes.get("ok")?.phase).toBe(N.RUNNING);
    const step = engine.handle(run.state, { type: "signal", signalId: "unrelated", value: bool(true) }, run.now);
    expect(step.state).toBe(run.state);
  });

  test("a signal gate outputs the value under its output variable, checking its type", () => {
    const wf = workflow("wf", {
      nodes: [signalNode("ask", "n", create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.INTEGER } }), "answer"), taskNode("after", "add", { x: promise("ask", "answer") })],
      outputBindings: { y: promise("after", "o0") },
    });
    const signalled = createEngine(closure(wf, { tasks: [add] }));
    const run = runWorkflow(signalled, lmap({}), { tasks, signals: { n: { value: int(41) } } });
    expect(decisionsOf(run, "waitSignal")[0]).toMatchObject({ signalId: "n", approval: false });
    expect(readInt(run.state.outputs?.literals.y)).toBe(42n);
    const mismatch = runWorkflow(signalled, lmap({}), { tasks, signals: { n: { value: str("x") } } });
    expect(mismatch.state.error?.message).toBe('node "ask": signal "n": expected an int, got a string');
  });

  test("a sleep ends after its duration", () => {
    const wf = workflow("wf", { nodes: [sleepNode("nap", 250), taskNode("after", "add", { x: input("x") }, { upstream: ["nap"] })], inputs: { x: INT } });
    const run = runWorkflow(createEngine(closure(wf, { tasks: [add] })), lmap({ x: int(1) }), { tasks });
    expect(decisionsOf(run, "setTimer")).toEqual([{ type: "setTimer", timer: "sleep:nap", at: 250 }]);
    expect(nodePhases(run, "nap")).toEqual([N.RUNNING, N.SUCCEEDED]);
    expect(run.attempts[0]?.at).toBe(250);
  });
});
