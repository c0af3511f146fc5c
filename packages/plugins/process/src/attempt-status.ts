import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { create, fromBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { DynamicJobSpecSchema, ErrorKind, ExecutionErrorSchema, LiteralMapSchema, TaskExecutionPhase, TaskLogSchema, type ExecutionError, type TaskLog, type TaskTemplate } from "@skein/idl";
import type { TaskAttempt, TaskStatus } from "@skein/plugin-core";
import { ERROR_DETAILS_FILE, ERROR_FILE, FUTURES_FILE, OUTPUTS_FILE, type ErrorDetails } from "@skein/sdk";
import type { AttemptLayout } from "./attempt-layout.js";
import { generatedSpec } from "./generated-spec.js";

// Reading an attempt's outcome from its directory, shared by every plugin of this package: whoever
// ran the attempt (a fresh process, a warm worker), its result files say how it ended.

/**
 * The status the attempt directory records, or undefined while it records none (the attempt has
 * not finished, or whatever ran it vanished: the caller decides which). `template` is the task
 * that ran: a dynamic task's graph (futures.pb) is completed from it (see generated-spec.ts).
 */
export async function recordedStatus(layout: AttemptLayout, template: TaskTemplate): Promise<TaskStatus | undefined> {
  const logs = logsOf(layout);
  if (existsSync(layout.abortedFile)) return { phase: TaskExecutionPhase.ABORTED, logs, message: "stopped on request" };
  const outputs = join(layout.outputDir, OUTPUTS_FILE);
  if (existsSync(outputs)) return { phase: TaskExecutionPhase.SUCCEEDED, outputs: fromBinary(LiteralMapSchema, await readFile(outputs)), logs };
  const errorFile = join(layout.outputDir, ERROR_FILE);
  if (existsSync(errorFile)) {
    const error = fromBinary(ExecutionErrorSchema, await readFile(errorFile));
    const details = await readDetails(join(layout.outputDir, ERROR_DETAILS_FILE));
    return { phase: details.recoverable ? TaskExecutionPhase.RETRYABLE_FAILED : TaskExecutionPhase.FAILED, error, logs, message: error.message };
  }
  const futures = join(layout.outputDir, FUTURES_FILE);
  if (existsSync(futures)) {
    const spec = fromBinary(DynamicJobSpecSchema, await readFile(futures));
    return { phase: TaskExecutionPhase.SUCCEEDED, dynamic: generatedSpec(spec, template), logs, message: `generated ${spec.nodes.length} node(s)` };
  }
  return undefined;
}

/** Whether the attempt has a result file: whatever runs it has finished with it. */
export function hasResult(layout: AttemptLayout): boolean {
  return [OUTPUTS_FILE, ERROR_FILE, FUTURES_FILE].some((name) => existsSync(join(layout.outputDir, name)));
}

/** Whether `get` would report the attempt finished from its files alone (a result, or stopped). */
export function isRecordedDone(layout: AttemptLayout): boolean {
  return existsSync(layout.abortedFile) || hasResult(layout);
}

/** A retryable status for work that vanished without a result; the message ends with its stderr. */
export async function lostStatus(layout: AttemptLayout, code: string, what: string): Promise<TaskStatus> {
  const error = await lostError(layout, code, what);
  return { phase: TaskExecutionPhase.RETRYABLE_FAILED, error, logs: logsOf(layout), message: error.message };
}

export async function lostError(layout: AttemptLayout, code: string, what: string): Promise<ExecutionError> {
  const stderr = await tail(layout.stderrFile);
  return systemError(code, `${what}${stderr ? `; its last output:\n${stderr}` : ""}`);
}

export function systemError(code: string, message: string): ExecutionError {
  return create(ExecutionErrorSchema, { code, message, kind: ErrorKind.SYSTEM, timestamp: timestampNow() });
}

export function logsOf(layout: AttemptLayout): TaskLog[] {
  return [
    create(TaskLogSchema, { name: "stdout", uri: pathToFileURL(layout.stdoutFile).href }),
    create(TaskLogSchema, { name: "stderr", uri: pathToFileURL(layout.stderrFile).href }),
  ];
}

/** Checkpoints belong to the node execution, so every retry of it sees the last one saved. */
export function checkpointKey(attempt: TaskAttempt): string {
  const node = attempt.id.nodeExecutionId;
  const text = JSON.stringify([node?.executionId?.project, node?.executionId?.domain, node?.executionId?.name, node?.nodeId]);
  return createHash("sha256").update(text).digest("hex").slice(0, 32);
}

async function readDetails(file: string): Promise<ErrorDetails> {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as Partial<ErrorDetails>;
    return { recoverable: parsed.recoverable === true };
  } catch {
    // No details: treat the failure as worth another attempt.
    return { recoverable: true };
  }
}

async function tail(file: string): Promise<string> {
  try {
    return (await readFile(file, "utf8")).slice(-2000).trimEnd();
  } catch {
    return "";
  }
}
