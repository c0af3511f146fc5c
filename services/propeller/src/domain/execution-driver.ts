import { setMaxListeners } from "node:events";
import { toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, type Client } from "@connectrpc/connect";
import {
  createEngine,
  decodeStateParts,
  encodeStateDelta,
  isTerminalNodePhase,
  isTerminalWorkflowPhase,
  type Decision,
  type EngineEvent,
  type EngineRecord,
  type ExecutionState,
  type WorkflowEngine,
} from "@skein/engine";
import { ResourceType, WorkflowExecutionPhase, type WorkflowExecutionIdentifier } from "@skein/idl";
import { EventSchema, type AdminService, type Event } from "@skein/idl/admin/v1";
import type { Logger } from "@skein/server";
import type { CatalogCache } from "../cache/catalog-cache.js";
import { LeaseLostError, type ClaimedExecution, type ExecutionStore, type Lease } from "../repositories/execution-store.js";
import { quotaToken, sleep, type AttemptRunner } from "./attempt-runner.js";
import { eventsOfRecords, taskEvent, type NodeFacts, type Producer, type TaskReport } from "./events.js";
import { loadExecution, recoveredOutputs, recoverySource } from "./execution-source.js";
import { nodeIdOf } from "./node-ids.js";
import { answeredKeys, decodeWork, encodeWork, isWork, workKey, type Work } from "./work.js";

export interface DriverDeps {
  readonly cluster: string;
  readonly store: ExecutionStore;
  readonly admin: Client<typeof AdminService>;
  readonly attempts: AttemptRunner;
  readonly cache?: CatalogCache;
  readonly logger: Logger;
  readonly wakeOutbox: () => void;
  /** How often a waiting gate or child execution is checked, in ms. */
  readonly pollMs: number;
  /** Events handled per step at most (one transaction each). */
  readonly maxBatch: number;
  /** Items of a map without a parallelism of its own started at once; 0 = all. */
  readonly defaultArrayParallelism: number;
}

/** How a driver stopped. */
export type DriverEnd = "finished" | "lost" | "stopped";

interface Queued {
  readonly event: EngineEvent;
  /** The task events that report the attempt this event answers. */
  readonly reports?: readonly TaskReport[];
}

type Running = { readonly controller: AbortController; pluginState?: unknown; readonly work: Work };

/**
 * Drives one claimed execution: reads its closure and inputs from admin, resumes the engine from
 * its rows, and loops: handle every queued event, write the step (state delta, open work, events)
 * in one fenced transaction, then carry out the new work. Nothing starts before the state that
 * asked for it is stored, so after a crash the stored work is exactly what was in flight.
 */
export class ExecutionDriver {
  readonly lease: Lease;
  private readonly id: WorkflowExecutionIdentifier;
  private readonly producer: Producer;
  private readonly queue: Queued[] = [];
  private wake: (() => void) | undefined;
  private readonly open = new Map<string, Work>();
  private readonly running = new Map<string, Running>();
  private readonly reservations = new Map<string, () => Promise<void>>();
  private readonly stop = new AbortController();
  private stopMode: "shutdown" | "revoke" = "shutdown";
  private terminateRequested = false;
  private overwriteCache = false;

  constructor(
    private readonly deps: DriverDeps,
    private readonly claimed: ClaimedExecution,
  ) {
    this.lease = claimed.lease;
    // Every running attempt or wait listens on the stop signal; their number has no fixed bound.
    setMaxListeners(0, this.stop.signal);
    const { project, domain, name } = claimed.lease.key;
    this.id = { $typeName: "skein.core.v1.WorkflowExecutionIdentifier", project, domain, name };
    this.producer = { executionId: this.id, cluster: deps.cluster, epoch: claimed.epoch };
  }

  /** Asks the execution to abort (the router relayed a termination). */
  terminate(cause: string): void {
    if (this.terminateRequested) return;
    this.terminateRequested = true;
    this.push({ event: { type: "abort", reason: cause } });
  }

  /** Stops driving without aborting (`shutdown`, lease lost) or cancelling local work (`revoke`). */
  halt(mode: "shutdown" | "revoke"): void {
    this.stopMode = mode;
    this.stop.abort(new Error(`driver ${mode}`));
    this.wake?.();
  }

  private push(item: Queued): void {
    this.queue.push(item);
    this.wake?.();
  }

  async run(): Promise<DriverEnd> {
    const log = this.deps.logger;
    log.debug("driving execution", { execution: this.id.name, epoch: this.claimed.epoch.toString(), resumed: this.claimed.header !== null });
    try {
      const source = await retrying(() => loadExecution(this.deps.admin, this.id), this.stop.signal);
      const from = recoverySource(this.id, source.spec, this.claimed.epoch);
      const recovered = from === undefined ? undefined : await retrying(() => recoveredOutputs(this.deps.admin, from), this.stop.signal);
      if (recovered !== undefined) log.info("resuming from finished nodes", { execution: this.id.name, from: from?.name, nodes: recovered.size });
      this.overwriteCache = source.spec.overwriteCache;
      const engine = createEngine(source.closure, {
        maxParallelism: source.spec.maxParallelism,
        defaultArrayParallelism: this.deps.defaultArrayParallelism,
        overwriteCache: source.spec.overwriteCache,
        executionName: this.id.name,
        ...(recovered !== undefined ? { recovered } : {}),
      });
      let state: ExecutionState;
      let persisted: ExecutionState | undefined;
      if (this.claimed.header === null) {
        state = engine.initialState();
        this.queue.unshift({ event: { type: "start", inputs: source.inputs } });
      } else {
        const rows = await this.deps.store.load(this.lease.key);
        state = decodeStateParts(this.claimed.header, rows.nodes, rows.nodeData, rows.executionData ?? undefined);
        persisted = state;
        for (const row of rows.work) {
          const work = decodeWork(row.key, row.decision);
          this.open.set(row.key, work);
          this.carryOut(row.key, work, row.pluginState === null ? undefined : JSON.parse(row.pluginState));
        }
        log.info("resumed execution", { execution: this.id.name, nodes: rows.nodes.length, work: rows.work.length });
      }
      if (this.claimed.terminateCause !== null) this.terminate(this.claimed.terminateCause);
      return await this.loop(engine, state, persisted);
    } catch (error) {
      if (error instanceof LeaseLostError) {
        log.warn("lease lost; another replica drives the execution now", { execution: this.id.name });
        return "lost";
      }
      if (this.stop.signal.aborted) return "stopped";
      throw error;
    } finally {
      this.cleanUp();
    }
  }

  /**
   * Handles queued engine events in steps and writes each step in one transaction. Steps are
   * pipelined one deep: while a step is being written, the next is handled in memory, and written
   * once the first has landed (steps land in order; each step's delta is taken against the one
   * before it). Nothing leaves the process before its step has landed: work with effects starts,
   * aborts are carried out and the outbox is woken only after that step's write.
   */
  private async loop(engine: WorkflowEngine, start: ExecutionState, persistedAtStart: ExecutionState | undefined): Promise<DriverEnd> {
    let state = start;
    let persisted = persistedAtStart;
    /** The state the next step's delta is taken against: the last step's, written or being written. */
    let base = persistedAtStart;
    /** The step being written, with what to do once it has landed (true: the execution is finished). */
    let writing: { readonly landed: Promise<void>; readonly after: () => boolean } | undefined;
    const land = async (): Promise<boolean> => {
      if (writing === undefined) return false;
      const { landed, after } = writing;
      writing = undefined;
      await landed;
      return after();
    };
    const facts: NodeFacts = {
      nodeKind: (s, path) => engine.nodeKind(s, path),
      generatedWorkflow: (s, path) => engine.generatedWorkflow(s, path),
      unreported: (node, problem) => { this.deps.logger.warn("the workflow a dynamic node generated is not reported", { execution: this.id.name, node, problem }); },
    };
    while (!this.stop.signal.aborted) {
      if (this.queue.length === 0) {
        if (writing !== undefined) {
          if (await land()) return "finished";
          continue;
        }
        if (persisted !== undefined && isTerminalWorkflowPhase(persisted.phase)) return "finished";
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      const batch = this.queue.splice(0, this.deps.maxBatch);
      const events: Event[] = [];
      const dirty = new Set<string>();
      const started: string[] = [];
      const aborts: Decision[] = [];
      const puts: Extract<Decision, { type: "putCache" }>[] = [];
      const records: EngineRecord[] = [];
      const now = Date.now();
      for (const item of batch) {
        for (const key of answeredKeys(item.event, (signalId) => this.signalWaiters(signalId))) {
          this.open.delete(key);
          dirty.add(key);
        }
        const step = engine.handle(state, item.event, now);
        if (step.state === state && step.decisions.length === 0 && step.records.length === 0) continue;
        const before = state;
        state = step.state;
        for (const report of item.reports ?? []) events.push(taskEvent(this.producer, report));
        events.push(...eventsOfRecords(this.producer, step.records, before, state, now, facts));
        records.push(...step.records);
        for (const decision of step.decisions) {
          if (isWork(decision)) {
            const key = workKey(decision);
            this.open.set(key, decision);
            dirty.add(key);
            started.push(key);
          } else if (decision.type === "putCache") {
            puts.push(decision);
          } else {
            const key = decision.type === "abortAttempt" ? `attempt:${decision.node}#${decision.attempt}` : `child:${decision.node}`;
            this.open.delete(key);
            dirty.add(key);
            aborts.push(decision);
          }
        }
      }
      // Cache writes land before the step that reports the node finished, so a run that starts
      // after this one ends finds them. A failed write only loses a future hit.
      for (const put of puts) await this.putCache(put);
      for (const record of records) {
        if (record.type === "node" && isTerminalNodePhase(record.phase)) await this.releaseReservation(record.node);
      }
      const done = isTerminalWorkflowPhase(state.phase);
      // Work that only reads (a cache lookup, a timer, a wait for a signal) starts while its step
      // is written: its answer changes nothing outside this process before the step has landed,
      // and after a crash the step is simply taken again. Work with effects elsewhere starts only
      // once its step is stored.
      if (!done) for (const key of started) this.startIfReadOnly(key);
      const delta = encodeStateDelta(base, state);
      const step = {
        header: delta.header,
        ...(delta.executionData !== undefined ? { executionData: delta.executionData } : {}),
        nodes: delta.nodes,
        nodeData: delta.data,
        removedNodes: delta.removed,
        addWork: [...dirty].flatMap((key) => {
          const work = this.open.get(key);
          return work === undefined ? [] : [{ key, decision: encodeWork(work) }];
        }),
        removeWork: [...dirty].filter((key) => !this.open.has(key)),
        events: events.map((e) => toBinary(EventSchema, e)),
        done,
      };
      // The step before this one lands first.
      if (await land()) return "finished";
      const landed = this.deps.store.commitStep(this.lease, step);
      // Awaited by land(); this keeps a failed write from counting as unhandled meanwhile.
      landed.catch(() => undefined);
      const written = state;
      base = written;
      writing = {
        landed,
        after: () => {
          persisted = written;
          this.deps.wakeOutbox();
          for (const decision of aborts) this.abort(decision);
          if (done) return true;
          for (const key of started) {
            const work = this.open.get(key);
            if (work !== undefined && !this.running.has(key)) this.carryOut(key, work, undefined);
          }
          return false;
        },
      };
    }
    // Stopping: the step being written still lands (or fails) before the driver ends.
    if (writing !== undefined && (await land())) return "finished";
    return "stopped";
  }

  private startIfReadOnly(key: string): void {
    const work = this.open.get(key);
    if (work === undefined || this.running.has(key)) return;
    const readOnly = (work.type === "lookupCache" && work.task.metadata?.cacheSerializable !== true) || work.type === "setTimer" || work.type === "waitSignal";
    if (readOnly) this.carryOut(key, work, undefined);
  }

  private signalWaiters(signalId: string): string[] {
    const keys: string[] = [];
    for (const [key, work] of this.open) if (work.type === "waitSignal" && work.signalId === signalId) keys.push(key);
    return keys;
  }

  /** Starts a piece of work in the background; its answer is queued as an event. */
  private carryOut(key: string, work: Work, pluginState: unknown): void {
    const controller = new AbortController();
    const onStop = () => { controller.abort(this.stop.signal.reason); };
    this.stop.signal.addEventListener("abort", onStop, { once: true });
    const entry: Running = { controller, work };
    this.running.set(key, entry);
    this.perform(key, work, pluginState, entry)
      .then((item) => {
        if (item !== undefined && !controller.signal.aborted) this.push(item);
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        if (error instanceof LeaseLostError) {
          this.halt("shutdown");
          return;
        }
        // A failure of propeller's own machinery (not of a task): the execution cannot go on.
        this.deps.logger.error("work failed", { execution: this.id.name, work: key, error });
        this.push({ event: { type: "abort", reason: `propeller could not carry out ${key}: ${(error as Error).message}` } });
      })
      .finally(() => {
        this.stop.signal.removeEventListener("abort", onStop);
        if (this.running.get(key) === entry) this.running.delete(key);
      });
  }

  private async perform(key: string, work: Work, pluginState: unknown, entry: Running): Promise<Queued | undefined> {
    const signal = entry.controller.signal;
    switch (work.type) {
      case "startAttempt": {
        const outcome = await this.deps.attempts.run({
          lease: this.lease,
          producer: this.producer,
          key,
          work,
          stored: pluginState,
          signal,
          onState: (state) => { entry.pluginState = state; },
        });
        return outcome;
      }
      case "lookupCache":
        return { event: await this.lookupCache(work, signal) };
      case "setTimer":
        await sleep(Math.max(0, work.at - Date.now()), signal);
        return { event: { type: "timerFired", timer: work.timer } };
      case "waitSignal":
        return { event: await this.waitSignal(work, signal) };
      case "startChild":
        return { event: await this.runChild(work, signal) };
    }
  }

  private async lookupCache(work: Extract<Work, { type: "lookupCache" }>, signal: AbortSignal): Promise<EngineEvent> {
    const cache = this.deps.cache;
    const miss: EngineEvent = { type: "cacheResult", node: work.node };
    if (cache === undefined) return miss;
    try {
      if (work.task.metadata?.cacheSerializable === true) {
        const reserved = await cache.reserve(work.task, work.inputs, work.cacheVersion, signal);
        if (reserved.kind === "hit") return { type: "cacheResult", node: work.node, outputs: reserved.outputs };
        this.reservations.set(work.node, () => reserved.release());
        return miss;
      }
      const outputs = await cache.lookup(work.task, work.inputs, work.cacheVersion);
      return outputs === undefined ? miss : { type: "cacheResult", node: work.node, outputs };
    } catch (error) {
      if (signal.aborted) throw error;
      this.deps.logger.warn("cache lookup failed; the task runs", { execution: this.id.name, node: work.node, error });
      return { type: "cacheResult", node: work.node, failed: true };
    }
  }

  private async putCache(put: Extract<Decision, { type: "putCache" }>): Promise<void> {
    const cache = this.deps.cache;
    if (cache === undefined) return;
    try {
      await cache.put(put.task, put.inputs, put.cacheVersion, put.outputs, { executionId: this.id, node: nodeIdOf(put.node), attempt: put.attempt, cluster: this.deps.cluster }, { overwrite: this.overwriteCache });
    } catch (error) {
      this.deps.logger.warn("cache write failed", { execution: this.id.name, node: put.node, error });
    }
    await this.releaseReservation(put.node);
  }

  private async releaseReservation(node: string): Promise<void> {
    const release = this.reservations.get(node);
    if (release === undefined) return;
    this.reservations.delete(node);
    await release().catch((error: unknown) => { this.deps.logger.warn("reservation release failed", { node, error }); });
  }

  private async waitSignal(work: Extract<Work, { type: "waitSignal" }>, signal: AbortSignal): Promise<EngineEvent> {
    const id = { signalId: work.signalId, executionId: this.id };
    for (;;) {
      const response = await retrying(() => this.deps.admin.getOrCreateSignal({ id, type: work.valueType }), signal);
      const value = response.signal?.value;
      if (value !== undefined) return { type: "signal", signalId: work.signalId, value };
      await sleep(this.deps.pollMs, signal);
    }
  }

  private async runChild(work: Extract<Work, { type: "startChild" }>, signal: AbortSignal): Promise<EngineEvent> {
    const id = { project: this.id.project, domain: this.id.domain, name: work.name };
    await retrying(
      () =>
        this.deps.admin.createExecution({
          project: id.project,
          domain: id.domain,
          name: id.name,
          target: { case: "launchPlanId", value: { ...work.launchPlan, resourceType: ResourceType.LAUNCH_PLAN } },
          inputs: work.inputs,
          parentNodeExecution: { nodeId: nodeIdOf(work.node), executionId: this.id },
        }),
      signal,
    );
    for (;;) {
      const { execution } = await retrying(() => this.deps.admin.getExecution({ id }), signal);
      const phase = execution?.closure?.phase ?? WorkflowExecutionPhase.UNSPECIFIED;
      if (isTerminalWorkflowPhase(phase)) {
        const result = execution?.closure?.result;
        const outputs = phase === WorkflowExecutionPhase.SUCCEEDED ? (await retrying(() => this.deps.admin.getExecutionData({ id }), signal)).outputs : undefined;
        return { type: "childFinished", node: work.node, phase, ...(outputs !== undefined ? { outputs } : {}), ...(result?.case === "error" ? { error: result.value } : {}) };
      }
      await sleep(this.deps.pollMs, signal);
    }
  }

  /** Stops a running attempt or child execution the engine no longer wants. */
  private abort(decision: Decision): void {
    if (decision.type === "abortAttempt") {
      const key = `attempt:${decision.node}#${decision.attempt}`;
      const entry = this.running.get(key);
      entry?.controller.abort(new Error(decision.reason));
      if (entry?.work.type === "startAttempt" && entry.pluginState !== undefined) void this.deletePluginResource(entry.work, entry.pluginState);
      return;
    }
    if (decision.type === "abortChild") {
      this.running.get(`child:${decision.node}`)?.controller.abort(new Error(decision.reason));
      const id = { project: this.id.project, domain: this.id.domain, name: decision.name };
      this.deps.admin.terminateExecution({ id, cause: decision.reason }).catch((error: unknown) => {
        if (!(error instanceof ConnectError && (error.code === Code.FailedPrecondition || error.code === Code.NotFound))) {
          this.deps.logger.warn("could not terminate a child execution", { child: decision.name, error });
        }
      });
    }
  }

  private async deletePluginResource(work: Extract<Work, { type: "startAttempt" }>, pluginState: unknown): Promise<void> {
    try {
      const { plugin } = await this.deps.attempts.pluginFor(work.task.type);
      const attempt = this.deps.attempts.attemptOf(this.id, work, new AbortController().signal);
      await plugin.delete(attempt, pluginState);
      const quota = plugin.resourceQuota?.(attempt);
      if (quota !== undefined) await this.deps.attempts.releaseQuota(quota, quotaToken(attempt));
    } catch (error) {
      this.deps.logger.warn("could not stop an attempt", { execution: this.id.name, node: work.node, error });
    }
  }

  private cleanUp(): void {
    for (const [, entry] of this.running) {
      entry.controller.abort(new Error("execution is no longer driven here"));
      if (this.stopMode === "revoke" && entry.work.type === "startAttempt" && entry.pluginState !== undefined) {
        void this.deletePluginResource(entry.work, entry.pluginState);
      }
    }
    this.running.clear();
    for (const node of [...this.reservations.keys()]) void this.releaseReservation(node);
  }
}

/** Retries calls that failed for reasons that pass (admin restarting, a dropped connection). */
export async function retrying<T>(call: () => Promise<T>, signal: AbortSignal): Promise<T> {
  let delay = 100;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const code = error instanceof ConnectError ? error.code : Code.Unknown;
      const transient = error instanceof ConnectError && (code === Code.Unavailable || code === Code.DeadlineExceeded || code === Code.ResourceExhausted || code === Code.Aborted || code === Code.Unknown);
      if (!transient || signal.aborted) throw error;
      await sleep(delay, signal);
      delay = Math.min(delay * 2, 5000);
    }
  }
}
