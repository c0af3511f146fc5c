import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, writeFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { openBlobStore, type BlobStore } from "@skein/blob";
import {
  ErrorKind,
  ExecutionErrorSchema,
  LiteralMapSchema,
  TaskExecutionPhase,
  TaskLogSchema,
  TaskTemplateSchema,
  type ExecutionError,
  type TaskLog,
} from "@skein/idl";
import type { BackendPlugin, TaskAttempt, TaskStatus } from "@skein/plugin-core";
import {
  CODE_BUNDLE_CONFIG_KEY,
  CODE_MODULE_CONFIG_KEY,
  ERROR_DETAILS_FILE,
  ERROR_FILE,
  FUTURES_FILE,
  OUTPUTS_FILE,
  writeErrorResult,
  type ErrorDetails,
} from "@skein/sdk";
import { attemptKey, layoutOf, type AttemptLayout } from "./attempt-layout.js";
import { BadBundleError, BundleCache } from "./bundle-cache.js";
import { isAttemptRunning, signalGroup, waitForExit } from "./process-control.js";

/** The task process's entrypoint: a committed script, so it runs the same from src/ and dist/. */
const TASK_MAIN = fileURLToPath(new URL("../bin/skein-task.mjs", import.meta.url));

/**
 * The plugin's handle to an attempt, persisted by propeller as JSON. `pid` is null when the
 * attempt failed before a process could start (its error is already in the attempt directory).
 */
export interface ProcessState {
  readonly pid: number | null;
  /** The attempt directory: inputs, result files and logs. */
  readonly dir: string;
  /** When the attempt was created, ISO 8601. */
  readonly startedAt: string;
}

export interface ProcessPluginOptions {
  /** A local directory for extracted code bundles, attempt directories and checkpoints. */
  readonly workDir: string;
  /** Opens the store a bundle uri lives in; by default the store rooted at the uri's folder. */
  readonly openStore?: (uri: string) => BlobStore;
  /** How long delete waits after SIGTERM before it sends SIGKILL; 5000 ms by default. */
  readonly killGraceMs?: number;
  /** Environment of task processes; this process's by default. The task's own `env` is added. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Runs every attempt as a fresh local process (isolation: nothing survives from one attempt to
 * the next). TypeScript tasks run from their registered code bundle through the SDK's task
 * entrypoint; container tasks run their command with the local runner's files protocol. The
 * process writes its result into the attempt directory and exits; `get` reads it from there, so
 * the plugin may restart while tasks run.
 */
export class ProcessPlugin implements BackendPlugin<ProcessState> {
  private readonly bundles: BundleCache;
  private readonly creating = new Map<string, Promise<ProcessState>>();

  constructor(private readonly options: ProcessPluginOptions) {
    this.bundles = new BundleCache(join(options.workDir, "bundles"), options.openStore ?? ((uri) => openBlobStore(uri.slice(0, uri.lastIndexOf("/")))));
  }

  /** Starts the attempt, or returns the state of the one already started for this attempt id. */
  async create(attempt: TaskAttempt): Promise<ProcessState> {
    const dir = join(this.options.workDir, "attempts", attemptKey(attempt.id));
    let pending = this.creating.get(dir);
    if (!pending) {
      pending = this.createOnce(attempt, layoutOf(dir)).finally(() => this.creating.delete(dir));
      this.creating.set(dir, pending);
    }
    return pending;
  }

  async get(_attempt: TaskAttempt, state: ProcessState): Promise<TaskStatus> {
    const layout = layoutOf(checkState(state).dir);
    const logs = logsOf(layout);
    // Liveness first: the result file is written before the process exits, so a process seen
    // gone here has left its result (if any) for the reads below.
    const running = state.pid !== null && isAttemptRunning(state.pid, layout.dir);
    if (existsSync(layout.abortedFile)) return { phase: TaskExecutionPhase.ABORTED, logs, message: "stopped on request" };
    const outputs = join(layout.outputDir, OUTPUTS_FILE);
    if (existsSync(outputs)) return { phase: TaskExecutionPhase.SUCCEEDED, outputs: fromBinary(LiteralMapSchema, await readFile(outputs)), logs };
    const errorFile = join(layout.outputDir, ERROR_FILE);
    if (existsSync(errorFile)) {
      const error = fromBinary(ExecutionErrorSchema, await readFile(errorFile));
      const details = await readDetails(join(layout.outputDir, ERROR_DETAILS_FILE));
      return { phase: details.recoverable ? TaskExecutionPhase.RETRYABLE_FAILED : TaskExecutionPhase.FAILED, error, logs, message: error.message };
    }
    if (existsSync(join(layout.outputDir, FUTURES_FILE))) {
      const error = systemError("DynamicUnsupported", "dynamic tasks cannot run in the process plugin yet: the task returned a graph (futures.pb)");
      return { phase: TaskExecutionPhase.FAILED, error, logs, message: error.message };
    }
    if (running) return { phase: TaskExecutionPhase.RUNNING, logs };
    const stderr = await tail(layout.stderrFile);
    const error = systemError("ProcessLost", `the task process ${state.pid ?? "?"} ended without writing a result${stderr ? `; its last output:\n${stderr}` : ""}`);
    return { phase: TaskExecutionPhase.RETRYABLE_FAILED, error, logs, message: error.message };
  }

  /**
   * Stops the attempt's process group: SIGTERM (the task's signal aborts), then SIGKILL after the
   * grace period. A finished or already stopped attempt is left as it is; the attempt directory
   * stays, so `get` keeps reporting how the attempt ended.
   */
  async delete(_attempt: TaskAttempt, state: ProcessState): Promise<void> {
    const { pid, dir } = checkState(state);
    if (pid === null || !isAttemptRunning(pid, dir)) return;
    const layout = layoutOf(dir);
    // A process that has written its result is only exiting: it finished, it is not aborted.
    if ([OUTPUTS_FILE, ERROR_FILE, FUTURES_FILE].some((name) => existsSync(join(layout.outputDir, name)))) return;
    await writeFile(layout.abortedFile, new Date().toISOString());
    signalGroup(pid, "SIGTERM");
    if (await waitForExit(pid, dir, this.options.killGraceMs ?? 5000)) return;
    signalGroup(pid, "SIGKILL");
    await waitForExit(pid, dir, 10_000);
  }

  private async createOnce(attempt: TaskAttempt, layout: AttemptLayout): Promise<ProcessState> {
    const existing = await readState(layout.stateFile);
    if (existing) return existing;
    await mkdir(layout.outputDir, { recursive: true });
    const startedAt = new Date().toISOString();
    let args: string[];
    try {
      args = await this.commandFor(attempt, layout);
    } catch (error) {
      if (!(error instanceof BadBundleError)) throw error;
      // Permanent: record the failure as the attempt's result instead of starting a process.
      await writeErrorResult(layout.outputDir, systemError(error.name, error.message), false);
      const state: ProcessState = { pid: null, dir: layout.dir, startedAt };
      await writeFile(layout.stateFile, JSON.stringify(state));
      return state;
    }
    await writeFile(layout.inputsFile, toBinary(LiteralMapSchema, attempt.inputs));
    const stdout = openSync(layout.stdoutFile, "a");
    const stderr = openSync(layout.stderrFile, "a");
    const env = { ...(this.options.env ?? process.env), ...taskEnv(attempt) };
    let pid: number | undefined;
    try {
      // Its own process group, so delete reaches whatever the task started too.
      const child = spawn(process.execPath, [TASK_MAIN, ...args], { cwd: layout.dir, env, detached: true, stdio: ["ignore", stdout, stderr] });
      child.once("error", () => undefined);
      child.unref();
      pid = child.pid;
    } finally {
      closeSync(stdout);
      closeSync(stderr);
    }
    if (pid === undefined) throw new Error(`could not start the task process (${process.execPath})`);
    const state: ProcessState = { pid, dir: layout.dir, startedAt };
    // Written at once after the spawn: from here on, create finds the process instead of starting another.
    writeFileSync(layout.stateFile, JSON.stringify(state));
    return state;
  }

  // The entrypoint's command line for this attempt; throws BadBundleError for unusable code.
  private async commandFor(attempt: TaskAttempt, layout: AttemptLayout): Promise<string[]> {
    const { template, id } = attempt;
    const node = id.nodeExecutionId;
    const common = [
      "--inputs", layout.inputsFile,
      "--output-dir", layout.outputDir,
      "--execution", node?.executionId?.name ?? "",
      "--node", node?.nodeId ?? "",
      "--attempt", String(id.retryAttempt),
      "--checkpoint-dir", join(this.options.workDir, "checkpoints", checkpointKey(attempt)),
    ];
    const bundle = template.config[CODE_BUNDLE_CONFIG_KEY];
    if (bundle !== undefined && bundle !== "") {
      const module = template.config[CODE_MODULE_CONFIG_KEY];
      if (module === undefined || module === "") throw new BadBundleError(`task template config has "${CODE_BUNDLE_CONFIG_KEY}" but no "${CODE_MODULE_CONFIG_KEY}"`);
      const codeDir = await this.bundles.directoryFor(bundle);
      return ["bundle", "--code-dir", codeDir, "--module", module, "--task", template.id?.name ?? "", ...common];
    }
    if (template.target.case === "container" && template.target.value.command.length > 0) {
      await writeFile(layout.templateFile, toBinary(TaskTemplateSchema, template));
      return ["container", "--template", layout.templateFile, ...common];
    }
    throw new BadBundleError(`task "${template.id?.name ?? ""}" has neither a code bundle ("${CODE_BUNDLE_CONFIG_KEY}") nor a container command`);
  }
}

// Checkpoints belong to the node execution, so every retry of it sees the last one saved.
function checkpointKey(attempt: TaskAttempt): string {
  const node = attempt.id.nodeExecutionId;
  const text = JSON.stringify([node?.executionId?.project, node?.executionId?.domain, node?.executionId?.name, node?.nodeId]);
  return createHash("sha256").update(text).digest("hex").slice(0, 32);
}

function taskEnv(attempt: TaskAttempt): Record<string, string> {
  const target = attempt.template.target;
  return target.case === "container" ? Object.fromEntries(target.value.env.map((kv) => [kv.key, kv.value])) : {};
}

function systemError(code: string, message: string): ExecutionError {
  return create(ExecutionErrorSchema, { code, message, kind: ErrorKind.SYSTEM, timestamp: timestampNow() });
}

function logsOf(layout: AttemptLayout): TaskLog[] {
  return [
    create(TaskLogSchema, { name: "stdout", uri: pathToFileURL(layout.stdoutFile).href }),
    create(TaskLogSchema, { name: "stderr", uri: pathToFileURL(layout.stderrFile).href }),
  ];
}

async function readState(file: string): Promise<ProcessState | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return checkState(JSON.parse(text) as ProcessState);
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

// State comes back from propeller's storage as JSON: check its shape before trusting it.
function checkState(state: ProcessState): ProcessState {
  const value = state as unknown as Record<string, unknown>;
  const pidOk = value.pid === null || (typeof value.pid === "number" && Number.isInteger(value.pid) && value.pid > 0);
  if (!pidOk || typeof value.dir !== "string" || value.dir === "" || typeof value.startedAt !== "string") {
    throw new Error(`process plugin state is malformed: ${JSON.stringify(state)}`);
  }
  return state;
}

async function tail(file: string): Promise<string> {
  try {
    return (await readFile(file, "utf8")).slice(-2000).trimEnd();
  } catch {
    return "";
  }
}
