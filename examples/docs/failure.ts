// Failures: errors, failure policies and the onFailure task.
//   npx skein run examples/docs/failure.ts charge --amount -5
import { NonRetryableError, t, task, workflow } from "@skein/sdk";

export const charge = task(
  { name: "charge", inputs: { amount: t.float() }, outputs: t.string(), retries: 3 },
  ({ amount }) => {
    // Retrying cannot fix a bad amount: fail at once.
    if (amount <= 0) throw new NonRetryableError(`amount must be positive, got ${amount}`);
    return `charged ${amount}`;
  },
);

export const step = task({ name: "step", inputs: { label: t.string(), fail: t.boolean() }, outputs: t.string() }, ({ label, fail }, ctx) => {
  if (fail) throw new Error(`${label} broke`);
  ctx.log(`${label} done`);
  return label;
});

// Runs when the workflow failed: it receives workflow inputs by name and the error as `err`.
export const cleanup = task({ name: "cleanup", inputs: { order: t.string(), err: t.error() } }, ({ order, err }, ctx) => {
  ctx.log(`cleaning up ${order} after ${err.failedNodeId} failed: ${err.message}`);
});

export const order = workflow(
  {
    name: "order",
    inputs: { order: t.string(), fail_first: t.boolean().default(false) },
    outputs: { first: t.string(), second: t.string() },
    // Let independent nodes finish before failing the workflow.
    failurePolicy: "continue",
    onFailure: cleanup,
  },
  ({ fail_first }) => ({
    first: step({ label: "reserve", fail: fail_first }),
    second: step({ label: "invoice", fail: false }),
  }),
);
