import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { toBinary } from "@bufbuild/protobuf";
import type { BlobStore } from "@skein/blob";
import { LiteralMapSchema, TaskExecutionPhase, TaskTemplateSchema } from "@skein/idl";
import type { BackendPlugin, TaskAttempt, TaskStatus } from "@skein/plugin-core";
import { CODE_BUNDLE_CONFIG_KEY, writeErrorResult } from "@skein/sdk";
import { attemptKey, layoutOf, readStateFile, writeFileWhole, type AttemptLayout } from "./attempt-layout.js";
import { checkpointKey, hasResult, isRecordedDone, logsOf, lostStatus, recordedStatus, systemError } from "./attempt-status.js";
import { BadBundleError, bundleCacheOf, codeLocation, type BundleCache } from "./bundle-cache.js";
import { isAttemptRunning, signalGroup, waitForExit } from "./process-control.js";
import { pollUntil, untilSettledOrAborted, withoutRejecting } from "./wake-up.js";

/** The task process's entrypoint: a committed script, so it runs the same from src/ and dist/. */
const TASK_MAIN = fileURLToPath(new URL("../bin/skein-task.mjs", import.meta.url));

/**
 * The plugin's handle to an attempt, persisted by propeller as JSON. `pid` is null when the
 * attempt failed before a process could start (its error is already in the attempt directory).
 */
export interface FreshProcessState {
  readonly pid: number | null;
  /** The attempt directory: inputs, result files and logs. */
  readonly dir: string;
  /** When the attempt was created, ISO 8601. */
  readonly startedAt: string;
}

export interface FreshProcessOptions {
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
export class FreshProcessPlugin implements BackendPlugin<FreshProcessState> {
  private readonly bundles: BundleCache;
  private readonly creating = new Map<string, Promise<FreshProcessState>>();
  /** Attempt directory → the exit of the process this instance started for it, while it runs. */
  private readonly exits = new Map<string, Promise<void>>();

  constructor(private readonly options: FreshProcessOptions) {
    this.bundles = bundleCacheOf(options);
  }

  /** Starts the attempt, or returns the state of the one already started for this attempt id. */
  async create(attempt: TaskAttempt): Promise<FreshProcessState> {
    const dir = join(this.options.workDir, "attempts", attemptKey(attempt.id));
    let pending = this.creating.get(dir);
    if (!pending) {
      pending = this.createOnce(attempt, layoutOf(dir)).finally(() => this.creating.delete(dir));
      this.creating.set(dir, pending);
    }
    return pending;
  }

  async get(attempt: TaskAttempt, state: FreshProcessState): Promise<TaskStatus> {
    const layout = layoutOf(checkState(state).dir);
    const pid = runnerPid(state, layout);
    // Liveness first: the result file is written before the process exits, so a process seen
    // gone here has left its result (if any) for the reads below.
    const running = pid !== null && isAttemptRunning(pid, layout.dir);
    const recorded = await recordedStatus(layout, attempt.template);
    if (recorded) return recorded;
    if (running) return { phase: TaskExecutionPhase.RUNNING, logs: logsOf(layout) };
    return lostStatus(layout, "ProcessLost", `the task process ${pid ?? "?"} ended without writing a result`);
  }

  /**
   * Resolves when the attempt's process exits (the moment its status changes), at once when it
   * has already finished, or soon after `signal` aborts; never rejects. A process this instance
   * did not start (another propeller's, or one started before a restart) is watched by polling its
   * pid and result files, every 50 ms at first and backing off to 500 ms.
   */
  wait(_attempt: TaskAttempt, state: FreshProcessState, signal: AbortSignal): Promise<void> {
    return withoutRejecting(async () => {
      const { dir } = checkState(state);
      const layout = layoutOf(dir);
      const exited = this.exits.get(dir);
      // The process this instance started: its exit is the moment, unless it lost the claim to
      // an earlier process of the same attempt (then that one is watched by polling).
      if (exited && runnerPid(state, layout) === state.pid) return untilSettledOrAborted(exited, signal);
      await pollUntil(() => {
        const pid = runnerPid(state, layout);
        return pid === null || isRecordedDone(layout) || !isAttemptRunning(pid, dir);
      }, signal);
    }, signal);
  }

  /**
   * Stops the attempt's process group: SIGTERM (the task's signal aborts), then SIGKILL after the
   * grace period. A finished or already stopped attempt is left as it is; the attempt directory
   * stays, so `get` keeps reporting how the attempt ended.
   */
  async delete(_attempt: TaskAttempt, state: FreshProcessState): Promise<void> {
    const { dir } = checkState(state);
    const layout = layoutOf(dir);
    const pid = runnerPid(state, layout);
    if (pid === null || !isAttemptRunning(pid, dir)) return;
    // A process that has written its result is only exiting: it finished, it is not aborted.
    if (hasResult(layout)) return;
    await writeFile(layout.abortedFile, new Date().toISOString());
    signalGroup(pid, "SIGTERM");
    if (await waitForExit(pid, dir, this.options.killGraceMs ?? 5000)) return;
    signalGroup(pid, "SIGKILL");
    await waitForExit(pid, dir, 10_000);
  }

  private async createOnce(attempt: TaskAttempt, layout: AttemptLayout): Promise<FreshProcessState> {
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
      const state: FreshProcessState = { pid: null, dir: layout.dir, startedAt };
      writeFileWhole(layout.stateFile, JSON.stringify(state));
      return state;
    }
    await writeFile(layout.inputsFile, toBinary(LiteralMapSchema, attempt.inputs));
    const stdout = openSync(layout.stdoutFile, "a");
    const stderr = openSync(layout.stderrFile, "a");
    const env = { ...(this.options.env ?? process.env), ...taskEnv(attempt), SKEIN_TASK_CLAIM_FILE: layout.claimFile };
    let pid: number | undefined;
    try {
      // Its own process group, so delete reaches whatever the task started too.
      const child = spawn(process.execPath, [TASK_MAIN, ...args], { cwd: layout.dir, env, detached: true, stdio: ["ignore", stdout, stderr] });
      const exited = new Promise<void>((resolve) => {
        child.once("exit", () => { resolve(); });
        child.once("error", () => { resolve(); });
      });
      child.unref();
      pid = child.pid;
      if (pid !== undefined) {
        const dir = layout.dir;
        this.exits.set(dir, exited);
        void exited.then(() => this.exits.delete(dir));
      }
    } finally {
      closeSync(stdout);
      closeSync(stderr);
    }
    if (pid === undefined) throw new Error(`could not start the task process (${process.execPath})`);
    const state: FreshProcessState = { pid, dir: layout.dir, startedAt };
    // Written at once after the spawn: from here on, create finds the process instead of starting another.
    writeFileWhole(layout.stateFile, JSON.stringify(state));
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
    const code = codeLocation(template);
    if (code) {
      const codeDir = await this.bundles.directoryFor(code.bundle);
      return ["bundle", "--code-dir", codeDir, "--module", code.module, "--task", template.id?.name ?? "", ...common];
    }
    if (template.target.case === "container" && template.target.value.command.length > 0) {
      await writeFile(layout.templateFile, toBinary(TaskTemplateSchema, template));
      return ["container", "--template", layout.templateFile, ...common];
    }
    throw new BadBundleError(`task "${template.id?.name ?? ""}" has neither a code bundle ("${CODE_BUNDLE_CONFIG_KEY}") nor a container command`);
  }
}

/** The environment a task adds to its process's: a container target's `env`. */
export function taskEnv(attempt: TaskAttempt): Record<string, string> {
  const target = attempt.template.target;
  return target.case === "container" ? Object.fromEntries(target.value.env.map((kv) => [kv.key, kv.value])) : {};
}

/**
 * The process running the attempt: the one that claimed it, else (not claimed yet, it is still
 * starting) the one the state names. They differ when a starter died after starting a process
 * but before recording it, and the next starter's process found the attempt claimed.
 */
function runnerPid(state: FreshProcessState, layout: AttemptLayout): number | null {
  if (state.pid === null) return null;
  try {
    const claimed = Number.parseInt(readFileSync(layout.claimFile, "utf8"), 10);
    return Number.isInteger(claimed) && claimed > 0 ? claimed : state.pid;
  } catch {
    return state.pid;
  }
}

async function readState(file: string): Promise<FreshProcessState | undefined> {
  const state = await readStateFile(file);
  return state === undefined ? undefined : checkState(state as FreshProcessState);
}

/** State comes back from propeller's storage as JSON: checks its shape before trusting it. */
export function checkState(state: FreshProcessState): FreshProcessState {
  const value = state as unknown as Record<string, unknown>;
  const pidOk = value.pid === null || (typeof value.pid === "number" && Number.isInteger(value.pid) && value.pid > 0);
  if (!pidOk || typeof value.dir !== "string" || value.dir === "" || typeof value.startedAt !== "string") {
    throw new Error(`process plugin state is malformed: ${JSON.stringify(state)}`);
  }
  return state;
}
