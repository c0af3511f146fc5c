import { NodeExecutionPhase as N, WorkflowExecutionPhase as W } from "@skein/idl";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { ExecutionState, NodePath, WorkflowEngine } from "./api.js";
import { decodeStateParts, encodeState, encodeStateDelta, type StateDelta } from "./codec.js";
import { createEngine } from "./engine.js";
import { runWorkflow, type DriverConfig, type TaskBehavior } from "./test-driver.js";
import { dagArb, dagWorkflow, mulberry32, sum, type Dag } from "./test-dags.js";
import { arrayNode, closure, INT, input, int, list, listBinding, listOf, lmap, promise, sumPlusOne, taskNode, userErr, workflow } from "./test-fixtures.js";
import { mixedConfig, mixedEngine, mixedInputs } from "./test-mixed-workflow.js";

/** Rows as a store keeps them: one header and one text per node, brought up to date by deltas. */
class Rows {
  header = "";
  executionData: string | undefined;
  readonly nodes = new Map<NodePath, string>();
  readonly data = new Map<NodePath, string>();
  readonly deltas: StateDelta[] = [];

  constructor(private previous?: ExecutionState) {}

  apply(state: ExecutionState): StateDelta {
    const delta = encodeStateDelta(this.previous, state);
    this.header = delta.header;
    if (delta.executionData !== undefined) this.executionData = delta.executionData;
    for (const [path, text] of delta.nodes) this.nodes.set(path, text);
    for (const [path, text] of delta.data) this.data.set(path, text);
    for (const path of delta.removed) {
      this.nodes.delete(path);
      this.data.delete(path);
    }
    this.previous = state;
    this.deltas.push(delta);
    return delta;
  }

  decode(): ExecutionState {
    return decodeStateParts(this.header, this.nodes, this.data, this.executionData);
  }
}

const x0 = lmap({ x: int(0) });

/** A driver config for `dag`: random completion order and durations, drawn from `seed`. */
function dagConfig(seed: number, failing?: string): DriverConfig {
  const random = mulberry32(seed);
  const sumTask: TaskBehavior = (ctx) =>
    ctx.node === failing ? { kind: "fail", error: userErr("Boom"), recoverable: false } : { ...sumPlusOne(ctx), durationMs: 1 + Math.floor(random() * 3) };
  return { tasks: { sum: sumTask }, random };
}

function dagEngine(dag: Dag, failing: boolean, maxParallelism: number): WorkflowEngine {
  return createEngine(closure(dagWorkflow(dag, failing), { tasks: [sum] }), { maxParallelism });
}

const settings = fc.record({ seed: fc.integer(), maxParallelism: fc.integer({ min: 0, max: 3 }), failRaw: fc.option(fc.nat(), { nil: undefined }) });

function fanOut(n: number, maxParallelism = 0): WorkflowEngine {
  const nodes = [taskNode("root", "sum", { x: input("x") })];
  for (let i = 0; i < n; i++) nodes.push(taskNode(`n${i}`, "sum", { x: promise("root", "o0") }));
  nodes.push(taskNode("sink", "sum", { xs: listBinding(Array.from({ length: n }, (_, i) => promise(`n${i}`, "o0"))) }));
  const wf = workflow("fan", { inputs: { x: INT }, nodes, outputBindings: { out: promise("sink", "o0") } });
  return createEngine(closure(wf, { tasks: [sum] }), { maxParallelism });
}

describe("encodeStateDelta / decodeStateParts", () => {
  test("rows kept from every step's delta decode to the live state, for random DAGs", () => {
    fc.assert(
      fc.property(dagArb, settings, (dag, { seed, maxParallelism, failRaw }) => {
        const failing = failRaw === undefined ? undefined : `n${failRaw % dag.data.length}`;
        const rows = new Rows();
        const run = runWorkflow(dagEngine(dag, failing !== undefined, maxParallelism), x0, {
          ...dagConfig(seed, failing),
          onStep: (state) => {
            const delta = rows.apply(state);
            const paths = delta.nodes.map(([path]) => path);
            expect(paths).toEqual([...paths].sort());
            expect(encodeState(rows.decode())).toBe(encodeState(state));
          },
        });
        expect(run.state.phase).toBe(failing === undefined ? W.SUCCEEDED : W.FAILED);
        expect(rows.nodes.size).toBe(run.state.nodes.size);
      }),
      { numRuns: 100 },
    );
  });

  test("rows kept from deltas decode to the live state at every step of retries, a dynamic node, an array and a gate", () => {
    const rows = new Rows();
    let steps = 0;
    const run = runWorkflow(mixedEngine, mixedInputs, {
      ...mixedConfig,
      onStep: (state) => {
        rows.apply(state);
        expect(encodeState(rows.decode())).toBe(encodeState(state));
        steps++;
      },
    });
    expect(run.state.phase).toBe(W.SUCCEEDED);
    expect(steps).toBeGreaterThan(10);
    // The dynamic node's generated node and the array's items are rows of their own.
    expect([...rows.nodes.keys()]).toEqual(expect.arrayContaining(["dyn/d0", "arr/0", "arr/2"]));
  });

  test("a state decoded from rows mid-run continues to the same end, records and rows as the live one", () => {
    fc.assert(
      fc.property(dagArb, settings, fc.nat(), (dag, { seed, maxParallelism }, stopRaw) => {
        const engine = dagEngine(dag, false, maxParallelism);
        const events = runWorkflow(engine, x0, dagConfig(seed)).events.length;
        const rows = new Rows();
        const first = runWorkflow(engine, x0, { ...dagConfig(seed), stopAfterEvents: 1 + (stopRaw % events), onStep: (s) => rows.apply(s) });
        const decoded = rows.decode();
        const continued = new Rows(decoded);
        continued.header = rows.header;
        continued.executionData = rows.executionData;
        for (const [path, text] of rows.nodes) continued.nodes.set(path, text);
        for (const [path, text] of rows.data) continued.data.set(path, text);
        const rest = { ...dagConfig(seed + 1), startAt: first.now };
        const fromRows = runWorkflow(engine, x0, { ...rest, resume: { state: decoded, pending: first.pending }, onStep: (s) => continued.apply(s) });
        const live = runWorkflow(engine, x0, { ...dagConfig(seed + 1), startAt: first.now, resume: { state: first.state, pending: first.pending } });
        expect(fromRows.state.phase).toBe(W.SUCCEEDED);
        expect(encodeState(fromRows.state)).toBe(encodeState(live.state));
        expect(fromRows.records).toEqual(live.records);
        expect(encodeState(continued.decode())).toBe(encodeState(live.state));
      }),
      { numRuns: 100 },
    );
  });

  test("in a 10,000-node fan-out, each finished task changes one row", () => {
    const rows = new Rows();
    const run = runWorkflow(fanOut(10_000), x0, { tasks: { sum: sumPlusOne }, onStep: (s) => rows.apply(s) });
    expect(run.state.phase).toBe(W.SUCCEEDED);
    const sizes = rows.deltas.map((d) => d.nodes.length);
    // start (root), root's result (root and the 10,000 it releases), 9,999 single results, the
    // last result (it and the sink it releases), the sink's result.
    expect(sizes.length).toBe(10_003);
    expect(sizes.slice(0, 2)).toEqual([1, 10_001]);
    expect(sizes.slice(2, -2).every((n) => n === 1)).toBe(true);
    expect(sizes.slice(-2)).toEqual([2, 1]);
    expect(rows.deltas.every((d) => d.removed.length === 0)).toBe(true);
    expect(rows.deltas[500]?.nodes.map(([path]) => path)).toHaveLength(1);
  });

  test("under a parallelism limit, a finished task changes its own row and the row of the task taking its slot", () => {
    const rows = new Rows();
    const run = runWorkflow(fanOut(10_000, 10), x0, { tasks: { sum: sumPlusOne }, stopAfterEvents: 40, onStep: (s) => rows.apply(s) });
    const later = rows.deltas.slice(3);
    expect(later.length).toBeGreaterThan(30);
    for (const delta of later) {
      expect(delta.nodes.length).toBe(2);
      const phases = delta.nodes.map(([, text]) => (JSON.parse(text) as { phase: N }).phase).sort();
      expect(phases).toEqual([N.RUNNING, N.SUCCEEDED].sort());
    }
    expect(encodeState(rows.decode())).toBe(encodeState(run.state));
  });

  test("an unchanged state has an empty delta, and a state not made by the engine is refused", () => {
    const run = runWorkflow(fanOut(3), x0, { tasks: { sum: sumPlusOne }, stopAfterEvents: 2 });
    const same = encodeStateDelta(run.state, run.state);
    expect(same).toEqual({ header: encodeStateDelta(undefined, run.state).header, nodes: [], data: [], removed: [] });
    const foreign: ExecutionState = { ...run.state, nodes: new Map() };
    expect(() => encodeStateDelta(run.state, foreign)).toThrow(/^encodeStateDelta: execution state not made by this engine/);
  });

  test("malformed rows are refused, naming the field", () => {
    const run = runWorkflow(fanOut(2), x0, { tasks: { sum: sumPlusOne }, stopAfterEvents: 2 });
    const { header, nodes, data, executionData } = encodeStateDelta(undefined, run.state);
    const doc = JSON.parse(header) as Record<string, unknown>;
    const withHeader = (patch: Record<string, unknown>): string => JSON.stringify({ ...doc, ...patch });
    const root = new Map(nodes).get("root") ?? "";
    const withRoot = (patch: Record<string, unknown>): [string, string][] => [["root", JSON.stringify({ ...(JSON.parse(root) as object), ...patch })]];
    expect(() => decodeStateParts("{", nodes)).toThrow(/^decodeStateParts: header is not JSON/);
    expect(() => decodeStateParts(withHeader({ version: 9 }), nodes)).toThrow("decodeStateParts: header.version 9 is not supported (expected 1)");
    expect(() => decodeStateParts(withHeader({ running: "x" }), nodes)).toThrow("decodeStateParts: header.running must be a number");
    expect(() => decodeStateParts(withHeader({ root: { remaining: 1, inflight: 0, stage: "later" } }), nodes)).toThrow(/^decodeStateParts: header\.root\.stage must be one of running, /);
    expect(() => decodeStateParts(withHeader({ waits: [["sink", "two"]] }), nodes)).toThrow("decodeStateParts: header.waits[0][1] must be a number");
    expect(() => decodeStateParts(withHeader({ outputs: { literals: { a: { scalar: 5 } } } }), nodes)).toThrow(/^decodeStateParts: header\.outputs is not a valid skein\.core\.v1\.LiteralMap/);
    expect(() => decodeStateParts(header, nodes, data, "[")).toThrow(/^decodeStateParts: executionData is not JSON/);
    expect(() => decodeStateParts(header, nodes, data, "7")).toThrow("decodeStateParts: executionData must be an object");
    expect(() => decodeStateParts(header, nodes, data, JSON.stringify({ inputs: { literals: { x: { scalar: 5 } } } }))).toThrow(/^decodeStateParts: header\.inputs is not a valid skein\.core\.v1\.LiteralMap/);
    expect(() => decodeStateParts(header, [["root", "nope"]])).toThrow(/^decodeStateParts: nodes\["root"\] is not JSON/);
    expect(() => decodeStateParts(header, withRoot({ phase: "nope" }))).toThrow('decodeStateParts: nodes["root"].phase must be a known enum value');
    expect(() => decodeStateParts(header, withRoot({ detail: { kind: "mystery" } }))).toThrow(/^decodeStateParts: nodes\["root"\]\.detail\.kind must be one of task, /);
    expect(() => decodeStateParts(header, [...nodes, ["root", root]])).toThrow('decodeStateParts: nodes["root"] is given more than once');
    expect(() => decodeStateParts(header, nodes, [...data, ["root", "[1]"]])).toThrow('decodeStateParts: data["root"] is given more than once');
    expect(() => decodeStateParts(header, nodes, [["ghost", "{}"]])).toThrow('decodeStateParts: data["ghost"] belongs to no node');
    expect(() => decodeStateParts(header, nodes, data.map(([p]) => [p, "[]"] as const))).toThrow(/^decodeStateParts: data\["[^"]+"\] must be an object/);
    expect(encodeState(decodeStateParts(header, nodes, data, executionData))).toBe(encodeState(run.state));
  });

  test("a header and node texts with their inputs and outputs inside, as written before the split, still decode without data", () => {
    const run = runWorkflow(fanOut(2), x0, { tasks: { sum: sumPlusOne }, stopAfterEvents: 3 });
    const { header, nodes, data, executionData } = encodeStateDelta(undefined, run.state);
    const dataOf = new Map(data);
    const joined = (text: string, more: string | undefined) => JSON.stringify({ ...(JSON.parse(text) as object), ...(JSON.parse(more ?? "{}") as object) });
    const whole = nodes.map(([path, text]) => [path, joined(text, dataOf.get(path))] as const);
    expect(encodeState(decodeStateParts(joined(header, executionData), whole))).toBe(encodeState(run.state));
  });

  test("the execution's inputs and outputs are written on the first delta and when they change, not with every step", () => {
    const rows = new Rows();
    const run = runWorkflow(fanOut(5), x0, { tasks: { sum: sumPlusOne }, onStep: (s) => rows.apply(s) });
    expect(run.state.phase).toBe(W.SUCCEEDED);
    const written = rows.deltas.map((d) => d.executionData).filter((d) => d !== undefined);
    // The first delta (inputs) and the last (outputs); no header carries them.
    expect(written.map((d) => Object.keys(JSON.parse(d) as object).filter((k) => (JSON.parse(d) as Record<string, unknown>)[k] !== null))).toEqual([["inputs"], ["inputs", "outputs"]]);
    expect(rows.deltas.every((d) => !("inputs" in (JSON.parse(d.header) as object)))).toBe(true);
    expect(encodeState(rows.decode())).toBe(encodeState(run.state));
  });

  test("an item of a map finishing rewrites the map node's progress, never its input list", () => {
    const items = 200;
    const wf = workflow("mapped", { inputs: { xs: listOf(INT) }, nodes: [arrayNode("map", taskNode("item", "sum"), { x: input("xs") })], outputBindings: { out: promise("map", "o0") } });
    const engine = createEngine(closure(wf, { tasks: [sum] }));
    const rows = new Rows();
    const run = runWorkflow(engine, lmap({ xs: list(Array.from({ length: items }, (_, i) => int(i))) }), { tasks: { sum: sumPlusOne }, onStep: (state) => { rows.apply(state); } });
    expect(run.state.phase).toBe(W.SUCCEEDED);
    const mapData = rows.deltas.filter((d) => d.data.some(([path]) => path === "map"));
    // Written when the node starts (inputs) and when it ends (outputs), not once per item.
    expect(mapData.length).toBeLessThanOrEqual(2);
    expect(rows.deltas.filter((d) => d.nodes.some(([path]) => path === "map")).length).toBeGreaterThan(items / 2);
    expect(encodeState(rows.decode())).toBe(encodeState(run.state));
  });
});
