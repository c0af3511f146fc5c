// Caching: a task's outputs are reused when it runs again with the same inputs.
//   npx skein run examples/docs/caching.ts pipeline --n 4
import { t, task, workflow } from "@skein/sdk";

export const square = task(
  {
    name: "square",
    inputs: { n: t.int(), verbose: t.boolean().default(false) },
    outputs: t.int(),
    // `verbose` changes only the logging, so it is left out of the cache key.
    cache: { version: "1", ignoreInputs: ["verbose"] },
  },
  ({ n, verbose }, ctx) => {
    if (verbose) ctx.log(`squaring ${n}`);
    return n * n;
  },
);

export const describe = task({ name: "describe", inputs: { value: t.int() }, outputs: t.string() }, ({ value }) => `the square is ${value}`);

export const pipeline = workflow(
  { name: "pipeline", inputs: { n: t.int(), verbose: t.boolean().default(false) }, outputs: t.string() },
  ({ n, verbose }) => describe({ value: square({ n, verbose }) }),
);

// Another workflow calling the same task shares its cache entries.
export const twice = workflow(
  { name: "twice", inputs: { n: t.int() }, outputs: t.int() },
  ({ n }) => square({ n }),
);

// This node uses cache version "2": a different key, so it runs once more, then hits its own entry.
export const recompute = workflow(
  { name: "recompute", inputs: { n: t.int() }, outputs: t.int() },
  ({ n }) => square({ n, verbose: true }).with({ cache: { version: "2" } }),
);
