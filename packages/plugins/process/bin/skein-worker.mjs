#!/usr/bin/env node
// A warm worker: a long-lived process for one code bundle that runs attempts one after another,
// each through the SDK's `runBundledTask` (the path the fresh task process takes), so the bundle's
// modules load once and stay loaded. The pool that forked it talks over the IPC channel; the
// messages are described in src/worker-protocol.ts.
//
// While an attempt runs, whatever the process writes to stdout and stderr goes to that attempt's
// log files. SIGTERM aborts the running attempt's signal; the worker exits once the attempt has
// written its result, without taking another. A closed channel (the pool retired the worker, or
// its process is gone) lets the running attempt finish, then the worker exits.
import { closeSync, openSync, writeSync } from "node:fs";
import { register } from "node:module";
import { parseArgs } from "node:util";

// As in skein-task.mjs: the SDK loads before the resolve hooks, which only the task's code needs.
const { runBundledTask } = await import("@skein/sdk");
register("./resolve-hooks.mjs", import.meta.url);

const { values } = parseArgs({ options: { "worker-id": { type: "string" }, "code-dir": { type: "string" } }, strict: true });
const codeDir = values["code-dir"];
if (!process.send || !codeDir || !values["worker-id"]) {
  process.stderr.write("skein-worker: needs an IPC channel, --worker-id and --code-dir\n");
  process.exit(2);
}

const streams = { stdout: process.stdout.write, stderr: process.stderr.write };
/** The attempt in progress: its abort controller and log descriptors. */
let current;
let leaving = false;

// Sends writes to `stream` into the file `fd` instead, synchronously, as a file-backed stdio does.
function redirect(stream, fd) {
  stream.write = (chunk, encoding, callback) => {
    const done = typeof encoding === "function" ? encoding : callback;
    writeSync(fd, typeof chunk === "string" ? Buffer.from(chunk, typeof encoding === "string" ? encoding : "utf8") : chunk);
    if (typeof done === "function") process.nextTick(done);
    return true;
  };
}

function leave() {
  leaving = true;
  if (!current) process.exit(0);
}

async function run(job) {
  if (current || leaving) {
    // Never two attempts at once; and a worker on its way out takes no new one.
    process.exit(3);
  }
  const stdout = openSync(job.stdoutFile, "a");
  const stderr = openSync(job.stderrFile, "a");
  current = { controller: new AbortController(), stderr };
  redirect(process.stdout, stdout);
  redirect(process.stderr, stderr);
  try {
    await runBundledTask({
      codeDir,
      module: job.module,
      task: job.task,
      inputsFile: job.inputsFile,
      outputDir: job.outputDir,
      signal: current.controller.signal,
      executionName: job.executionName,
      nodePath: job.nodePath,
      attempt: job.attempt,
      checkpointDir: job.checkpointDir,
      log: (message) => writeSync(stdout, `${message}\n`),
    });
  } catch (error) {
    // No result file could be written: the pool sees the worker gone without one.
    writeSync(stderr, `skein-worker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  }
  process.stdout.write = streams.stdout;
  process.stderr.write = streams.stderr;
  closeSync(stdout);
  closeSync(stderr);
  current = undefined;
  if (leaving) process.exit(0);
  process.send({ type: "done", dir: job.dir });
}

// A crash (an uncaught exception, an unhandled rejection) ends the worker, as it would end a
// fresh task process; its trace goes to the attempt's stderr first.
process.on("uncaughtExceptionMonitor", (error) => {
  if (current) writeSync(current.stderr, `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
});
process.on("SIGTERM", () => {
  current?.controller.abort(new Error("the attempt was stopped (SIGTERM)"));
  leave();
});
process.on("disconnect", leave);
process.on("message", (message) => {
  if (message?.type === "run") void run(message);
});
process.send({ type: "ready" });
