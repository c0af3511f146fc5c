// Tasks the propeller's dynamic-task test registers as a real code bundle and runs through the
// process plugin. Plain JavaScript: the file itself is the bundle's module.
import { dynamic, t, task, workflow } from "@skein/sdk";

export const double = task({ name: "double", inputs: { x: t.int() }, outputs: t.int() }, async ({ x }) => x * 2);
export const add = task({ name: "add", inputs: { a: t.int(), b: t.int() }, outputs: t.int() }, async ({ a, b }) => a + b);

// Three nodes from the input value: dn0 = double(n), dn1 = double(n + 1), dn2 = add(dn0, dn1).
export const fan_in = dynamic({ name: "fan_in", inputs: { n: t.int() }, outputs: t.int() }, ({ n }) => add({ a: double({ x: n }), b: double({ x: n + 1 }) }));
export const dyn = workflow({ name: "dyn", inputs: { n: t.int() }, outputs: t.int() }, ({ n }) => fan_in({ n }));

// Calls a task this module does not export, so a cluster cannot find its code.
const hidden = task({ name: "hidden", inputs: { x: t.int() }, outputs: t.int() }, async ({ x }) => x);
export const calls_hidden = dynamic({ name: "calls_hidden", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => hidden({ x }));
export const bad_dyn = workflow({ name: "bad_dyn", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => calls_hidden({ x }));
