import type { WorkflowEngine } from "./api.js";
import { createEngine } from "./engine.js";
import type { DriverConfig } from "./test-driver.js";
import {
  approveNode,
  arrayNode,
  bool,
  closure,
  dynamicSpec,
  INT,
  input,
  int,
  list,
  listOf,
  lmap,
  promise,
  sumPlusOne,
  task,
  taskNode,
  userErr,
  workflow,
} from "./test-fixtures.js";

// A bit of everything for codec tests: a retry with backoff, a dynamic node, an array run one item
// at a time, an approval gate, under a parallelism limit of 2.

const add = task("add", { inputs: { x: INT }, retries: 1, initialDelayMs: 5 });
const gen = task("gen", { inputs: { x: INT } });

const wf = workflow("wf", {
  inputs: { x: INT, xs: listOf(INT) },
  nodes: [
    taskNode("n0", "add", { x: input("x") }),
    taskNode("dyn", "gen", { x: promise("n0", "o0") }),
    arrayNode("arr", taskNode("item", "add"), { x: input("xs") }, { parallelism: 1 }),
    approveNode("gate", "go", { x: promise("dyn", "o0") }),
    taskNode("last", "add", { x: promise("gate", "x") }),
  ],
  outputBindings: { y: promise("last", "o0"), ys: promise("arr", "o0") },
});

export const mixedEngine: WorkflowEngine = createEngine(closure(wf, { tasks: [add, gen] }), { maxParallelism: 2 });

export const mixedConfig: DriverConfig = {
  tasks: {
    add: (ctx) => (ctx.node === "n0" && ctx.attempt === 0 ? { kind: "fail", error: userErr("Flaky") } : sumPlusOne(ctx)),
    gen: () => ({ kind: "dynamic", spec: dynamicSpec([taskNode("d0", "add", { x: input("x") })], { o0: promise("d0", "o0") }, [add]) }),
  },
  signals: { go: { value: bool(true), afterMs: 3 } },
};

export const mixedInputs = lmap({ x: int(1), xs: list([int(1), int(2), int(3)]) });
