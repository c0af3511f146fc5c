import { CatalogCacheStatus, NodeExecutionPhase as N, WorkflowExecutionPhase as W } from "@skein/idl";
import { describe, expect, test } from "vitest";
import { createEngine } from "./engine.js";
import { runWorkflow, type TaskBehavior } from "./test-driver.js";
import {
  closure,
  decisionsOf,
  dynamicSpec,
  fails,
  INT,
  input,
  int,
  lmap,
  nodePhases,
  promise,
  readInt,
  sumPlusOne,
  task,
  taskNode,
  userErr,
  workflow,
} from "./test-fixtures.js";

const gen = task("gen", { inputs: { n: INT }, outputs: { total: INT } });
const add = task("add", { inputs: { x: INT } });
const boom = task("boom");

// `gen` expands into a chain of `n` adds over its input, built at run time; `add` comes with the spec.
const expand: TaskBehavior = (ctx) => {
  const n = Number(readInt(ctx.inputs.literals.n));
  const nodes = Array.from({ length: n }, (_, i) => taskNode(`d${i}`, "add", { x: i === 0 ? input("n") : promise(`d${i - 1}`, "o0") }));
  return { kind: "dynamic", spec: dynamicSpec(nodes, { total: promise(`d${n - 1}`, "o0") }, [add]) };
};

function run(behavior: TaskBehavior, n = 3, cacheable = false) {
  const wf = workflow("wf", {
    inputs: { n: INT },
    nodes: [taskNode("dyn", "gen", { n: input("n") }, { cacheable }), taskNode("after", "add", { x: promise("dyn", "total") })],
    outputBindings: { y: promise("after", "o0") },
  });
  return runWorkflow(createEngine(closure(wf, { tasks: [gen, boom, add] })), lmap({ n: int(n) }), { tasks: { gen: behavior, add: sumPlusOne, boom: fails(userErr("Boom"), false) } });
}

describe("dynamic nodes", () => {
  test("the spec's nodes run nested under the node, which ends with the spec's outputs", () => {
    const result = run(expand);
    expect(nodePhases(result, "dyn")).toEqual([N.QUEUED, N.RUNNING, N.DYNAMIC_RUNNING, N.SUCCEEDED]);
    expect(result.attempts.map((a) => a.node)).toEqual(["dyn", "dyn/d0", "dyn/d1", "dyn/d2", "after"]);
    expect(readInt(result.state.nodes.get("dyn")?.outputs?.literals.total)).toBe(6n);
    expect(readInt(result.state.outputs?.literals.y)).toBe(7n);
  });

  test("a cacheable dynamic node caches its final outputs", () => {
    const result = run(expand, 2, true);
    expect(decisionsOf(result, "putCache").filter((d) => d.node === "dyn").map((d) => readInt(d.outputs.literals.total))).toEqual([4n]);
    expect(result.state.nodes.get("dyn")?.cacheStatus).toBe(CatalogCacheStatus.POPULATED);
  });

  test("a failure inside fails the dynamic node", () => {
    const result = run(() => ({ kind: "dynamic", spec: dynamicSpec([taskNode("d0", "boom")], {}) }));
    expect(nodePhases(result, "dyn")).toEqual([N.QUEUED, N.RUNNING, N.DYNAMIC_RUNNING, N.FAILED]);
    expect(result.state.error?.code).toBe("Boom");
  });

  test("a malformed spec fails the node with a user error naming the problem", () => {
    const result = run(() => ({ kind: "dynamic", spec: dynamicSpec([taskNode("d0", "add", { x: promise("ghost", "o0") })], {}, [add]) }));
    expect(nodePhases(result, "dyn")).toEqual([N.QUEUED, N.RUNNING, N.FAILED]);
    expect(result.state.error).toMatchObject({ code: "InvalidDynamicSpec" });
    expect(result.state.error?.message).toBe('the dynamic workflow of node "dyn": node "d0" depends on "ghost", which is not a node of it');
    const missingTask = run(() => ({ kind: "dynamic", spec: dynamicSpec([taskNode("d0", "nope")], {}) }));
    expect(missingTask.state.error?.message).toMatch(/node "d0" runs task "p\/d\/nope@v1", which is not in the closure/);
  });

  test("an empty spec succeeds with outputs bound from the node's inputs", () => {
    const result = run(() => ({ kind: "dynamic", spec: dynamicSpec([], { total: input("n") }) }), 4);
    expect(result.state.phase).toBe(W.SUCCEEDED);
    expect(readInt(result.state.outputs?.literals.y)).toBe(5n);
  });
});
