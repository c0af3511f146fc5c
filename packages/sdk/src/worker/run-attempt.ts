import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { DynamicJobSpecSchema, ErrorKind, LiteralMapSchema, TaskTemplateSchema, type LiteralMap, type TaskTemplate } from "@skein/idl";
import { collectEntities } from "../entities.js";
import { ContainerProcessInvoker } from "../runner/container-process.js";
import { errorFromThrown } from "../runner/drive.js";
import type { TaskResult, TaskRuntime } from "../task/context.js";
import type { TaskDefinition } from "../task/define.js";
import { TaskValidationError } from "../task/errors.js";
import { FUTURES_FILE, OUTPUTS_FILE, writeErrorResult, writeResultFile } from "./task-files.js";

/** Where an attempt runs: identifies it to the task and says where its files are. */
export interface AttemptFiles {
  /** The inputs, a LiteralMap in protobuf binary. */
  readonly inputsFile: string;
  /** Receives exactly one of outputs.pb, futures.pb or error.pb (see task-files.ts). */
  readonly outputDir: string;
  /** Aborted when the attempt must stop; the task sees it as its context's signal. */
  readonly signal: AbortSignal;
  readonly executionName?: string;
  readonly nodePath?: string;
  readonly attempt?: number;
  /** Where checkpoints persist between attempts of one node; without it they last one attempt. */
  readonly checkpointDir?: string;
  /** Receives the task's `context.log` lines; standard output by default. */
  readonly log?: (message: string) => void;
}

/** A TypeScript task from an extracted code bundle. */
export interface BundledTaskAttempt extends AttemptFiles {
  /** The directory the code bundle was extracted into. */
  readonly codeDir: string;
  /** The module, relative to codeDir, that defines the task (`skein.code.module`). */
  readonly module: string;
  /** The task's name. */
  readonly task: string;
}

/** A container task: its command runs with the files protocol of the local runner. */
export interface ContainerTaskAttempt extends AttemptFiles {
  /** The task's template, a TaskTemplate in protobuf binary. */
  readonly templateFile: string;
}

/** A failure that is not the task's own doing (missing code, unreadable inputs). */
class AttemptSetupError extends Error {
  override name = "AttemptSetupError";
  constructor(
    message: string,
    readonly recoverable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Runs one attempt of a task from a code bundle: imports the module, converts the inputs with
 * the task's own schemas, runs the function and writes the result file. Never throws for a
 * failure of the task or its setup (those become error.pb); throws only when no result file can
 * be written at all.
 */
export async function runBundledTask(attempt: BundledTaskAttempt): Promise<void> {
  await settle(attempt, async () => {
    const path = resolve(attempt.codeDir, attempt.module);
    if (!path.startsWith(resolve(attempt.codeDir) + sep)) throw new AttemptSetupError(`module "${attempt.module}" is outside the code bundle`, false);
    if (!existsSync(path)) throw new AttemptSetupError(`module "${attempt.module}" is not in the code bundle at ${attempt.codeDir}`, false);
    const inputs = await readInputs(attempt.inputsFile);
    // Anything the module throws while loading is user code failing: it is reported as such.
    const exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    let definition;
    try {
      definition = collectEntities(exports).tasks.get(attempt.task);
    } catch (error) {
      throw new AttemptSetupError(`module "${attempt.module}" does not load cleanly: ${(error as Error).message}`, false, { cause: error });
    }
    if (!definition?.execute) {
      throw new AttemptSetupError(`module "${attempt.module}" defines no runnable task "${attempt.task}"`, false);
    }
    const result = await definition.execute(inputs, runtimeFor(attempt));
    if ("dynamic" in result) checkGeneratedTasks(definition, result.tasks, exports, attempt.module);
    return result;
  });
}

/**
 * A generated node's task runs from the dynamic task's module (whoever runs the attempt gives it
 * the dynamic task's code location, see the process plugin's generated-spec.ts), where it is found
 * by name among the module's exports. A task the body called that the module does not export
 * could never be found there: the graph fails now, naming the task, instead of each node later.
 * Tasks that bring their own way to run (a container command, another task type) are not checked.
 */
function checkGeneratedTasks(dynamicTask: TaskDefinition, tasks: ReadonlyMap<string, TaskDefinition> | undefined, exports: Record<string, unknown>, module: string): void {
  const exported = collectEntities(exports).tasks;
  const missing = [...(tasks?.values() ?? [])].filter((task) => task.template.type === dynamicTask.template.type && !hasCommand(task.template) && exported.get(task.name) !== task);
  if (missing.length === 0) return;
  const names = missing.map((task) => `"${task.name}"`).join(", ");
  throw new TaskValidationError(
    `dynamic task "${dynamicTask.name}" calls ${missing.length === 1 ? "task" : "tasks"} ${names}, which module "${module}" does not export; a task a dynamic task calls runs from the dynamic task's module on a cluster, so export it from there`,
  );
}

function hasCommand(template: TaskTemplate): boolean {
  return template.target.case === "container" && template.target.value.command.length > 0;
}

/** Runs one attempt of a container task (its command as a local process) and writes the result file. */
export async function runContainerTask(attempt: ContainerTaskAttempt): Promise<void> {
  await settle(attempt, async () => {
    const template = await readTemplate(attempt.templateFile);
    const inputs = await readInputs(attempt.inputsFile);
    return new ContainerProcessInvoker().run({
      task: template,
      inputs,
      node: attempt.nodePath ?? "",
      attempt: attempt.attempt ?? 0,
      executionName: attempt.executionName ?? "",
      signal: attempt.signal,
    });
  });
}

// Runs `body` and turns its outcome into the one result file.
async function settle(attempt: AttemptFiles, body: () => Promise<TaskResult>): Promise<void> {
  await mkdir(attempt.outputDir, { recursive: true });
  let result: TaskResult;
  try {
    result = await body();
  } catch (thrown) {
    const setup = thrown instanceof AttemptSetupError;
    const { error, recoverable } = errorFromThrown(thrown, setup ? ErrorKind.SYSTEM : ErrorKind.USER);
    error.worker = `${hostname()}:${process.pid}`;
    await writeErrorResult(attempt.outputDir, error, setup ? thrown.recoverable : recoverable);
    return;
  }
  if ("outputs" in result) await writeResultFile(attempt.outputDir, OUTPUTS_FILE, toBinary(LiteralMapSchema, result.outputs));
  else await writeResultFile(attempt.outputDir, FUTURES_FILE, toBinary(DynamicJobSpecSchema, result.dynamic));
}

async function readInputs(file: string): Promise<LiteralMap> {
  try {
    return fromBinary(LiteralMapSchema, await readFile(file));
  } catch (error) {
    throw new AttemptSetupError(`cannot read the inputs at ${file}: ${(error as Error).message}`, true, { cause: error });
  }
}

async function readTemplate(file: string): Promise<TaskTemplate> {
  try {
    return fromBinary(TaskTemplateSchema, await readFile(file));
  } catch (error) {
    throw new AttemptSetupError(`cannot read the task template at ${file}: ${(error as Error).message}`, true, { cause: error });
  }
}

function runtimeFor(attempt: AttemptFiles): TaskRuntime {
  const dir = attempt.checkpointDir ?? join(attempt.outputDir, "checkpoint");
  const file = join(dir, "checkpoint.bin");
  const log = attempt.log ?? ((message: string) => process.stdout.write(`${message}\n`));
  return {
    executionName: attempt.executionName ?? "",
    nodePath: attempt.nodePath ?? "",
    attempt: attempt.attempt ?? 0,
    signal: attempt.signal,
    log,
    loadCheckpoint: async () => {
      try {
        return new Uint8Array(await readFile(file));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
    saveCheckpoint: async (bytes) => {
      await mkdir(dir, { recursive: true });
      await writeFile(file, bytes);
    },
  };
}
