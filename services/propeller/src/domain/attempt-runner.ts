import { create, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { EngineEvent } from "@skein/engine";
import { ErrorKind, ExecutionErrorSchema, TaskExecutionIdentifierSchema, TaskExecutionPhase, type WorkflowExecutionIdentifier } from "@skein/idl";
import { EventSchema } from "@skein/idl/admin/v1";
import { ResourceQuotaRequestError, type BackendPlugin, type PluginRegistry, type ResourceQuotaNeed, type ResourceQuotas, type TaskAttempt, type TaskStatus } from "@skein/plugin-core";
import type { Logger } from "@skein/server";
import type { AttemptRecord, Lease, ExecutionStore } from "../repositories/execution-store.js";
import { GroupCommit } from "./group-commit.js";
import { taskEvent, type Producer, type TaskReport } from "./events.js";
import { nodeIdOf } from "./node-ids.js";
import type { Work } from "./work.js";

type StartAttempt = Extract<Work, { type: "startAttempt" }>;

/** One attempt to run: `stored` is the plugin handle recorded before a restart; `onState` publishes the handle (an abort deletes the resource through it). */
interface RunArgs {
  readonly lease: Lease;
  readonly producer: Producer;
  readonly key: string;
  readonly work: StartAttempt;
  readonly stored: unknown;
  readonly signal: AbortSignal;
  readonly onState: (state: unknown) => void;
}

/**
 * The answer to an attempt, with the task events still to report: how it ended, after RUNNING when
 * the attempt ended before RUNNING was recorded.
 */
export interface AttemptOutcome {
  readonly event: EngineEvent;
  readonly reports: readonly TaskReport[];
}

/**
 * How long a new attempt may take to end before its handle and RUNNING event are written. One that
 * ends sooner (a warm worker's short task) is reported RUNNING and ended in the step that handles
 * its end, which saves a write on the way from one task to the next. Nothing is lost if propeller
 * dies meanwhile: create is idempotent, so the attempt is found again, not started again.
 */
const QUICK_END_MS = 5;
const quickEndPassed = new Error(`the attempt did not end within ${QUICK_END_MS} ms`);

/** Bounds how many attempts run at once on this replica (the `workers` setting). */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(size: number) {
    this.free = size;
  }
  async acquire(signal: AbortSignal): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(grant);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
      };
      this.waiting.push(grant);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}

export interface AttemptRunnerOptions {
  readonly plugins: PluginRegistry;
  readonly store: ExecutionStore;
  readonly slots: Slots;
  /** Poll interval of `get` for plugins without a `wait` hook, in ms. */
  readonly pollMs: number;
  readonly wakeOutbox: () => void;
  /** Shared limits plugins ask for (resourceQuota); Redis when configured, else this process's. */
  readonly quotas: ResourceQuotas;
  /** How often an attempt waiting for a quota token asks again, in ms. */
  readonly quotaRetryMs: number;
  /** How often a held quota token is renewed, in ms (well within the token's lease). */
  readonly quotaRenewMs: number;
  readonly logger: Logger;
}

const terminal = new Set([TaskExecutionPhase.SUCCEEDED, TaskExecutionPhase.FAILED, TaskExecutionPhase.RETRYABLE_FAILED, TaskExecutionPhase.ABORTED]);

/**
 * Runs one attempt through its plugin: create (idempotent, so a resumed attempt finds its running
 * resource instead of starting another), record the plugin's handle and a RUNNING task event in
 * one fenced write unless the attempt ends within QUICK_END_MS, then follow `get` until it ends.
 */
export class AttemptRunner {
  /** Attempts of one execution that start together are recorded in one transaction. */
  private readonly recorded: GroupCommit<{ lease: Lease; record: AttemptRecord }>;

  constructor(private readonly options: AttemptRunnerOptions) {
    this.recorded = new GroupCommit((_, items) => {
      const lease = items[0]?.lease;
      return lease === undefined ? Promise.resolve() : options.store.recordAttempts(lease, items.map((i) => i.record));
    });
  }

  attemptOf(executionId: WorkflowExecutionIdentifier, work: StartAttempt, signal: AbortSignal): TaskAttempt {
    const id = create(TaskExecutionIdentifierSchema, {
      taskId: work.task.id,
      nodeExecutionId: { nodeId: nodeIdOf(work.node), executionId },
      retryAttempt: work.attempt,
    });
    return { id, template: work.task, inputs: work.inputs, outputPrefix: "", signal };
  }

  async pluginFor(taskType: string): Promise<{ id: string; plugin: BackendPlugin }> {
    const entry = this.options.plugins.resolve(taskType);
    return { id: entry.id, plugin: await this.options.plugins.pluginFor(taskType) };
  }

  /**
   * Runs the attempt to its end. `stored` is the plugin handle recorded before a restart. The
   * handle is published through `onState` so that an abort can delete the resource.
   */
  async run(args: RunArgs): Promise<AttemptOutcome> {
    const { work, signal } = args;
    const attempt = this.attemptOf(args.producer.executionId, work, signal);
    const { id: pluginId, plugin } = await this.pluginFor(work.task.type);
    const report = (status: TaskStatus, phaseVersion: number): TaskReport => ({
      node: work.node,
      attempt: work.attempt,
      task: work.task.id,
      taskType: work.task.type,
      phase: status.phase,
      phaseVersion,
      at: Date.now(),
      logs: status.logs,
      outputs: status.outputs,
      error: status.error,
      ...(status.message !== undefined ? { reason: status.message } : {}),
      pluginId,
    });
    const quota = plugin.resourceQuota?.(attempt);
    const token = quota === undefined ? "" : quotaToken(attempt);
    if (quota !== undefined) await this.acquireQuota(quota, token, args, report);
    const renewing = quota === undefined ? undefined : this.renewQuota(quota, token, signal);
    let ended = false;
    await this.options.slots.acquire(signal);
    try {
      let state = args.stored;
      if (state === undefined) {
        try {
          state = await plugin.create(attempt);
        } catch (error) {
          if (signal.aborted) throw error;
          // The backend refused or failed to start the attempt: a system failure of this attempt,
          // which the engine retries within its system retry budget, not a failure of propeller.
          ended = true;
          const failed: TaskStatus = {
            phase: TaskExecutionPhase.RETRYABLE_FAILED,
            error: create(ExecutionErrorSchema, { code: "PluginCreateFailed", message: `${pluginId}: create failed: ${(error as Error).message}`, kind: ErrorKind.SYSTEM, timestamp: timestampNow() }),
          };
          return outcomeOf(work, failed, [report(failed, 0)]);
        }
        args.onState(state);
        const running = report({ phase: TaskExecutionPhase.RUNNING }, 0);
        const quick = await this.endedSoon(plugin, attempt, state, signal);
        if (quick !== undefined) {
          ended = true;
          return outcomeOf(work, quick, [running, report(quick, 1)]);
        }
        await this.record(args, JSON.stringify(state), running);
      } else {
        args.onState(state);
      }
      let delay = this.options.pollMs;
      for (;;) {
        const status = await plugin.get(attempt, state);
        if (terminal.has(status.phase)) {
          ended = true;
          return outcomeOf(work, status, [report(status, 1)]);
        }
        if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("aborted");
        if (plugin.wait) await plugin.wait(attempt, state, signal);
        else {
          await sleep(delay, signal);
          delay = Math.min(delay * 2, 1000);
        }
      }
    } finally {
      this.options.slots.release();
      renewing?.stop();
      // A token of an attempt that did not end (this replica stopped, or lost the lease) stays:
      // whoever drives the attempt next renews it, or its lease returns the slot.
      if (quota !== undefined && ended) await this.releaseQuota(quota, token);
    }
  }

  /**
   * Stores the attempt's plugin handle (null keeps the stored one) with a task event, in one fenced
   * write shared with the other attempts of the execution that record at the same moment.
   */
  private async record(args: RunArgs, pluginState: string | null, report: TaskReport): Promise<void> {
    const { key, token } = args.lease;
    const event = toBinary(EventSchema, taskEvent(args.producer, report));
    await this.recorded.add(`${key.cluster}/${key.project}/${key.domain}/${key.name}#${token}`, { lease: args.lease, record: { workKey: args.key, pluginState, events: [event] } });
    this.options.wakeOutbox();
  }

  /** How a new attempt ended, if it does within QUICK_END_MS (and the plugin can say when it changes). */
  private async endedSoon(plugin: BackendPlugin, attempt: TaskAttempt, state: unknown, signal: AbortSignal): Promise<TaskStatus | undefined> {
    const first = await plugin.get(attempt, state);
    if (terminal.has(first.phase)) return first;
    if (plugin.wait === undefined || signal.aborted) return undefined;
    // A plain controller and timer: AbortSignal.timeout and AbortSignal.any cost an exception each.
    const soon = new AbortController();
    const stop = () => { soon.abort(quickEndPassed); };
    const timer = setTimeout(stop, QUICK_END_MS);
    signal.addEventListener("abort", stop, { once: true });
    try {
      await plugin.wait(attempt, state, soon.signal);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", stop);
    }
    const status = await plugin.get(attempt, state);
    return terminal.has(status.phase) ? status : undefined;
  }

  /** Gives an attempt's token back (it ended, or was aborted and deleted). */
  async releaseQuota(quota: ResourceQuotaNeed, token: string): Promise<void> {
    await this.options.quotas.release(quota.namespace, token).catch((error: unknown) => {
      this.options.logger.warn("could not release a quota token; its lease returns the slot", { namespace: quota.namespace, token, error });
    });
  }

  /**
   * Waits until the attempt's token is granted. While it is not (the namespace is full, or the
   * quota store cannot be reached), the attempt is reported WAITING_FOR_RESOURCES, once, and asks
   * again every quotaRetryMs. Holds no worker slot meanwhile.
   */
  private async acquireQuota(quota: ResourceQuotaNeed, token: string, args: RunArgs, report: (status: TaskStatus, phaseVersion: number) => TaskReport): Promise<void> {
    let reported = false;
    for (;;) {
      let why: string;
      try {
        const status = await this.options.quotas.allocate(quota.namespace, token, quota.request);
        if (status === "granted") return;
        why = status === "exhausted" ? `every slot of "${quota.namespace}" is taken` : `the project's share of "${quota.namespace}" is taken`;
      } catch (error) {
        // A malformed need is the plugin's bug, not an outage: the attempt cannot go on.
        if (error instanceof ResourceQuotaRequestError) throw new Error(`plugin asked for a malformed quota: ${error.message}`, { cause: error });
        why = `the quota store cannot be reached (${(error as Error).message})`;
        this.options.logger.warn("quota allocation failed; the attempt waits", { namespace: quota.namespace, token, error });
      }
      if (!reported && args.stored === undefined) {
        reported = true;
        await this.record(args, null, report({ phase: TaskExecutionPhase.WAITING_FOR_RESOURCES, message: why }, 0));
      }
      await sleep(this.options.quotaRetryMs, args.signal);
    }
  }

  /** Allocates the token again every quotaRenewMs while the attempt runs, so its lease stays live. */
  private renewQuota(quota: ResourceQuotaNeed, token: string, signal: AbortSignal): { stop(): void } {
    const timer = setInterval(() => {
      if (signal.aborted) return;
      this.options.quotas.allocate(quota.namespace, token, quota.request).catch((error: unknown) => {
        this.options.logger.warn("could not renew a quota token; trying again", { namespace: quota.namespace, token, error });
      });
    }, this.options.quotaRenewMs);
    timer.unref();
    return { stop: () => { clearInterval(timer); } };
  }
}

/** The token an attempt holds: the same text for the same attempt on every replica. */
export function quotaToken(attempt: TaskAttempt): string {
  const node = attempt.id.nodeExecutionId;
  const execution = node?.executionId;
  return `${execution?.project ?? ""}/${execution?.domain ?? ""}/${execution?.name ?? ""}/${node?.nodeId ?? ""}#${attempt.id.retryAttempt}`;
}

function outcomeOf(work: StartAttempt, status: TaskStatus, reports: readonly TaskReport[]): AttemptOutcome {
  const { node, attempt } = work;
  if (status.phase === TaskExecutionPhase.SUCCEEDED) {
    // A dynamic task's graph: the engine runs its nodes under this one, which ends with their outputs.
    if (status.dynamic !== undefined) return { event: { type: "attemptSucceeded", node, attempt, dynamic: status.dynamic }, reports };
    return { event: { type: "attemptSucceeded", node, attempt, outputs: status.outputs ?? { $typeName: "skein.core.v1.LiteralMap", literals: {} } }, reports };
  }
  const error =
    status.error ??
    create(ExecutionErrorSchema, {
      code: status.phase === TaskExecutionPhase.ABORTED ? "Aborted" : "Failed",
      message: status.message ?? "the attempt ended without an error report",
      kind: ErrorKind.SYSTEM,
      timestamp: timestampNow(),
    });
  const recoverable = status.phase !== TaskExecutionPhase.FAILED;
  return { event: { type: "attemptFailed", node, attempt, error, recoverable }, reports };
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
