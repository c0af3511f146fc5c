import { toJson, type JsonValue } from "@bufbuild/protobuf";
import {
  LiteralMapSchema,
  type DynamicJobSpec,
  type ExecutionError,
  type Literal,
  type LiteralMap,
  type TaskTemplate,
  type WorkflowExecutionPhase,
} from "@skein/idl";
import { isTerminalWorkflowPhase } from "../phases.js";
import { assertNever } from "../assert-never.js";
import type { Decision, EngineEvent, EngineRecord, ExecutionState, NodePath, WorkflowEngine } from "./api.js";
import { decodeState, encodeState } from "./codec.js";
import { EventQueue } from "./test-event-queue.js";

// A small in-memory driver: runs an engine to completion with task implementations keyed by task
// name, an in-memory cache, scripted signals and child executions, and a fake clock that delivers
// events in time order. With `random`, events due at the same time arrive in a random order.

/** What a task implementation sees. */
export interface AttemptContext {
  readonly node: NodePath;
  readonly attempt: number;
  readonly task: TaskTemplate;
  readonly inputs: LiteralMap;
  readonly now: number;
}

/** How an attempt ends (after `durationMs`, default 1); `hang` never ends by itself. */
export type AttemptOutcome =
  | { readonly kind: "succeed"; readonly outputs?: LiteralMap; readonly durationMs?: number }
  | { readonly kind: "dynamic"; readonly spec: DynamicJobSpec; readonly durationMs?: number }
  | { readonly kind: "fail"; readonly error: ExecutionError; readonly recoverable?: boolean; readonly durationMs?: number }
  | { readonly kind: "hang" };

export type TaskBehavior = (ctx: AttemptContext) => AttemptOutcome;

/** How a child execution ends. */
export interface ChildOutcome {
  readonly phase: WorkflowExecutionPhase;
  readonly outputs?: LiteralMap;
  readonly error?: ExecutionError;
  readonly durationMs?: number;
}

export interface DriverConfig {
  /** Task implementations by task name (Identifier.name). */
  readonly tasks: Readonly<Record<string, TaskBehavior>>;
  /** The cache, shared across runs if the caller keeps it. */
  readonly cache?: Map<string, LiteralMap>;
  readonly failCacheLookups?: boolean;
  /** Signal values by signal id, delivered `afterMs` after the engine starts waiting. */
  readonly signals?: Readonly<Record<string, { readonly value: Literal; readonly afterMs?: number }>>;
  /** Child executions by launch plan name. */
  readonly children?: Readonly<Record<string, (inputs: LiteralMap) => ChildOutcome>>;
  readonly abortAtMs?: number;
  /** Picks among events due at the same time (returns [0, 1)); FIFO when absent. */
  readonly random?: () => number;
  /** Encode and decode the state after every step (exercises resumption). */
  readonly roundTrip?: boolean;
  readonly startAt?: number;
  readonly maxEvents?: number;
  /** Starts from this state instead of `start` (resuming a persisted execution). */
  readonly resume?: { readonly state: ExecutionState; readonly pending: readonly PendingEvent[] };
  /** Stop (returning `pending`) once this many events were handled. */
  readonly stopAfterEvents?: number;
  /** Sees the state after every handled event (after the round trip, with `roundTrip`). */
  readonly onStep?: (state: ExecutionState) => void;
}

/** An event the driver will deliver. */
export interface PendingEvent {
  readonly at: number;
  readonly event: EngineEvent;
  /** Key under which an abort decision cancels it (`attempt:<node>:<n>`, `child:<node>`). */
  readonly key?: string;
}

export interface DriverRun {
  readonly state: ExecutionState;
  readonly records: EngineRecord[];
  readonly decisions: Decision[];
  readonly events: PendingEvent[];
  /** Attempts started, in order, with the clock at their start. */
  readonly attempts: { readonly node: NodePath; readonly attempt: number; readonly at: number }[];
  readonly aborted: string[];
  /** Events not yet delivered when the run stopped. */
  readonly pending: PendingEvent[];
  readonly now: number;
}

function stable(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stable(value[k] ?? null)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The driver's cache key: task name, cache version and inputs. */
export function cacheKey(task: TaskTemplate, version: string, inputs: LiteralMap): string {
  return `${task.id?.name ?? ""}@${version}:${stable(toJson(LiteralMapSchema, inputs))}`;
}

/** Runs `engine` from `start` with `inputs` until the workflow ends or nothing is left to deliver. */
export function runWorkflow(engine: WorkflowEngine, inputs: LiteralMap, config: DriverConfig): DriverRun {
  const run = {
    records: [] as EngineRecord[],
    decisions: [] as Decision[],
    events: [] as PendingEvent[],
    attempts: [] as DriverRun["attempts"][number][],
    aborted: [] as string[],
  };
  let now = config.startAt ?? 0;
  let state = config.resume?.state ?? engine.initialState();
  const queue = new EventQueue(config.random);
  const cancelled = new Set<string>();
  const timers = new Map<string, number>();
  const signalsSent = new Set<string>();
  const started = new Set<string>();
  const cache = config.cache ?? new Map<string, LiteralMap>();
  if (config.resume) for (const p of config.resume.pending) queue.push(p);
  else queue.push({ at: now, event: { type: "start", inputs } });
  if (config.abortAtMs !== undefined) queue.push({ at: config.abortAtMs, event: { type: "abort", reason: "requested by the test" } });

  const after = (ms: number | undefined): number => now + (ms ?? 1);
  const decide = (d: Decision): void => {
    run.decisions.push(d);
    switch (d.type) {
      case "lookupCache": {
        const outputs = config.failCacheLookups ? undefined : cache.get(cacheKey(d.task, d.cacheVersion, d.inputs));
        queue.push({ at: now, event: { type: "cacheResult", node: d.node, outputs, failed: config.failCacheLookups } });
        return;
      }
      case "startAttempt": {
        const key = `attempt:${d.node}:${d.attempt}`;
        if (started.has(key)) throw new Error(`driver: attempt ${d.attempt} of node "${d.node}" was started twice`);
        started.add(key);
        run.attempts.push({ node: d.node, attempt: d.attempt, at: now });
        const behavior = config.tasks[d.task.id?.name ?? ""];
        if (!behavior) throw new Error(`driver: no implementation for task "${d.task.id?.name ?? ""}"`);
        const outcome = behavior({ node: d.node, attempt: d.attempt, task: d.task, inputs: d.inputs, now });
        const base = { node: d.node, attempt: d.attempt };
        switch (outcome.kind) {
          case "succeed":
            queue.push({ key, at: after(outcome.durationMs), event: { type: "attemptSucceeded", ...base, outputs: outcome.outputs } });
            return;
          case "dynamic":
            queue.push({ key, at: after(outcome.durationMs), event: { type: "attemptSucceeded", ...base, dynamic: outcome.spec } });
            return;
          case "fail": {
            const event: EngineEvent = { type: "attemptFailed", ...base, error: outcome.error, recoverable: outcome.recoverable ?? true };
            queue.push({ key, at: after(outcome.durationMs), event });
            return;
          }
          case "hang":
            return;
          default:
            assertNever(outcome, "attempt outcome");
        }
        return;
      }
      case "abortAttempt":
        cancelled.add(`attempt:${d.node}:${d.attempt}`);
        run.aborted.push(`attempt:${d.node}:${d.attempt}`);
        return;
      case "putCache":
        cache.set(cacheKey(d.task, d.cacheVersion, d.inputs), d.outputs);
        return;
      case "setTimer":
        timers.set(d.timer, Math.max(d.at, now));
        queue.push({ at: Math.max(d.at, now), event: { type: "timerFired", timer: d.timer } });
        return;
      case "waitSignal": {
        const signal = config.signals?.[d.signalId];
        if (!signal || signalsSent.has(d.signalId)) return;
        signalsSent.add(d.signalId);
        queue.push({ at: now + (signal.afterMs ?? 0), event: { type: "signal", signalId: d.signalId, value: signal.value } });
        return;
      }
      case "startChild": {
        const child = config.children?.[d.launchPlan.name];
        if (!child) throw new Error(`driver: no child execution for launch plan "${d.launchPlan.name}"`);
        const outcome = child(d.inputs);
        const event: EngineEvent = { type: "childFinished", node: d.node, phase: outcome.phase, outputs: outcome.outputs, error: outcome.error };
        queue.push({ key: `child:${d.node}`, at: after(outcome.durationMs), event });
        return;
      }
      case "abortChild":
        cancelled.add(`child:${d.node}`);
        run.aborted.push(`child:${d.node}`);
        return;
      default:
        assertNever(d, "decision");
    }
  };

  let handled = 0;
  const max = config.maxEvents ?? 1_000_000;
  for (let next = queue.pop(); next; next = queue.pop()) {
    if (next.key && cancelled.has(next.key)) continue;
    const e = next.event;
    const timerAt = e.type === "timerFired" ? timers.get(e.timer) : undefined;
    if (timerAt !== undefined && timerAt !== next.at) continue; // replaced by a later setTimer
    if (++handled > max) throw new Error(`driver: more than ${max} events; the engine does not converge`);
    now = Math.max(now, next.at);
    run.events.push(next);
    const step = engine.handle(state, e, now);
    state = config.roundTrip ? decodeState(encodeState(step.state)) : step.state;
    config.onStep?.(state);
    run.records.push(...step.records);
    for (const d of step.decisions) decide(d);
    if (config.stopAfterEvents !== undefined && handled >= config.stopAfterEvents) break;
    if (isTerminalWorkflowPhase(state.phase) && queue.size === 0) break;
  }
  return { ...run, state, pending: queue.drain(), now };
}
