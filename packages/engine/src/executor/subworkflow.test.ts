import { ErrorKind, NodeExecutionPhase as N, WorkflowExecutionPhase as W } from "@skein/idl";
import { describe, expect, test } from "vitest";
import { childExecutionName } from "./child-name.js";
import { createEngine } from "./engine.js";
import { runWorkflow } from "./test-driver.js";
import {
  closure,
  decisionsOf,
  fails,
  INT,
  input,
  int,
  launchPlan,
  launchPlanNode,
  lmap,
  nodePhases,
  promise,
  readInt,
  subworkflowNode,
  sumPlusOne,
  task,
  taskNode,
  userErr,
  workflow,
} from "./test-fixtures.js";

const add = task("add", { inputs: { x: INT } });
const boom = task("boom", { inputs: { x: INT } });
// inner(a) = (a + 1) + 1
const inner = workflow("inner", {
  inputs: { a: INT },
  nodes: [taskNode("s0", "add", { x: input("a") }), taskNode("s1", "add", { x: promise("s0", "o0") })],
  outputBindings: { r: promise("s1", "o0") },
});

describe("sub-workflow nodes", () => {
  test("the sub-workflow's nodes run nested under the node, fed its inputs, and bind its outputs", () => {
    const wf = workflow("wf", {
      inputs: { x: INT },
      nodes: [subworkflowNode("sw", "inner", { a: input("x") }), taskNode("after", "add", { x: promise("sw", "r") })],
      outputBindings: { y: promise("after", "o0") },
    });
    const run = runWorkflow(createEngine(closure(wf, { tasks: [add], subWorkflows: [inner] })), lmap({ x: int(1) }), { tasks: { add: sumPlusOne } });
    expect(nodePhases(run, "sw")).toEqual([N.RUNNING, N.SUCCEEDED]);
    expect(nodePhases(run, "sw/s0")).toEqual([N.QUEUED, N.RUNNING, N.SUCCEEDED]);
    expect(readInt(run.state.nodes.get("sw")?.outputs?.literals.r)).toBe(3n);
    expect(readInt(run.state.outputs?.literals.y)).toBe(4n);
  });

  test("a failure inside fails the sub-workflow node and the workflow", () => {
    const broken = workflow("broken", { inputs: { a: INT }, nodes: [taskNode("s0", "boom", { x: input("a") })], outputBindings: { r: promise("s0", "o0") } });
    const wf = workflow("wf", { inputs: { x: INT }, nodes: [subworkflowNode("sw", "broken", { a: input("x") })] });
    const run = runWorkflow(createEngine(closure(wf, { tasks: [boom], subWorkflows: [broken] })), lmap({ x: int(1) }), { tasks: { boom: fails(userErr("Bad", "bad input"), false) } });
    expect(nodePhases(run, "sw")).toEqual([N.RUNNING, N.FAILED]);
    expect(run.state.nodes.get("sw")?.error).toMatchObject({ code: "Bad", message: "bad input" });
    expect(run.state.phase).toBe(W.FAILED);
  });

  test("nested sub-workflows nest their paths", () => {
    const outer = workflow("outer", { inputs: { a: INT }, nodes: [subworkflowNode("in", "inner", { a: input("a") })], outputBindings: { r: promise("in", "r") } });
    const wf = workflow("wf", { inputs: { x: INT }, nodes: [subworkflowNode("sw", "outer", { a: input("x") })], outputBindings: { y: promise("sw", "r") } });
    const run = runWorkflow(createEngine(closure(wf, { tasks: [add], subWorkflows: [inner, outer] })), lmap({ x: int(5) }), { tasks: { add: sumPlusOne } });
    expect(nodePhases(run, "sw/in/s1")).toEqual([N.QUEUED, N.RUNNING, N.SUCCEEDED]);
    expect(readInt(run.state.outputs?.literals.y)).toBe(7n);
  });
});

describe("launch plan nodes", () => {
  const wf = workflow("wf", { inputs: { x: INT }, nodes: [launchPlanNode("lp", "child", { a: input("x") })], outputBindings: { y: promise("lp", "o0") } });
  const engine = createEngine(closure(wf, { launchPlans: [launchPlan("child")] }), { executionName: "exec1" });

  test("a child execution starts under a deterministic name and its outputs become the node's", () => {
    const run = runWorkflow(engine, lmap({ x: int(2) }), {
      tasks: {},
      children: { child: (inputs) => ({ phase: W.SUCCEEDED, outputs: lmap({ o0: int(readInt(inputs.literals.a) * 10n) }) }) },
    });
    const start = decisionsOf(run, "startChild")[0];
    expect(start?.name).toBe(childExecutionName("exec1", "lp", 0));
    expect(start?.name).toMatch(/^[a-z][a-z0-9]{0,19}$/);
    expect(start?.launchPlan.name).toBe("child");
    expect(nodePhases(run, "lp")).toEqual([N.QUEUED, N.RUNNING, N.SUCCEEDED]);
    expect(readInt(run.state.outputs?.literals.y)).toBe(20n);
  });

  test("a failed child fails the node with the child's error, or a generated one", () => {
    const failed = runWorkflow(engine, lmap({ x: int(2) }), { tasks: {}, children: { child: () => ({ phase: W.FAILED, error: userErr("ChildBroke") }) } });
    expect(failed.state.error?.code).toBe("ChildBroke");
    const aborted = runWorkflow(engine, lmap({ x: int(2) }), { tasks: {}, children: { child: () => ({ phase: W.ABORTED }) } });
    expect(aborted.state.error).toMatchObject({ code: "ChildExecutionFailed", kind: ErrorKind.USER });
    expect(aborted.state.error?.message).toMatch(/^child execution "c[0-9a-z]{13}" of node "lp" ended ABORTED$/);
  });

  test("child names depend on execution, path and attempt only", () => {
    expect(childExecutionName("e", "a/b", 0)).toBe(childExecutionName("e", "a/b", 0));
    expect(new Set([childExecutionName("e", "a/b", 0), childExecutionName("e", "a/b", 1), childExecutionName("f", "a/b", 0), childExecutionName("e", "a/c", 0)]).size).toBe(4);
    expect(childExecutionName("", "", 0)).toHaveLength(14);
  });
});
