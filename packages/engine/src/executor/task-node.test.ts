import { CatalogCacheStatus, ErrorKind, NodeExecutionPhase as N, WorkflowExecutionPhase as W } from "@skein/idl";
import { describe, expect, test } from "vitest";
import type { LiteralMap } from "@skein/idl";
import { createEngine } from "./engine.js";
import type { EngineFactory } from "./api.js";
import { runWorkflow } from "./test-driver.js";
import {
  closure,
  decisionsOf,
  INT,
  input,
  int,
  listBinding,
  literalBinding,
  lmap,
  mapBinding,
  nodePhases,
  promise,
  readInt,
  returns,
  str,
  sumPlusOne,
  task,
  taskNode,
  workflow,
  workflowPhases,
} from "./test-fixtures.js";

const add = task("add", { inputs: { x: INT } });
const cached = task("cached", { inputs: { x: INT }, cache: true, cacheVersion: "7" });

describe("task nodes", () => {
  test("createEngine is the EngineFactory of the contract", () => {
    const factory: EngineFactory = createEngine;
    expect(factory).toBe(createEngine);
  });

  test("a chain runs QUEUED → RUNNING → SUCCEEDED per node and binds the workflow outputs", () => {
    const wf = workflow("wf", {
      inputs: { x: INT },
      nodes: [taskNode("n0", "add", { x: input("x") }), taskNode("n1", "add", { x: promise("n0", "o0") })],
      outputBindings: { out: promise("n1", "o0"), fixed: literalBinding(str("k")), both: listBinding([promise("n0", "o0"), promise("n1", "o0")]) },
    });
    const run = runWorkflow(createEngine(closure(wf, { tasks: [add] })), lmap({ x: int(10) }), { tasks: { add: sumPlusOne } });
    expect(workflowPhases(run)).toEqual([W.RUNNING, W.SUCCEEDING, W.SUCCEEDED]);
    expect(nodePhases(run, "n0")).toEqual([N.QUEUED, N.RUNNING, N.SUCCEEDED]);
    expect(nodePhases(run, "n1")).toEqual([N.QUEUED, N.RUNNING, N.SUCCEEDED]);
    const out = run.state.outputs?.literals ?? {};
    expect(readInt(out.out)).toBe(12n);
    expect(out.fixed).toEqual(str("k"));
    expect(out.both?.value.case === "collection" && out.both.value.value.literals.map(readInt)).toEqual([11n, 12n]);
    const starts = decisionsOf(run, "startAttempt");
    expect(starts.map((d) => [d.node, d.attempt, readInt(d.inputs.literals.x)])).toEqual([["n0", 0, 10n], ["n1", 0, 11n]]);
    expect(run.state.nodes.get("n1")?.cacheStatus).toBe(CatalogCacheStatus.DISABLED);
    expect(run.state.startedAt).toBe(0);
    expect(run.state.endedAt).toBe(2);
  });

  test("map bindings and explicit upstream ids order nodes without data", () => {
    const wf = workflow("wf", {
      nodes: [taskNode("a", "add", { x: literalBinding(int(1)) }), taskNode("b", "add", { x: literalBinding(int(5)) }, { upstream: ["a"] })],
      outputBindings: { m: mapBinding({ first: promise("a", "o0"), second: promise("b", "o0") }) },
    });
    const run = runWorkflow(createEngine(closure(wf, { tasks: [add] })), lmap({}), { tasks: { add: sumPlusOne } });
    expect(run.attempts.map((a) => [a.node, a.at])).toEqual([["a", 0], ["b", 1]]);
    const m = run.state.outputs?.literals.m?.value;
    expect(m?.case === "map" && Object.fromEntries(Object.entries(m.value.literals).map(([k, l]) => [k, readInt(l)]))).toEqual({ first: 2n, second: 6n });
  });

  test("a cache miss runs and populates; the next run hits without an attempt", () => {
    const wf = workflow("wf", { inputs: { x: INT }, nodes: [taskNode("n0", "cached", { x: input("x") })], outputBindings: { o: promise("n0", "o0") } });
    const engine = createEngine(closure(wf, { tasks: [cached] }));
    const cache = new Map<string, LiteralMap>();
    const first = runWorkflow(engine, lmap({ x: int(1) }), { tasks: { cached: sumPlusOne }, cache });
    expect(decisionsOf(first, "lookupCache").map((d) => d.cacheVersion)).toEqual(["7"]);
    expect(decisionsOf(first, "putCache").map((d) => [d.node, d.attempt, readInt(d.outputs.literals.o0)])).toEqual([["n0", 0, 2n]]);
    expect(first.state.nodes.get("n0")?.cacheStatus).toBe(CatalogCacheStatus.POPULATED);
    const second = runWorkflow(engine, lmap({ x: int(1) }), { tasks: { cached: sumPlusOne }, cache });
    expect(second.attempts).toEqual([]);
    expect(nodePhases(second, "n0")).toEqual([N.QUEUED, N.SUCCEEDED]);
    expect(second.state.nodes.get("n0")?.cacheStatus).toBe(CatalogCacheStatus.HIT);
    expect(readInt(second.state.outputs?.literals.o)).toBe(2n);
    const other = runWorkflow(engine, lmap({ x: int(2) }), { tasks: { cached: sumPlusOne }, cache });
    expect(other.attempts).toHaveLength(1);
  });

  test("overwriteCache skips the lookup but still writes", () => {
    const wf = workflow("wf", { nodes: [taskNode("n0", "cached", { x: literalBinding(int(1)) })] });
    const run = runWorkflow(createEngine(closure(wf, { tasks: [cached] }), { overwriteCache: true }), lmap({}), { tasks: { cached: sumPlusOne } });
    expect(decisionsOf(run, "lookupCache")).toEqual([]);
    expect(decisionsOf(run, "putCache")).toHaveLength(1);
    expect(run.records.find((r) => r.type === "node" && r.phase === N.QUEUED)).toMatchObject({ cacheStatus: CatalogCacheStatus.SKIPPED });
    expect(run.state.nodes.get("n0")?.cacheStatus).toBe(CatalogCacheStatus.POPULATED);
  });

  test("a failed lookup runs the task and records LOOKUP_FAILURE until populated", () => {
    const wf = workflow("wf", { nodes: [taskNode("n0", "cached", { x: literalBinding(int(1)) })] });
    const run = runWorkflow(createEngine(closure(wf, { tasks: [cached] })), lmap({}), { tasks: { cached: sumPlusOne }, failCacheLookups: true });
    expect(run.attempts).toHaveLength(1);
    expect(run.records.find((r) => r.type === "node" && r.phase === N.RUNNING)).toMatchObject({ cacheStatus: CatalogCacheStatus.LOOKUP_FAILURE });
    expect(run.state.nodes.get("n0")?.cacheStatus).toBe(CatalogCacheStatus.POPULATED);
  });

  test("node metadata overrides caching and the cache version", () => {
    const wf = workflow("wf", {
      nodes: [
        taskNode("off", "cached", { x: literalBinding(int(1)) }, { cacheable: false }),
        taskNode("on", "add", { x: literalBinding(int(1)) }, { cacheable: true, cacheVersion: "v9" }),
      ],
    });
    const run = runWorkflow(createEngine(closure(wf, { tasks: [cached, add] })), lmap({}), { tasks: { cached: sumPlusOne, add: sumPlusOne } });
    expect(decisionsOf(run, "lookupCache").map((d) => [d.node, d.cacheVersion])).toEqual([["on", "v9"]]);
    expect(run.state.nodes.get("off")?.cacheStatus).toBe(CatalogCacheStatus.DISABLED);
  });

  test("an attempt that omits a declared output fails the node without retrying", () => {
    const retrying = task("retrying", { retries: 3 });
    const wf = workflow("wf", { nodes: [taskNode("n0", "retrying")] });
    const run = runWorkflow(createEngine(closure(wf, { tasks: [retrying] })), lmap({}), { tasks: { retrying: returns({}) } });
    expect(run.attempts).toHaveLength(1);
    expect(run.state.phase).toBe(W.FAILED);
    expect(run.state.error).toMatchObject({ code: "OutputsMissing", kind: ErrorKind.USER });
    expect(run.state.error?.message).toContain('"o0"');
  });

  test("output aliases give an output a second name", () => {
    const wf = workflow("wf", { nodes: [taskNode("n0", "add", { x: literalBinding(int(1)) }, { aliases: { o0: "total" } })], outputBindings: { t: promise("n0", "total") } });
    const run = runWorkflow(createEngine(closure(wf, { tasks: [add] })), lmap({}), { tasks: { add: sumPlusOne } });
    expect(readInt(run.state.outputs?.literals.t)).toBe(2n);
  });

  test("an input that cannot be resolved fails the node with a user error naming node, input and cause", () => {
    const wf = workflow("wf", { inputs: { x: INT }, nodes: [taskNode("n0", "add", { x: input("missing") })] });
    const run = runWorkflow(createEngine(closure(wf, { tasks: [add] })), lmap({ x: int(1) }), { tasks: { add: sumPlusOne } });
    expect(run.attempts).toEqual([]);
    expect(nodePhases(run, "n0")).toEqual([N.FAILED]);
    expect(run.state.phase).toBe(W.FAILED);
    expect(run.state.error).toMatchObject({ code: "InputResolutionFailed", kind: ErrorKind.USER });
    expect(run.state.error?.message).toBe('node "n0" input "x": the workflow input "missing" was not provided');
  });

  test("createEngine rejects a closure whose nodes reference unknown tasks, nodes or cycles", () => {
    const unknownTask = workflow("wf", { nodes: [taskNode("n0", "nope")] });
    expect(() => createEngine(closure(unknownTask))).toThrow(/node "n0" runs task "p\/d\/nope@v1", which is not in the closure/);
    const unknownNode = workflow("wf", { nodes: [taskNode("n0", "add", { x: promise("ghost", "o0") })] });
    expect(() => createEngine(closure(unknownNode, { tasks: [add] }))).toThrow(/node "n0" depends on "ghost"/);
    const cycle = workflow("wf", { nodes: [taskNode("a", "add", { x: promise("b", "o0") }), taskNode("b", "add", { x: promise("a", "o0") })] });
    expect(() => createEngine(closure(cycle, { tasks: [add] }))).toThrow(/"a", "b" depend on each other in a cycle/);
    const dup = workflow("wf", { nodes: [taskNode("a", "add"), taskNode("a", "add")] });
    expect(() => createEngine(closure(dup, { tasks: [add] }))).toThrow(/two nodes have the id "a"/);
    expect(() => createEngine(closure(workflow("wf", { nodes: [] })), { maxParallelism: -1 })).toThrow(/maxParallelism/);
  });

  test("a workflow without nodes succeeds at once with outputs bound from its inputs", () => {
    const wf = workflow("wf", { inputs: { x: INT }, nodes: [], outputBindings: { y: input("x") } });
    const run = runWorkflow(createEngine(closure(wf)), lmap({ x: int(4) }), { tasks: {} });
    expect(workflowPhases(run)).toEqual([W.RUNNING, W.SUCCEEDING, W.SUCCEEDED]);
    expect(readInt(run.state.outputs?.literals.y)).toBe(4n);
  });
});
