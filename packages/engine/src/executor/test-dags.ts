import type { BindingData } from "@skein/idl";
import fc from "fast-check";
import { input, INT, promise, task, taskNode, workflow } from "./test-fixtures.js";

// Random DAGs of "sum" tasks for property tests: node i adds 1, the workflow input and the outputs
// of its data dependencies; it may also wait on order-only dependencies.

export interface Dag {
  readonly data: number[][];
  readonly order: number[][];
}

export const dagArb: fc.Arbitrary<Dag> = fc
  .array(fc.tuple(fc.uniqueArray(fc.nat(), { maxLength: 3 }), fc.uniqueArray(fc.nat(), { maxLength: 2 })), { minLength: 1, maxLength: 18 })
  .map((raw) => {
    const data = raw.map(([d], i) => (i === 0 ? [] : [...new Set(d.map((x) => x % i))]));
    const order = raw.map(([, o], i) => (i === 0 ? [] : [...new Set(o.map((x) => x % i))].filter((x) => !data[i]?.includes(x))));
    return { data, order };
  });

/** A seeded generator of numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The task every DAG node runs. */
export const sum = task("sum", { inputs: { x: INT } });

/** The workflow of `dag`: input `x`, node `n<i>`, output `o<i>` per node. */
export function dagWorkflow(dag: Dag, failAfter = false) {
  const nodes = dag.data.map((deps, i) => {
    const inputs: Record<string, BindingData> = { x: input("x") };
    for (const d of deps) inputs[`d${d}`] = promise(`n${d}`, "o0");
    return taskNode(`n${i}`, "sum", inputs, { upstream: (dag.order[i] ?? []).map((d) => `n${d}`) });
  });
  const outputBindings = Object.fromEntries(dag.data.map((_, i) => [`o${i}`, promise(`n${i}`, "o0")]));
  return workflow("dag", { inputs: { x: INT }, nodes, outputBindings, failAfterExecutableNodes: failAfter });
}
