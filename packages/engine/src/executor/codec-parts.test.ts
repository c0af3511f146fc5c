import { WorkflowExecutionPhase as W } from "@skein/idl";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { ExecutionState } from "./api.js";
import { decodeStateParts, encodeState, encodeStateDelta } from "./codec.js";
import { createEngine } from "./engine.js";
import { PersistentMap } from "./persistent-map.js";
import { runWorkflow, type PendingEvent } from "./test-driver.js";
import { closure, INT, input, int, listBinding, lmap, promise, sumPlusOne, task, taskNode, workflow } from "./test-fixtures.js";

const sum = task("sum", { inputs: { x: INT } });

function fanOut(n: number) {
  const nodes = [taskNode("root", "sum", { x: input("x") })];
  for (let i = 0; i < n; i++) nodes.push(taskNode(`n${i}`, "sum", { x: promise("root", "o0") }));
  nodes.push(taskNode("sink", "sum", { xs: listBinding(Array.from({ length: n }, (_, i) => promise(`n${i}`, "o0"))) }));
  return createEngine(closure(workflow("fan", { inputs: { x: INT }, nodes, outputBindings: { out: promise("sink", "o0") } }), { tasks: [sum] }));
}

/** Runs one event at a time, keeping rows as a store would, checking them against the live state. */
function stepwise(n: number, check: (live: ExecutionState, rows: Map<string, string>, header: string, changed: number) => void): ExecutionState {
  const engine = fanOut(n);
  const rows = new Map<string, string>();
  let previous: ExecutionState | undefined;
  let resume: { state: ExecutionState; pending: readonly PendingEvent[] } | undefined;
  for (let i = 0; i < 10 * n + 100; i++) {
    const run = runWorkflow(engine, lmap({ x: int(0) }), { tasks: { sum: sumPlusOne }, stopAfterEvents: 1, ...(resume ? { resume } : {}) });
    const delta = encodeStateDelta(previous, run.state);
    for (const [path, text] of delta.nodes) rows.set(path, text);
    for (const path of delta.removed) rows.delete(path);
    check(run.state, rows, delta.header, delta.nodes.length);
    previous = run.state;
    resume = { state: run.state, pending: run.pending };
    if (run.state.phase === W.SUCCEEDED || run.pending.length === 0) return run.state;
  }
  throw new Error("did not finish");
}

describe("state as rows", () => {
  test("the header and node rows kept from deltas always decode to the live state", () => {
    const end = stepwise(20, (live, rows, header) => {
      expect(encodeState(decodeStateParts(header, rows))).toBe(encodeState(live));
    });
    expect(end.phase).toBe(W.SUCCEEDED);
  });

  test("a state decoded from rows mid-run continues to the same end", () => {
    let seen = 0;
    stepwise(10, (live, rows, header) => {
      seen += 1;
      if (seen !== 8) return;
      const decoded = decodeStateParts(header, rows);
      expect(decoded.nodes.size).toBe(live.nodes.size);
    });
    const engine = fanOut(10);
    const first = runWorkflow(engine, lmap({ x: int(0) }), { tasks: { sum: sumPlusOne }, stopAfterEvents: 5 });
    const delta = encodeStateDelta(undefined, first.state);
    const decoded = decodeStateParts(delta.header, delta.nodes);
    const resumed = runWorkflow(engine, lmap({ x: int(0) }), { tasks: { sum: sumPlusOne }, resume: { state: decoded, pending: first.pending } });
    const live = runWorkflow(engine, lmap({ x: int(0) }), { tasks: { sum: sumPlusOne }, resume: { state: first.state, pending: first.pending } });
    expect(resumed.state.phase).toBe(W.SUCCEEDED);
    expect(encodeState(resumed.state)).toBe(encodeState(live.state));
  });

  test("in a 10,000-node fan-out, one finished task changes a handful of rows", () => {
    const engine = fanOut(10_000);
    const begun = runWorkflow(engine, lmap({ x: int(0) }), { tasks: { sum: sumPlusOne }, stopAfterEvents: 3 });
    const next = runWorkflow(engine, lmap({ x: int(0) }), { tasks: { sum: sumPlusOne }, stopAfterEvents: 1, resume: { state: begun.state, pending: begun.pending } });
    expect(begun.state.nodes.size).toBeGreaterThan(10_000);
    const delta = encodeStateDelta(begun.state, next.state);
    expect(delta.nodes.length).toBeLessThanOrEqual(3);
    expect(delta.removed).toEqual([]);
  });

  test("malformed rows are refused, naming what is wrong", () => {
    const run = runWorkflow(fanOut(2), lmap({ x: int(0) }), { tasks: { sum: sumPlusOne }, stopAfterEvents: 2 });
    const delta = encodeStateDelta(undefined, run.state);
    expect(() => decodeStateParts("{", delta.nodes)).toThrow(/header is not JSON/);
    expect(() => decodeStateParts(delta.header.replace('"version":1', '"version":9'), delta.nodes)).toThrow(/header.version 9/);
    expect(() => decodeStateParts(delta.header, [["root", '{"phase":"nope"}']])).toThrow(/node root/);
  });
});

describe("PersistentMap.changedKeys", () => {
  test("matches a naive comparison for random edits", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 4 }), fc.integer()), { maxLength: 200 }),
        fc.array(fc.tuple(fc.boolean(), fc.string({ maxLength: 4 }), fc.integer()), { maxLength: 50 }),
        (initial, edits) => {
          const boxes = new Map<string, { v: number }>();
          let before = PersistentMap.empty<{ v: number }>();
          for (const [k, v] of initial) before = before.set(k, boxes.get(`${k}:${v}`) ?? { v });
          let after = before;
          for (const [del, k, v] of edits) after = del ? after.delete(k) : after.set(k, { v });
          const { changed, removed } = after.changedKeys(before);
          const expectChanged = [...after.entries()].filter(([k, v]) => before.get(k) !== v).map(([k]) => k).sort();
          const expectRemoved = [...before.keys()].filter((k) => !after.has(k)).sort();
          expect(changed.sort()).toEqual(expectChanged);
          expect(removed.sort()).toEqual(expectRemoved);
        },
      ),
    );
  });
});
