import { mkdirSync } from "node:fs";
import { appendFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { toBinary } from "@bufbuild/protobuf";
import { LiteralMapSchema, TaskExecutionPhase } from "@skein/idl";
import type { BackendPlugin, TaskAttempt, TaskStatus } from "@skein/plugin-core";
import { writeErrorResult } from "@skein/sdk";
import { attemptKey, layoutOf, readStateFile, writeFileWhole, type AttemptLayout } from "./attempt-layout.js";
import { checkpointKey, hasResult, isRecordedDone, logsOf, lostError, lostStatus, recordedStatus, systemError } from "./attempt-status.js";
import { BadBundleError, bundleCacheOf, codeLocation, type BundleCache } from "./bundle-cache.js";
import { checkState, FreshProcessPlugin, taskEnv, type FreshProcessOptions, type FreshProcessState } from "./fresh-process-plugin.js";
import { checkWarmState, isWarmState, readWorkerRecord, type WorkerPoolState } from "./pool-state.js";
import { isAttemptRunning, isProcessRunning, processStartTime, signalGroup, waitForExit } from "./process-control.js";
import { WarmWorker } from "./warm-worker.js";
import { pollUntil, untilSettledOrAborted, withoutRejecting } from "./wake-up.js";
import type { RunMessage, WorkerRecord } from "./worker-protocol.js";

export interface WorkerPoolOptions extends FreshProcessOptions {
  /** The most warm workers one code bundle (with one task environment) runs at once; 2 by default. */
  readonly workersPerBundle?: number;
  /** How long a worker with nothing to do stays before it exits, in ms; 60 000 by default. */
  readonly idleTimeoutMs?: number;
}

/** The workers of one code bundle and task environment, and the attempts waiting for them. */
interface Group {
  readonly key: string;
  readonly codeDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly queue: RunMessage[];
  readonly workers: Set<WarmWorker>;
}

/**
 * Runs TypeScript attempts in warm workers: long-lived processes, per code bundle, that each run
 * many attempts one after another without loading the code again. Attempts wait in a queue per
 * bundle for an idle worker; a bundle gets at most `workersPerBundle` workers, started on demand,
 * and a worker idle for `idleTimeoutMs` exits. Attempts share their worker's memory and globals,
 * which is the price of skipping a process start; a task that needs isolation runs fresh.
 *
 * Attempts keep the attempt directories of FreshProcessPlugin (result files, logs, `state.json`), so
 * `get` reads the directory only, and create/get/delete are idempotent in the same way. Templates
 * without a code bundle (container tasks) run as fresh processes through `fresh`.
 *
 * A worker that dies mid-attempt leaves it RETRYABLE_FAILED with a `WorkerLost` system error;
 * `delete` of a running attempt stops its worker. Either way the next attempt starts a new one.
 */
export class WorkerPoolPlugin implements BackendPlugin<WorkerPoolState | FreshProcessState> {
  private readonly fresh: FreshProcessPlugin;
  private readonly bundles: BundleCache;
  private readonly workersPerBundle: number;
  private readonly idleTimeoutMs: number;
  private readonly owner = { pid: process.pid, start: processStartTime(process.pid) ?? "" };
  private readonly creating = new Map<string, Promise<WorkerPoolState | FreshProcessState>>();
  private readonly groups = new Map<string, Group>();
  /** Attempt directory → its group, while it waits for a worker. */
  private readonly queued = new Map<string, Group>();
  /** Attempt directory → the worker running it. */
  private readonly running = new Map<string, WarmWorker>();
  /**
   * Attempt directory → the WorkerLost result being written for it. From the worker's exit until
   * the result is on disk the attempt is still this pool's: `get` reports it unfinished and `wait`
   * waits, so nobody reads the gap as a vanished attempt with a vaguer error.
   */
  private readonly recording = new Map<string, Promise<void>>();
  /** Attempt directory → the wake-up of its `wait` callers. */
  private readonly changes = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  private readonly idleTimers = new Map<WarmWorker, NodeJS.Timeout>();
  private closed = false;

  /** `fresh` runs what the pool does not (container tasks); by default one built from `options`. */
  constructor(
    private readonly options: WorkerPoolOptions,
    fresh?: FreshProcessPlugin,
  ) {
    this.workersPerBundle = options.workersPerBundle ?? 2;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    const problems: string[] = [];
    if (!Number.isInteger(this.workersPerBundle) || this.workersPerBundle < 1) problems.push(`workersPerBundle must be a positive integer, got ${String(options.workersPerBundle)}`);
    if (!Number.isFinite(this.idleTimeoutMs) || this.idleTimeoutMs < 0) problems.push(`idleTimeoutMs must be a non-negative number of ms, got ${String(options.idleTimeoutMs)}`);
    if (problems.length > 0) throw new RangeError(`worker pool options: ${problems.join("; ")}`);
    this.fresh = fresh ?? new FreshProcessPlugin(options);
    this.bundles = bundleCacheOf(options);
  }

  /** Queues the attempt, or returns the state of the one already created for this attempt id. */
  async create(attempt: TaskAttempt): Promise<WorkerPoolState | FreshProcessState> {
    const dir = join(this.options.workDir, "attempts", attemptKey(attempt.id));
    let pending = this.creating.get(dir);
    if (!pending) {
      pending = this.createOnce(attempt, layoutOf(dir)).finally(() => this.creating.delete(dir));
      this.creating.set(dir, pending);
    }
    return pending;
  }

  async get(attempt: TaskAttempt, state: WorkerPoolState | FreshProcessState): Promise<TaskStatus> {
    if (!isWarmState(state)) return this.fresh.get(attempt, state);
    const { dir, ownerPid, ownerStart } = checkWarmState(state);
    const layout = layoutOf(dir);
    // Liveness first: a worker writes the result before it reports or exits, so a worker seen
    // gone here has left its result (if any) for the reads below.
    const worker = readWorkerRecord(layout);
    const running = worker !== undefined && isWorkerRunning(worker);
    const recorded = await recordedStatus(layout, attempt.template);
    if (recorded) return recorded;
    if (worker) {
      // A worker of this pool that is gone, but whose exit this pool has not recorded yet: it will be.
      if (running || this.running.has(dir) || this.recording.has(dir)) return { phase: TaskExecutionPhase.RUNNING, logs: logsOf(layout) };
      return lostStatus(layout, "WorkerLost", `the warm worker process ${worker.pid} ended without writing a result`);
    }
    if (this.queued.has(dir) || this.recording.has(dir) || isProcessRunning(ownerPid, ownerStart)) return { phase: TaskExecutionPhase.QUEUED, logs: logsOf(layout), message: "waiting for a warm worker" };
    return lostStatus(layout, "WorkerLost", `the worker pool (process ${ownerPid}) that queued the attempt is gone`);
  }

  /**
   * Resolves when a worker takes the attempt and when it finishes, at once when it has finished,
   * or soon after `signal` aborts; never rejects. An attempt another process (or an earlier
   * instance) queued is watched by polling its directory, every 50 ms at first, backing off to
   * 500 ms.
   */
  wait(attempt: TaskAttempt, state: WorkerPoolState | FreshProcessState, signal: AbortSignal): Promise<void> {
    if (!isWarmState(state)) return this.fresh.wait(attempt, state, signal);
    return withoutRejecting(async () => {
      const checked = checkWarmState(state);
      const layout = layoutOf(checked.dir);
      if (isRecordedDone(layout)) return;
      if (this.queued.has(checked.dir) || this.running.has(checked.dir) || this.recording.has(checked.dir)) {
        await untilSettledOrAborted(this.changeOf(checked.dir), signal);
        return;
      }
      const before = this.observe(layout, checked);
      if (before === "finished") return;
      await pollUntil(() => this.observe(layout, checked) !== before, signal);
    }, signal);
  }

  /**
   * Stops the attempt: a queued one leaves the queue, a running one stops with its worker
   * (SIGTERM, so the task's signal aborts, then SIGKILL after `killGraceMs`). A finished or already
   * stopped attempt is left as it is; the attempt directory stays.
   */
  async delete(attempt: TaskAttempt, state: WorkerPoolState | FreshProcessState): Promise<void> {
    if (!isWarmState(state)) return this.fresh.delete(attempt, state);
    const { dir } = checkWarmState(state);
    const layout = layoutOf(dir);
    if (isRecordedDone(layout)) return;
    // A worker that is already gone was not stopped by this delete: the attempt stays lost (or
    // gets the result this pool is recording), as a vanished fresh process does.
    const gone = readWorkerRecord(layout);
    if (gone && !isWorkerRunning(gone)) return;
    // Written first: a pool (this or another process's) that has not handed the attempt to a
    // worker yet skips it from now on.
    await writeFile(layout.abortedFile, new Date().toISOString());
    const group = this.queued.get(dir);
    if (group) {
      const at = group.queue.findIndex((job) => job.dir === dir);
      if (at >= 0) group.queue.splice(at, 1);
      this.queued.delete(dir);
      this.notify(dir);
      return;
    }
    const record = readWorkerRecord(layout);
    const local = this.running.get(dir);
    // The worker has moved on to another attempt, or left a result: this one is over.
    if (!record || hasResult(layout) || (local !== undefined && local.job?.dir !== dir) || !isWorkerRunning(record)) {
      this.notify(dir);
      return;
    }
    signalGroup(record.pid, "SIGTERM");
    if (await waitForExit(record.pid, record.workerId, this.options.killGraceMs ?? 5000)) return;
    signalGroup(record.pid, "SIGKILL");
    await waitForExit(record.pid, record.workerId, 10_000);
  }

  /**
   * Stops taking attempts: queued ones fail (retryable, `WorkerLost`), idle workers exit (this
   * resolves once they have) and busy ones exit after their attempt, whose result stays readable.
   */
  async close(): Promise<void> {
    this.closed = true;
    const failing: Promise<void>[] = [];
    const exits: Promise<void>[] = [];
    for (const group of this.groups.values()) {
      for (const job of group.queue.splice(0)) {
        this.queued.delete(job.dir);
        failing.push(this.failLost(job, "the worker pool closed before the attempt started"));
      }
      for (const worker of group.workers) {
        if (worker.phase !== "busy") exits.push(worker.exit);
        this.clearIdle(worker);
        worker.retire();
      }
    }
    await Promise.all([...failing, ...exits]);
  }

  private async createOnce(attempt: TaskAttempt, layout: AttemptLayout): Promise<WorkerPoolState | FreshProcessState> {
    const existing = await readStateFile(layout.stateFile);
    if (existing !== undefined) return isWarmState(existing) ? checkWarmState(existing) : checkState(existing as FreshProcessState);
    let code;
    try {
      code = codeLocation(attempt.template);
    } catch (error) {
      return this.failPermanently(layout, error);
    }
    if (!code) return this.fresh.create(attempt);
    if (this.closed) throw new Error("the worker pool is closed");
    let codeDir: string;
    try {
      codeDir = await this.bundles.directoryFor(code.bundle);
    } catch (error) {
      return this.failPermanently(layout, error);
    }
    await mkdir(layout.outputDir, { recursive: true });
    await writeFile(layout.inputsFile, toBinary(LiteralMapSchema, attempt.inputs));
    await appendFile(layout.stdoutFile, "");
    await appendFile(layout.stderrFile, "");
    const state = this.stateFor(layout);
    writeFileWhole(layout.stateFile, JSON.stringify(state));
    const node = attempt.id.nodeExecutionId;
    const job: RunMessage = {
      type: "run",
      dir: layout.dir,
      module: code.module,
      task: attempt.template.id?.name ?? "",
      inputsFile: layout.inputsFile,
      outputDir: layout.outputDir,
      stdoutFile: layout.stdoutFile,
      stderrFile: layout.stderrFile,
      executionName: node?.executionId?.name ?? "",
      nodePath: node?.nodeId ?? "",
      attempt: attempt.id.retryAttempt,
      checkpointDir: join(this.options.workDir, "checkpoints", checkpointKey(attempt)),
    };
    this.enqueue(codeDir, taskEnv(attempt), job);
    return state;
  }

  private stateFor(layout: AttemptLayout): WorkerPoolState {
    return { workers: "warm", dir: layout.dir, startedAt: new Date().toISOString(), ownerPid: this.owner.pid, ownerStart: this.owner.start };
  }

  // Code that can never run: the failure is the attempt's result, as in ProcessPlugin.
  private async failPermanently(layout: AttemptLayout, error: unknown): Promise<WorkerPoolState> {
    if (!(error instanceof BadBundleError)) throw error;
    await mkdir(layout.outputDir, { recursive: true });
    await writeErrorResult(layout.outputDir, systemError(error.name, error.message), false);
    const state = this.stateFor(layout);
    writeFileWhole(layout.stateFile, JSON.stringify(state));
    return state;
  }

  // Workers are kept per bundle and environment: a process's environment is fixed when it starts.
  private enqueue(codeDir: string, env: Record<string, string>, job: RunMessage): void {
    if (this.closed) {
      void this.failLost(job, "the worker pool closed before the attempt started");
      return;
    }
    const key = JSON.stringify([codeDir, Object.entries(env).sort(([a], [b]) => (a < b ? -1 : 1))]);
    let group = this.groups.get(key);
    if (!group) {
      group = { key, codeDir, env: { ...(this.options.env ?? process.env), ...env }, queue: [], workers: new Set() };
      this.groups.set(key, group);
    }
    group.queue.push(job);
    this.queued.set(job.dir, group);
    this.dispatch(group);
  }

  // Hands queued attempts to idle workers, starting workers (up to the limit) for the rest.
  private dispatch(group: Group): void {
    for (;;) {
      const next = group.queue[0];
      if (next === undefined || this.closed) return;
      const idle = [...group.workers].find((worker) => worker.phase === "idle");
      if (idle) {
        group.queue.shift();
        this.queued.delete(next.dir);
        this.start(idle, next);
        continue;
      }
      const workers = [...group.workers];
      const live = workers.filter((worker) => worker.phase !== "leaving" && worker.phase !== "gone").length;
      const starting = workers.filter((worker) => worker.phase === "starting").length;
      if (live >= this.workersPerBundle || starting >= group.queue.length) return;
      try {
        this.spawn(group);
      } catch (error) {
        group.queue.shift();
        this.queued.delete(next.dir);
        void this.failLost(next, `no warm worker could be started: ${(error as Error).message}`);
      }
    }
  }

  private spawn(group: Group): void {
    const logDir = join(this.options.workDir, "workers");
    mkdirSync(logDir, { recursive: true });
    const worker = new WarmWorker(
      { codeDir: group.codeDir, env: group.env, cwd: group.codeDir, logDir },
      {
        finished: (_worker, job) => {
          this.running.delete(job.dir);
          this.notify(job.dir);
        },
        idle: (idle) => {
          if (this.closed) idle.retire();
          else this.dispatch(group);
          if (idle.phase === "idle") this.armIdle(idle);
        },
        exited: (gone, job, how, started) => {
          this.onExit(group, gone, job, how, started);
        },
      },
    );
    group.workers.add(worker);
  }

  private start(worker: WarmWorker, job: RunMessage): void {
    const layout = layoutOf(job.dir);
    // Stopped while it waited (delete, possibly from another process): it never runs.
    if (isRecordedDone(layout)) {
      this.notify(job.dir);
      return;
    }
    this.clearIdle(worker);
    const record: WorkerRecord = { pid: worker.pid, workerId: worker.id };
    writeFileWhole(layout.workerFile, JSON.stringify(record));
    this.running.set(job.dir, worker);
    worker.run(job);
    this.notify(job.dir);
  }

  private onExit(group: Group, worker: WarmWorker, job: RunMessage | undefined, how: string, started: boolean): void {
    this.clearIdle(worker);
    group.workers.delete(worker);
    if (job) {
      this.running.delete(job.dir);
      void this.failLost(job, `the warm worker process ${worker.pid} ended (${how}) while running the attempt`);
    } else if (!started && group.queue.length > 0) {
      // A worker that cannot start would be started again and again: each failed start costs the
      // first queued attempt instead (retryable), with the worker's own output as the reason.
      const first = group.queue.shift();
      if (first) {
        this.queued.delete(first.dir);
        void this.failStart(first, worker, how);
      }
    }
    if (how === "exit code 0") void rm(worker.logFile, { force: true });
    if (!this.closed) this.dispatch(group);
    if (group.workers.size === 0 && group.queue.length === 0) this.groups.delete(group.key);
  }

  private failStart(job: RunMessage, worker: WarmWorker, how: string): Promise<void> {
    const why = readFile(worker.logFile, "utf8")
      .catch(() => "")
      .then((log) => {
        const output = log.slice(-2000).trimEnd();
        return `a warm worker (process ${worker.pid}) ended (${how}) before it could take attempts${output ? `; its output:\n${output}` : ""}`;
      });
    return this.failLost(job, why);
  }

  /**
   * Records a retryable WorkerLost result unless the attempt has one (or was stopped), then wakes
   * its waiters. Until then the attempt counts as this pool's (see `recording`).
   */
  private failLost(job: RunMessage, what: string | Promise<string>): Promise<void> {
    const layout = layoutOf(job.dir);
    const record = async () => {
      try {
        const reason = await what;
        if (!isRecordedDone(layout)) await writeErrorResult(layout.outputDir, await lostError(layout, "WorkerLost", reason), true);
      } catch {
        // The directory is gone or unwritable: `get` still reports the attempt lost from its files.
      }
    };
    const recorded = record().finally(() => {
      this.recording.delete(job.dir);
      this.notify(job.dir);
    });
    this.recording.set(job.dir, recorded);
    return recorded;
  }

  private armIdle(worker: WarmWorker): void {
    this.clearIdle(worker);
    const timer = setTimeout(() => {
      this.idleTimers.delete(worker);
      if (worker.phase === "idle") worker.retire();
    }, this.idleTimeoutMs);
    timer.unref();
    this.idleTimers.set(worker, timer);
  }

  private clearIdle(worker: WarmWorker): void {
    clearTimeout(this.idleTimers.get(worker));
    this.idleTimers.delete(worker);
  }

  // What the attempt's files and this process say about it, without reading results.
  private observe(layout: AttemptLayout, state: WorkerPoolState): "queued" | "running" | "finished" {
    if (isRecordedDone(layout)) return "finished";
    const worker = readWorkerRecord(layout);
    if (worker) return isWorkerRunning(worker) ? "running" : "finished";
    return this.queued.has(state.dir) || isProcessRunning(state.ownerPid, state.ownerStart) ? "queued" : "finished";
  }

  private changeOf(dir: string): Promise<void> {
    let change = this.changes.get(dir);
    if (!change) {
      change = deferred();
      this.changes.set(dir, change);
    }
    return change.promise;
  }

  private notify(dir: string): void {
    this.changes.get(dir)?.resolve();
    this.changes.delete(dir);
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

function isWorkerRunning(record: WorkerRecord): boolean {
  return isAttemptRunning(record.pid, record.workerId);
}
