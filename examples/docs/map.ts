// map: run a task once per element of a list.
//   npx skein run examples/docs/map.ts scale_all --values "[1, 2, 3]" --factor 10
import { map, NonRetryableError, t, task, workflow } from "@skein/sdk";

export const scale = task(
  { name: "scale", inputs: { value: t.float(), factor: t.float() }, outputs: t.float() },
  ({ value, factor }) => value * factor,
);

export const scale_all = workflow(
  { name: "scale_all", inputs: { values: t.list(t.float()), factor: t.float() }, outputs: t.list(t.float()) },
  ({ values, factor }) => map(scale, { concurrency: 2, bound: ["factor"] })({ value: values, factor }),
);

export const parse = task({ name: "parse", inputs: { text: t.string() }, outputs: t.int() }, ({ text }) => {
  const n = Number(text);
  if (!Number.isInteger(n)) throw new NonRetryableError(`not a number: ${text}`);
  return n;
});

// Up to a quarter of the runs may fail; their outputs are null.
export const parse_all = workflow(
  { name: "parse_all", inputs: { texts: t.list(t.string()) }, outputs: t.list(t.int().nullable()) },
  ({ texts }) => map(parse, { minSuccessRatio: 0.75 })({ text: texts }),
);
