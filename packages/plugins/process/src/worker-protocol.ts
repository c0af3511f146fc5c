// The messages between a worker pool and its warm workers (bin/skein-worker.mjs), over the IPC
// channel of `child_process.fork`. A worker sends `ready` once it can take attempts, then gets one
// `run` at a time and answers `done` when the attempt's result file is written. A worker told to
// stop (SIGTERM, or the channel closing) exits after its attempt instead of answering.

/** Pool → worker: run one attempt of a task from the worker's code bundle. */
export interface RunMessage {
  readonly type: "run";
  /** The attempt directory; `done` names it. */
  readonly dir: string;
  /** The module inside the bundle that defines the task, and the task's name. */
  readonly module: string;
  readonly task: string;
  readonly inputsFile: string;
  readonly outputDir: string;
  /** Where the attempt's stdout and stderr go while it runs (appended). */
  readonly stdoutFile: string;
  readonly stderrFile: string;
  readonly executionName: string;
  readonly nodePath: string;
  readonly attempt: number;
  readonly checkpointDir: string;
}

/** Worker → pool. */
export type WorkerMessage = { readonly type: "ready" } | { readonly type: "done"; readonly dir: string };

/** Whether `value`, received from a worker, is a message the pool understands. */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  if (typeof value !== "object" || value === null) return false;
  const message = value as Record<string, unknown>;
  return message.type === "ready" || (message.type === "done" && typeof message.dir === "string");
}

/** What a pool writes into an attempt's directory (worker.json) when it hands the attempt to a worker. */
export interface WorkerRecord {
  readonly pid: number;
  /** Also on the worker's command line, so a pid reused by another process is not taken for it. */
  readonly workerId: string;
}
