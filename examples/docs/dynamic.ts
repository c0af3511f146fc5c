// Dynamic workflows: a task whose body builds the graph from real input values.
//   npx skein run examples/docs/dynamic.ts fib --n 6
import { dynamic, t, task, workflow } from "@skein/sdk";

export const add = task({ name: "add", inputs: { a: t.int(), b: t.int() }, outputs: t.int() }, ({ a, b }) => a + b);

// n is a number here, not a reference: the loop runs when the task runs.
export const fib_graph = dynamic({ name: "fib_graph", inputs: { n: t.int() }, outputs: t.int() }, ({ n }) => {
  if (n < 2) return n;
  let [previous, current]: [number | ReturnType<typeof add>, number | ReturnType<typeof add>] = [0, 1];
  for (let i = 2; i <= n; i++) [previous, current] = [current, add({ a: previous, b: current })];
  return current;
});

export const fib = workflow({ name: "fib", inputs: { n: t.int() }, outputs: t.int() }, ({ n }) => fib_graph({ n }));
