import { NodeExecutionPhase as N, WorkflowExecutionPhase as W } from "@skein/idl";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { createEngine } from "./engine.js";
import { runWorkflow, type DriverRun, type TaskBehavior } from "./test-driver.js";
import { dagArb, dagWorkflow, mulberry32, sum, type Dag } from "./test-dags.js";
import { closure, int, lmap, readInt, sumPlusOne, userErr } from "./test-fixtures.js";

// Random DAGs of "sum" tasks (test-dags.ts); completions arrive in a random order.

function expected(dag: Dag, x: bigint): bigint[] {
  const values: bigint[] = [];
  dag.data.forEach((deps, i) => (values[i] = deps.reduce((acc, d) => acc + (values[d] ?? 0n), 1n + x)));
  return values;
}

function recordIndex(run: DriverRun, node: string, phase: N): number {
  return run.records.findIndex((r) => r.type === "node" && r.node === node && r.phase === phase);
}

const settings = fc.record({ seed: fc.integer(), maxParallelism: fc.integer({ min: 0, max: 4 }), roundTrip: fc.boolean() });

describe("random DAGs", () => {
  test("every node runs exactly once, after all its inputs exist, and the outputs do not depend on completion order", () => {
    fc.assert(
      fc.property(dagArb, settings, (dag, { seed, maxParallelism, roundTrip }) => {
        const random = mulberry32(seed);
        const behavior: TaskBehavior = (ctx) => ({ ...sumPlusOne(ctx), durationMs: 1 + Math.floor(random() * 3) });
        const engine = createEngine(closure(dagWorkflow(dag), { tasks: [sum] }), { maxParallelism });
        const run = runWorkflow(engine, lmap({ x: int(5) }), { tasks: { sum: behavior }, random, roundTrip });
        expect(run.state.phase).toBe(W.SUCCEEDED);
        expect(run.attempts.map((a) => a.node).sort()).toEqual(dag.data.map((_, i) => `n${i}`).sort());
        dag.data.forEach((deps, i) => {
          const start = recordIndex(run, `n${i}`, N.RUNNING);
          for (const d of [...deps, ...(dag.order[i] ?? [])]) expect(recordIndex(run, `n${d}`, N.SUCCEEDED)).toBeLessThan(start);
        });
        const outputs = dag.data.map((_, i) => readInt(run.state.outputs?.literals[`o${i}`]));
        expect(outputs).toEqual(expected(dag, 5n));
      }),
      { numRuns: 150 },
    );
  });

  test("after a failure, FAIL_AFTER_EXECUTABLE_NODES_COMPLETE runs exactly the nodes that do not depend on it", () => {
    fc.assert(
      fc.property(dagArb, fc.nat(), settings, (dag, failRaw, { seed, maxParallelism }) => {
        const failing = failRaw % dag.data.length;
        const random = mulberry32(seed);
        const behavior: TaskBehavior = (ctx) =>
          ctx.node === `n${failing}` ? { kind: "fail", error: userErr("Boom"), recoverable: false } : { ...sumPlusOne(ctx), durationMs: 1 + Math.floor(random() * 3) };
        const engine = createEngine(closure(dagWorkflow(dag, true), { tasks: [sum] }), { maxParallelism });
        const run = runWorkflow(engine, lmap({ x: int(1) }), { tasks: { sum: behavior }, random });
        const blocked = new Set<number>([failing]);
        dag.data.forEach((deps, i) => {
          if ([...deps, ...(dag.order[i] ?? [])].some((d) => blocked.has(d))) blocked.add(i);
        });
        blocked.delete(failing);
        const ran = new Set(run.attempts.map((a) => a.node));
        dag.data.forEach((_, i) => expect(ran.has(`n${i}`), `n${i}`).toBe(!blocked.has(i)));
        expect(run.state.phase).toBe(W.FAILED);
        expect(run.state.error?.code).toBe("Boom");
      }),
      { numRuns: 100 },
    );
  });
});
