import { t } from "../types/t.js";
import { task } from "../task/task.js";

// Small tasks shared by the workflow tests.

export const double = task({ name: "double", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => x * 2);
export const add = task({ name: "add", inputs: { a: t.int(), b: t.int().default(1) }, outputs: t.int() }, ({ a, b }) => a + b);
export const greet = task({ name: "greet", inputs: { name: t.string() }, outputs: t.string() }, ({ name }) => `hi ${name}`);
export const stats = task(
  { name: "stats", inputs: { xs: t.list(t.float()) }, outputs: { mean: t.float(), count: t.int() } },
  ({ xs }) => ({ mean: xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1), count: xs.length }),
);
export const Report = t.struct({ score: t.float(), tags: t.list(t.string()), extra: t.map(t.int()) }, { title: "Report" });
export const report = task({ name: "report", inputs: { n: t.int() }, outputs: Report }, ({ n }) => ({ score: n / 10, tags: ["a"], extra: { k: n } }));
export const notify = task({ name: "notify", inputs: { message: t.string().optional() } }, () => undefined);
