import { ErrorKind, NodeExecutionPhase as N, WorkflowExecutionPhase as W, type Node } from "@skein/idl";
import { describe, expect, test } from "vitest";
import { createEngine } from "./engine.js";
import { runWorkflow } from "./test-driver.js";
import {
  and,
  branchNode,
  closure,
  cmp,
  fails,
  type Fallback,
  INT,
  input,
  int,
  lit,
  lmap,
  nodePhases,
  or,
  promise,
  readInt,
  returns,
  sumPlusOne,
  task,
  taskNode,
  userErr,
  v,
  workflow,
} from "./test-fixtures.js";

const add = task("add", { inputs: { x: INT } });
const tasks = { add: sumPlusOne, ten: returns({ o0: int(10) }), twenty: returns({ o0: int(20) }), boom: fails(userErr("Boom"), false) };
const allTasks = [add, task("ten"), task("twenty"), task("boom")];

// n0 = x + 1; br decides on n0's output; after = br.o0 + 1.
function run(x: number, cases: { when: ReturnType<typeof cmp>; then: Node }[], fallback?: Fallback) {
  const wf = workflow("wf", {
    inputs: { x: INT },
    nodes: [
      taskNode("n0", "add", { x: input("x") }),
      branchNode("br", { v: promise("n0", "o0") }, cases, fallback),
      taskNode("after", "add", { x: promise("br", "o0") }),
    ],
    outputBindings: {},
  });
  return runWorkflow(createEngine(closure(wf, { tasks: allTasks })), lmap({ x: int(x) }), { tasks });
}

const big = cmp(v("v"), ">", lit(int(5)));
const small = cmp(v("v"), "<=", lit(int(2)));

describe("branch nodes", () => {
  test("the first matching case runs as a child and the branch takes its outputs", () => {
    const result = run(9, [{ when: big, then: taskNode("t1", "ten") }, { when: small, then: taskNode("t2", "twenty") }]);
    expect(nodePhases(result, "br")).toEqual([N.RUNNING, N.SUCCEEDED]);
    expect(nodePhases(result, "br/t1")).toEqual([N.QUEUED, N.RUNNING, N.SUCCEEDED]);
    expect(nodePhases(result, "br/t2")).toEqual([]);
    expect(readInt(result.state.nodes.get("br")?.outputs?.literals.o0)).toBe(10n);
    expect(readInt(result.state.nodes.get("after")?.outputs?.literals.o0)).toBe(11n);
    expect(result.state.phase).toBe(W.SUCCEEDED);
  });

  test("the other cases are tried in order", () => {
    const result = run(0, [{ when: big, then: taskNode("t1", "ten") }, { when: small, then: taskNode("t2", "twenty") }]);
    expect(readInt(result.state.nodes.get("br")?.outputs?.literals.o0)).toBe(20n);
  });

  test("the else node runs when no case matches", () => {
    const result = run(3, [{ when: big, then: taskNode("t1", "ten") }], { else: taskNode("e", "twenty") });
    expect(nodePhases(result, "br/e")).toEqual([N.QUEUED, N.RUNNING, N.SUCCEEDED]);
    expect(readInt(result.state.nodes.get("after")?.outputs?.literals.o0)).toBe(21n);
  });

  test("the error default fails the branch with its message", () => {
    const result = run(3, [{ when: big, then: taskNode("t1", "ten") }], { error: "x must be big" });
    expect(nodePhases(result, "br")).toEqual([N.FAILED]);
    expect(result.state.error).toMatchObject({ code: "BranchFailed", message: "x must be big", kind: ErrorKind.USER });
    expect(result.state.nodes.get("after")).toBeUndefined();
  });

  test("no match and no default skips the branch and everything that depends on it", () => {
    const result = run(3, [{ when: big, then: taskNode("t1", "ten") }]);
    expect(nodePhases(result, "br")).toEqual([N.SKIPPED]);
    expect(nodePhases(result, "after")).toEqual([N.SKIPPED]);
    expect(result.state.phase).toBe(W.SUCCEEDED);
  });

  test("a failing child fails the branch", () => {
    const result = run(9, [{ when: big, then: taskNode("t1", "boom") }]);
    expect(nodePhases(result, "br")).toEqual([N.RUNNING, N.FAILED]);
    expect(result.state.error?.code).toBe("Boom");
  });

  test("conjunctions combine comparisons", () => {
    const between = and(cmp(v("v"), ">", lit(int(2))), cmp(v("v"), "<", lit(int(8))));
    expect(readInt(run(4, [{ when: between, then: taskNode("t1", "ten") }], { else: taskNode("e", "twenty") }).state.nodes.get("br")?.outputs?.literals.o0)).toBe(10n);
    const either = or(cmp(v("v"), "==", lit(int(1))), cmp(v("v"), "==", lit(int(100))));
    expect(readInt(run(0, [{ when: either, then: taskNode("t1", "ten") }], { else: taskNode("e", "twenty") }).state.nodes.get("br")?.outputs?.literals.o0)).toBe(10n);
  });

  test("a condition naming an unknown input fails the branch with a user error", () => {
    const result = run(4, [{ when: cmp(v("nope"), "==", lit(int(1))), then: taskNode("t1", "ten") }]);
    expect(result.state.error).toMatchObject({ code: "BranchConditionFailed", kind: ErrorKind.USER });
    expect(result.state.error?.message).toBe('node "br" case 1: the branch has no input "nope"');
  });

  test("a case node's own bindings resolve in the branch's scope, and the branch waits for them", () => {
    const wf = workflow("wf", {
      inputs: { x: INT },
      nodes: [
        taskNode("n0", "add", { x: input("x") }),
        taskNode("slow", "add", { x: input("x") }),
        branchNode("br", { v: promise("n0", "o0") }, [{ when: big, then: taskNode("t1", "add", { x: promise("slow", "o0") }) }]),
      ],
      outputBindings: { y: promise("br", "o0") },
    });
    const result = runWorkflow(createEngine(closure(wf, { tasks: allTasks })), lmap({ x: int(7) }), {
      tasks: { add: (ctx) => ({ ...sumPlusOne(ctx), durationMs: ctx.node === "slow" ? 50 : 1 }) },
    });
    expect(result.attempts.find((a) => a.node === "br/t1")?.at).toBe(50);
    expect(readInt(result.state.outputs?.literals.y)).toBe(9n);
  });
});
