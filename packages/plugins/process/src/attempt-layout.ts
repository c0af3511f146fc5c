import { createHash } from "node:crypto";
import { renameSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { toJsonString } from "@bufbuild/protobuf";
import { TaskExecutionIdentifierSchema, type TaskExecutionIdentifier } from "@skein/idl";

/**
 * Where one attempt keeps its files, under `<workDir>/attempts/<key>`. The key is a digest of the
 * attempt id, so the same attempt always maps to the same directory (the idempotency marker
 * lives there) and ids of any length or character set make safe directory names.
 */
export interface AttemptLayout {
  readonly dir: string;
  /** The persisted state; its presence means the attempt was created. */
  readonly stateFile: string;
  /** Written by delete before it stops a running attempt; its presence means ABORTED. */
  readonly abortedFile: string;
  readonly inputsFile: string;
  readonly templateFile: string;
  /** The task process's output directory (outputs.pb or error.pb). */
  readonly outputDir: string;
  readonly stdoutFile: string;
  readonly stderrFile: string;
  /** Created (exclusively) by the fresh task process that runs the attempt, holding its pid. */
  readonly claimFile: string;
  /** Written by a worker pool when it hands the attempt to a warm worker: which worker runs it. */
  readonly workerFile: string;
}

export function attemptKey(id: TaskExecutionIdentifier | undefined): string {
  if (!id) throw new Error("attempt id is required");
  return createHash("sha256").update(toJsonString(TaskExecutionIdentifierSchema, id)).digest("hex").slice(0, 32);
}

export function layoutOf(dir: string): AttemptLayout {
  return {
    dir,
    stateFile: join(dir, "state.json"),
    abortedFile: join(dir, "aborted"),
    inputsFile: join(dir, "inputs.pb"),
    templateFile: join(dir, "template.pb"),
    outputDir: join(dir, "out"),
    stdoutFile: join(dir, "stdout.log"),
    stderrFile: join(dir, "stderr.log"),
    workerFile: join(dir, "worker.json"),
    claimFile: join(dir, "claim"),
  };
}

/**
 * The parsed state file, or undefined when the attempt was never created; its shape is the
 * caller's to check. A file that does not parse is an error naming it.
 */
export async function readStateFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`attempt state file ${file} is not valid JSON (${text.length} bytes): ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Replaces `file` with `text` whole or not at all: the text goes to a temporary file beside it,
 * which is renamed over it. A process killed in the middle (propeller is, in its crash tests)
 * leaves the old content or the new, never an empty or half-written file that a restarted
 * replica could not read.
 */
export function writeFileWhole(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}
