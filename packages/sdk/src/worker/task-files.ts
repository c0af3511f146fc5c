import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { toBinary } from "@bufbuild/protobuf";
import { ExecutionErrorSchema, type ExecutionError } from "@skein/idl";

// The files one task attempt exchanges with whoever started it (reference §7's protocol, on a
// local disk): the starter writes the inputs, the task process writes exactly one result file into
// its output directory and exits 0, whether the task succeeded or not.

/** The task's inputs, a LiteralMap in protobuf binary. */
export const INPUTS_FILE = "inputs.pb";
/** A container task's template, a TaskTemplate in protobuf binary. */
export const TEMPLATE_FILE = "template.pb";
/** Written on success: the outputs, a LiteralMap in protobuf binary. */
export const OUTPUTS_FILE = "outputs.pb";
/** Written by a dynamic task: the graph to run in its place, a DynamicJobSpec in protobuf binary. */
export const FUTURES_FILE = "futures.pb";
/** Written on failure: an ExecutionError in protobuf binary. */
export const ERROR_FILE = "error.pb";
/**
 * Written before ERROR_FILE: `{"recoverable": boolean}`. ExecutionError has no place for it, and a
 * starter must tell a retryable failure from a permanent one.
 */
export const ERROR_DETAILS_FILE = "error.json";

/** What ERROR_DETAILS_FILE holds. */
export interface ErrorDetails {
  readonly recoverable: boolean;
}

/**
 * Writes `name` in `dir` so that a reader sees the whole file or none: the result files double as
 * completion markers, so a half-written one must never be visible.
 */
export async function writeResultFile(dir: string, name: string, content: Uint8Array | string): Promise<void> {
  const temp = join(dir, `.${name}.tmp-${process.pid}`);
  await writeFile(temp, content);
  await rename(temp, join(dir, name));
}

/**
 * Writes a failed attempt's result: ERROR_DETAILS_FILE, then ERROR_FILE, which marks the result
 * complete (a reader that sees error.pb finds its details beside it).
 */
export async function writeErrorResult(dir: string, error: ExecutionError, recoverable: boolean): Promise<void> {
  const details: ErrorDetails = { recoverable };
  await writeResultFile(dir, ERROR_DETAILS_FILE, JSON.stringify(details));
  await writeResultFile(dir, ERROR_FILE, toBinary(ExecutionErrorSchema, error));
}
