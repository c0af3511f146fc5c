import { parseArgs } from "node:util";
import { runBundledTask, runContainerTask, type AttemptFiles } from "./run-attempt.js";

/** Usage of the task entrypoint, printed on a bad command line. */
export const TASK_MAIN_USAGE = `usage:
  skein-task bundle --code-dir DIR --module PATH --task NAME --inputs FILE --output-dir DIR [common options]
  skein-task container --template FILE --inputs FILE --output-dir DIR [common options]
common options: --execution NAME --node PATH --attempt N --checkpoint-dir DIR`;

const options = {
  "code-dir": { type: "string" },
  module: { type: "string" },
  task: { type: "string" },
  template: { type: "string" },
  inputs: { type: "string" },
  "output-dir": { type: "string" },
  execution: { type: "string" },
  node: { type: "string" },
  attempt: { type: "string" },
  "checkpoint-dir": { type: "string" },
} as const;

/** A command line the entrypoint cannot act on. */
export class TaskMainUsageError extends Error {
  override name = "TaskMainUsageError";
}

/**
 * The task process's main: runs one attempt as the command line says and writes its result
 * file. SIGTERM aborts the task's signal so it can stop cleanly; the result (usually an error
 * saying it was stopped) is still written. Resolves once the result file is written; a bad command
 * line or an unwritable output directory rejects (the starter then sees a process that left no
 * result, a system failure).
 */
export async function runTaskMain(argv: readonly string[]): Promise<void> {
  const [mode, ...rest] = argv;
  let values;
  try {
    ({ values } = parseArgs({ args: rest, options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new TaskMainUsageError(`${(error as Error).message}\n${TASK_MAIN_USAGE}`, { cause: error });
  }
  const need = (name: keyof typeof values): string => {
    const value = values[name];
    if (value === undefined || value === "") throw new TaskMainUsageError(`--${name} is required\n${TASK_MAIN_USAGE}`);
    return value;
  };
  const attemptText = values.attempt ?? "0";
  if (!/^\d+$/.test(attemptText)) throw new TaskMainUsageError(`--attempt must be a non-negative integer, got "${attemptText}"`);
  const controller = new AbortController();
  const onTerm = () => { controller.abort(new Error("the attempt was stopped (SIGTERM)")); };
  process.once("SIGTERM", onTerm);
  const files: AttemptFiles = {
    inputsFile: need("inputs"),
    outputDir: need("output-dir"),
    signal: controller.signal,
    attempt: Number(attemptText),
    ...(values.execution !== undefined ? { executionName: values.execution } : {}),
    ...(values.node !== undefined ? { nodePath: values.node } : {}),
    ...(values["checkpoint-dir"] !== undefined ? { checkpointDir: values["checkpoint-dir"] } : {}),
  };
  try {
    if (mode === "bundle") await runBundledTask({ ...files, codeDir: need("code-dir"), module: need("module"), task: need("task") });
    else if (mode === "container") await runContainerTask({ ...files, templateFile: need("template") });
    else throw new TaskMainUsageError(`unknown mode "${mode ?? ""}"\n${TASK_MAIN_USAGE}`);
  } finally {
    process.off("SIGTERM", onTerm);
  }
}
