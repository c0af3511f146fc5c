import { create, toJson } from "@bufbuild/protobuf";
import { LiteralMapSchema, LiteralSchema, WorkflowExecutionPhase as W, type Literal } from "@skein/idl";
import { describe, expect, test } from "vitest";
import { decodeState, encodeState, literalMapJson } from "./codec.js";
import { createEngine } from "./engine.js";
import { runWorkflow } from "./test-driver.js";
import { closure, INT, input, int, list, lmap, readInt, workflow } from "./test-fixtures.js";
import { mixedConfig as config, mixedEngine as engine, mixedInputs as inputs } from "./test-mixed-workflow.js";

const binary: Literal = create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "binary", value: { value: new Uint8Array([0, 255, 7]), tag: "msgpack" } } } } });
const huge = int(2n ** 62n + 1n);

describe("encodeState / decodeState", () => {
  test("a state survives the round trip at every step of an execution", () => {
    let steps = 0;
    for (let stop = 1; ; stop++) {
      const partial = runWorkflow(engine, inputs, { ...config, stopAfterEvents: stop });
      const text = encodeState(partial.state);
      expect(encodeState(decodeState(text))).toBe(text);
      steps++;
      if (partial.pending.length === 0) break;
    }
    expect(steps).toBeGreaterThan(10);
  });

  test("int64 beyond 2^53 and bytes survive", () => {
    const wfIo = workflow("io", { inputs: { a: INT, b: INT }, nodes: [], outputBindings: { a: input("a"), b: input("b") } });
    const run = runWorkflow(createEngine(closure(wfIo)), lmap({ a: huge, b: binary }), { tasks: {} });
    const back = decodeState(encodeState(run.state));
    expect(readInt(back.outputs?.literals.a)).toBe(2n ** 62n + 1n);
    expect(back.outputs?.literals.b).toEqual(binary);
    expect(back.inputs).toEqual(run.state.inputs);
  });

  test("an execution resumed from a decoded state ends exactly as an uninterrupted one", () => {
    const whole = runWorkflow(engine, inputs, config);
    expect(whole.state.phase).toBe(W.SUCCEEDED);
    for (const stop of [2, 5, 9, 14]) {
      const first = runWorkflow(engine, inputs, { ...config, stopAfterEvents: stop });
      const resumed = runWorkflow(engine, inputs, { ...config, startAt: first.now, resume: { state: decodeState(encodeState(first.state)), pending: first.pending } });
      expect(encodeState(resumed.state)).toBe(encodeState(whole.state));
      expect([...first.records, ...resumed.records]).toEqual(whole.records);
    }
    expect(whole.state.outputs?.literals.ys).toEqual(list([int(2), int(3), int(4)]));
  });

  test("malformed text is rejected naming the problem", () => {
    expect(() => decodeState("{")).toThrow(/^decodeState: not JSON/);
    const good = JSON.parse(encodeState(runWorkflow(engine, inputs, { ...config, stopAfterEvents: 3 }).state)) as Record<string, unknown>;
    expect(() => decodeState(JSON.stringify({ ...good, version: 99 }))).toThrow("decodeState: state.version 99 is not supported (expected 1)");
    expect(() => decodeState(JSON.stringify({ ...good, running: "x" }))).toThrow("decodeState: state.running must be a number");
    const nodes = good.nodes as [string, Record<string, unknown>][];
    const broken = nodes.map(([p, n], i) => [p, i === 0 ? { ...n, detail: { kind: "mystery" } } : n]);
    expect(() => decodeState(JSON.stringify({ ...good, nodes: broken }))).toThrow(/^decodeState: state\.nodes\[0\]\[1\]\.detail\.kind must be one of task, /);
    expect(() => decodeState(JSON.stringify({ ...good, inputs: { literals: { a: { scalar: 5 } } } }))).toThrow(/^decodeState: state\.inputs is not a valid skein\.core\.v1\.LiteralMap/);
  });
});

describe("literalMapJson", () => {
  test("is toJson of the map, also for a literal converted before and for an empty map", () => {
    const shared = list([int(1), int(2)]);
    for (const map of [lmap({}), lmap({ xs: shared, y: int(3) }), lmap({ again: shared }), lmap({ s: create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "stringValue", value: "é" } } } } } }) })]) {
      expect(literalMapJson(map)).toEqual(toJson(LiteralMapSchema, map));
    }
  });
});
