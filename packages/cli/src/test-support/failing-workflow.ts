// Entities the CLI tests run: a task that always throws, one that fails once then succeeds, typed
// inputs of several kinds, and a gate.
import { approve, NonRetryableError, t, task, workflow } from "@skein/sdk";

export const explode = task(
  { name: "explode", inputs: { reason: t.string() }, outputs: t.string() },
  async ({ reason }): Promise<string> => {
    throw new NonRetryableError(`refusing: ${reason}`);
  },
);

export const boom = workflow({ name: "boom", inputs: { reason: t.string().default("no reason") }, outputs: t.string() }, ({ reason }) =>
  explode({ reason }),
);

let calls = 0;
export const flaky = task({ name: "flaky", inputs: { n: t.int() }, outputs: t.int(), retries: 2 }, async ({ n }) => {
  calls += 1;
  if (calls === 1) throw new Error("transient");
  return n * 2;
});

export const typed = task(
  {
    name: "typed",
    inputs: {
      count: t.int(),
      ratio: t.float(),
      loud: t.boolean(),
      color: t.enum(["red", "green"]),
      tags: t.list(t.string()),
      wait: t.duration(),
    },
    outputs: { summary: t.string(), total: t.bigint() },
  },
  async ({ count, ratio, loud, color, tags, wait }) => ({
    summary: `${loud ? color.toUpperCase() : color} ${tags.join("+")} ${ratio} ${wait}ms`,
    total: BigInt(count) * 1_000_000_000_000n,
  }),
);

export const explodeOrGreet = task({ name: "greet", inputs: { name: t.string() }, outputs: t.string() }, async ({ name }) => `hi ${name}`);

export const gated = workflow({ name: "gated", inputs: { name: t.string() }, outputs: t.string() }, ({ name }) => {
  const gate = approve("ship-it");
  return explodeOrGreet({ name }).after(gate);
});
