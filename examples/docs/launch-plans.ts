// Launch plans: one workflow, several ways to start it.
//   npx skein run examples/docs/launch-plans.ts nightly_eu
import { launchPlan, t, task, workflow } from "@skein/sdk";

export const summarize = task(
  { name: "summarize", inputs: { region: t.string(), days: t.int(), at: t.datetime().optional() }, outputs: t.string() },
  ({ region, days, at }) => `report for ${region} over ${days} days${at ? ` at ${at.toISOString()}` : ""}`,
);

export const sales_report = workflow(
  {
    name: "sales_report",
    inputs: { region: t.string(), days: t.int().default(7), at: t.datetime().optional() },
    outputs: t.string(),
  },
  ({ region, days, at }) => summarize({ region, days, at }),
);

// `region` is fixed: callers cannot change it. `days` gets a new default they may override.
export const nightly_eu = launchPlan(sales_report, {
  name: "nightly_eu",
  fixed: { region: "eu" },
  defaults: { days: 1 },
  schedule: { cron: "0 2 * * *", timeZone: "Europe/Paris", kickoffInput: "at" },
});

export const hourly_us = launchPlan(sales_report, {
  name: "hourly_us",
  fixed: { region: "us" },
  schedule: { every: "1h" },
});

// On the control plane: one backfill at a time (more wait in the queue), on clusters labelled gpu.
export const backfill_eu = launchPlan(sales_report, {
  name: "backfill_eu",
  fixed: { region: "eu" },
  defaults: { days: 90 },
  concurrency: { max: 1, behavior: "queue" },
  clusterLabel: "gpu",
  maxParallelism: 8,
  labels: { team: "sales" },
});

// A launch plan is called in a workflow like a task; it runs as a child execution.
export const all_regions = workflow(
  { name: "all_regions", outputs: { eu: t.string(), us: t.string() } },
  () => ({ eu: nightly_eu({}), us: hourly_us({ days: 30 }) }),
);
