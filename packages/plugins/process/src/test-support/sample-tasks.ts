// Tasks the process plugin's tests bundle and run in task processes.
import { containerTask, dynamic, NonRetryableError, t, task } from "@skein/sdk";

export const say_hello = task({ name: "say_hello", inputs: { name: t.string() }, outputs: t.string() }, async ({ name }, context) => {
  context.log(`greeting ${name} from process ${process.pid}`);
  return `Hello, ${name}!`;
});

export const reject_input = task({ name: "reject_input", inputs: { name: t.string() }, outputs: t.string() }, async ({ name }) => {
  throw new NonRetryableError(`no greeting for ${name}`);
});

export const flaky = task({ name: "flaky", outputs: t.int() }, async () => {
  throw new Error("the service was busy");
});

// Runs until its signal aborts (also one aborted before it started), then fails with the abort's reason.
export const wait_for_stop = task({ name: "wait_for_stop", outputs: t.int() }, async (_inputs, context) => {
  const keepAlive = setInterval(() => undefined, 1000);
  context.log("waiting");
  try {
    await new Promise<never>((_resolve, reject) => {
      const stop = () => { reject(new Error(`stopped: ${String(context.signal.reason)}`)); };
      if (context.signal.aborted) stop();
      else context.signal.addEventListener("abort", stop, { once: true });
    });
  } finally {
    clearInterval(keepAlive);
  }
  return 0;
});

// Ignores its signal: only SIGKILL ends it.
export const ignore_stop = task({ name: "ignore_stop", outputs: t.int() }, async () => {
  setInterval(() => undefined, 1000);
  return new Promise<number>(() => undefined);
});

// Module state, to show whether attempts share a loaded module: 1, 2, 3... in one warm worker.
let calls = 0;
export const count_calls = task({ name: "count_calls", outputs: t.int(), workers: "warm" }, async () => {
  calls += 1;
  console.log(`call ${calls} in process ${process.pid}`);
  return calls;
});

// Crashes its process from a timer, outside the task's own promise.
export const crash_process = task({ name: "crash_process", outputs: t.int(), workers: "warm" }, async () => {
  setTimeout(() => {
    throw new Error("the task's timer blew up");
  }, 10);
  return new Promise<number>(() => undefined);
});

export const shout = containerTask({
  name: "shout",
  image: "busybox:1.36",
  command: ["sh", "-c", "printf '\"%s!\"' \"$(cat {{.inputDir}}/word | tr -d '\"')\" > {{.outputDir}}/loud"],
  inputs: { word: t.string() },
  outputs: { loud: t.string() },
});

export const exit_three = containerTask({
  name: "exit_three",
  image: "busybox:1.36",
  command: ["sh", "-c", "echo giving up >&2; exit 3"],
  outputs: { never: t.int() },
});

export const double = task({ name: "double", inputs: { x: t.int() }, outputs: t.int() }, async ({ x }) => x * 2);

// A graph built from the input value: n doubles, the last one fed by the first, and a container
// task (which brings its own command).
export const fan_out = dynamic({ name: "fan_out", inputs: { n: t.int() }, outputs: { last: t.int(), loud: t.string() } }, ({ n }) => {
  const first = double({ x: n });
  let last = first;
  for (let i = 1; i < n; i++) last = double({ x: first });
  return { last, loud: shout({ word: "hey" }).loud };
});

// Not exported: a cluster cannot find it in this module.
const hidden = task({ name: "hidden", inputs: { x: t.int() }, outputs: t.int() }, async ({ x }) => x);

export const calls_hidden = dynamic({ name: "calls_hidden", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => hidden({ x }));
