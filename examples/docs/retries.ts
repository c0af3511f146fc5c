// Retries with backoff, timeouts and checkpoints.
//   npx skein run examples/docs/retries.ts flaky --failures 2
import { setTimeout as delay } from "node:timers/promises";
import { t, task, workflow } from "@skein/sdk";

// Fails its first `failures` attempts, then succeeds. Waits 100ms, then 200ms, 400ms... between attempts.
export const flaky = task(
  {
    name: "flaky",
    inputs: { failures: t.int() },
    outputs: t.string(),
    retries: { count: 3, backoff: { initialDelay: "100ms", multiplier: 2, maxDelay: "1s" } },
  },
  ({ failures }, ctx) => {
    if (ctx.attempt < failures) throw new Error(`service unavailable (attempt ${ctx.attempt + 1})`);
    return `succeeded on attempt ${ctx.attempt + 1}`;
  },
);

// Each attempt may take 300ms at most; a timed-out attempt is retried like a failed one.
export const slow = task(
  { name: "slow", inputs: { work: t.duration() }, outputs: t.string(), timeout: "300ms", retries: 1 },
  async ({ work }, ctx) => {
    await delay(work, undefined, { signal: ctx.signal });
    return `worked for ${work}ms`;
  },
);

// Sums 1..n, saving progress after every step. The first attempt crashes halfway;
// the retry resumes from the checkpoint instead of starting over.
export const sum_to = task(
  { name: "sum_to", inputs: { n: t.int() }, outputs: t.int(), retries: 1 },
  async ({ n }, ctx) => {
    const saved = await ctx.checkpoint.load();
    let { i, total } = saved ? (JSON.parse(Buffer.from(saved).toString()) as { i: number; total: number }) : { i: 0, total: 0 };
    if (saved) ctx.log(`resuming after step ${i}`);
    while (i < n) {
      i += 1;
      total += i;
      await ctx.checkpoint.save(Buffer.from(JSON.stringify({ i, total })));
      if (ctx.attempt === 0 && i === Math.floor(n / 2)) throw new Error("worker lost");
    }
    return total;
  },
);

export const resilient = workflow(
  { name: "resilient", inputs: { n: t.int() }, outputs: { sum: t.int(), status: t.string() } },
  ({ n }) => ({
    sum: sum_to({ n }),
    // Per-node settings replace the task's: this call gets one more retry.
    status: flaky({ failures: 3 }).with({ retries: 4 }),
  }),
);
