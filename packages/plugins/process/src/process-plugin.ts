import type { BackendPlugin, TaskAttempt, TaskStatus } from "@skein/plugin-core";
import { WORKERS_CONFIG_KEY } from "@skein/sdk";
import { FreshProcessPlugin, type FreshProcessState } from "./fresh-process-plugin.js";
import { isWarmState, type WorkerPoolState } from "./pool-state.js";
import { WorkerPoolPlugin, type WorkerPoolOptions } from "./worker-pool.js";

/** The options of both ways to run: those of fresh processes, and the pool's. */
export type ProcessPluginOptions = WorkerPoolOptions;

/** The state of an attempt: a fresh process's (`{ pid, dir, startedAt }`), or a warm worker pool's. */
export type ProcessState = FreshProcessState | WorkerPoolState;

/**
 * The local backend for TypeScript and container tasks. An attempt whose template asks for warm
 * workers (config `skein.workers` = `"warm"`, set by the SDK's `workers: "warm"`) runs in the
 * worker pool, every other one in a fresh process. Which of the two ran an attempt is read back
 * from its state, so get/delete/wait reach the same one after a restart. An unknown
 * `skein.workers` value runs fresh: a fresh process runs any task correctly, only slower.
 */
export class ProcessPlugin implements BackendPlugin<ProcessState> {
  private readonly fresh: FreshProcessPlugin;
  private readonly pool: WorkerPoolPlugin;

  constructor(options: ProcessPluginOptions) {
    this.fresh = new FreshProcessPlugin(options);
    this.pool = new WorkerPoolPlugin(options, this.fresh);
  }

  create(attempt: TaskAttempt): Promise<ProcessState> {
    return attempt.template.config[WORKERS_CONFIG_KEY] === "warm" ? this.pool.create(attempt) : this.fresh.create(attempt);
  }

  get(attempt: TaskAttempt, state: ProcessState): Promise<TaskStatus> {
    return isWarmState(state) ? this.pool.get(attempt, state) : this.fresh.get(attempt, state);
  }

  delete(attempt: TaskAttempt, state: ProcessState): Promise<void> {
    return isWarmState(state) ? this.pool.delete(attempt, state) : this.fresh.delete(attempt, state);
  }

  /** Resolves when a fresh process exits or a warm worker takes or finishes the attempt; see either plugin. */
  wait(attempt: TaskAttempt, state: ProcessState, signal: AbortSignal): Promise<void> {
    return isWarmState(state) ? this.pool.wait(attempt, state, signal) : this.fresh.wait(attempt, state, signal);
  }

  /**
   * Closes the worker pool (see WorkerPoolPlugin.close); fresh processes are not affected. Optional:
   * without it, idle workers exit with this process and busy ones after their attempt.
   */
  close(): Promise<void> {
    return this.pool.close();
  }
}
