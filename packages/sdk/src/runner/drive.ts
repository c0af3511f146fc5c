import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { createEngine, isTerminalWorkflowPhase, type Decision, type EngineEvent, type EngineRecord, type ExecutionOptions, type ExecutionState } from "@skein/engine";
import {
  ErrorKind,
  ExecutionErrorSchema,
  WorkflowExecutionPhase,
  type CompiledWorkflowClosure,
  type DynamicJobSpec,
  type ExecutionError,
  type Identifier,
  type Literal,
  type LiteralMap,
  type LiteralType,
  type TaskTemplate,
} from "@skein/idl";
import { isNonRetryable } from "../task/errors.js";
import type { LocalCache } from "./local-cache.js";

/** What one task attempt produced. */
export type AttemptResult = { readonly outputs: LiteralMap } | { readonly dynamic: DynamicJobSpec };

/** Runs task attempts (in-process functions, local processes...). */
export interface TaskInvoker {
  run(request: {
    readonly task: TaskTemplate;
    readonly inputs: LiteralMap;
    readonly node: string;
    readonly attempt: number;
    readonly executionName: string;
    readonly signal: AbortSignal;
  }): Promise<AttemptResult>;
}

/** Supplies signal values for gates (flags, a prompt on a terminal). */
export interface SignalSource {
  wait(request: { readonly signalId: string; readonly valueType: LiteralType; readonly approval: boolean; readonly signal: AbortSignal }): Promise<Literal>;
}

/** Runs a launch plan as a child execution. */
export interface ChildLauncher {
  run(request: { readonly launchPlan: Identifier; readonly inputs: LiteralMap; readonly name: string; readonly signal: AbortSignal }): Promise<ExecutionResult>;
}

/** How an execution ended. */
export interface ExecutionResult {
  readonly phase: WorkflowExecutionPhase;
  readonly outputs?: LiteralMap;
  readonly error?: ExecutionError;
  readonly state: ExecutionState;
}

export interface DriveOptions {
  readonly closure: CompiledWorkflowClosure;
  readonly inputs: LiteralMap;
  readonly executionName: string;
  readonly engine?: ExecutionOptions;
  readonly invoker: TaskInvoker;
  readonly cache?: LocalCache;
  readonly signals?: SignalSource;
  readonly children?: ChildLauncher;
  /** Sees every node and workflow phase change, in order. */
  readonly onRecord?: (record: EngineRecord) => void;
  /** Aborting it terminates the execution (Ctrl-C). */
  readonly abort?: AbortSignal;
  readonly clock?: () => number;
}

/** Turns anything thrown by a task into an execution error; NonRetryableError is permanent. */
export function errorFromThrown(thrown: unknown, kind: ErrorKind = ErrorKind.USER): { error: ExecutionError; recoverable: boolean } {
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  return {
    error: create(ExecutionErrorSchema, { code: error.name || "Error", message: error.message, kind, stack: error.stack ?? "", timestamp: timestampNow() }),
    recoverable: !isNonRetryable(error),
  };
}

/**
 * Drives the engine to the end of one execution: feeds it events one at a time and carries out its
 * decisions (attempts run concurrently; their results queue up as events). The same loop shape
 * runs on a cluster, where the decisions go to plugins, the datacatalog and admin instead.
 */
export async function driveExecution(options: DriveOptions): Promise<ExecutionResult> {
  const clock = options.clock ?? Date.now;
  const engine = createEngine(options.closure, { ...options.engine, executionName: options.executionName });
  const events: EngineEvent[] = [{ type: "start", inputs: options.inputs }];
  const running = new Map<string, AbortController>();
  const timers = new Map<string, NodeJS.Timeout>();
  const writes = new Set<Promise<void>>();
  let wake: (() => void) | undefined;
  const push = (event: EngineEvent) => {
    events.push(event);
    wake?.();
  };
  const onAbort = () => { push({ type: "abort", reason: "terminated by the user" }); };
  options.abort?.addEventListener("abort", onAbort, { once: true });
  // Aborted before the execution started (Ctrl-C while the code loaded): the event already fired,
  // and nothing may start.
  if (options.abort?.aborted) events.unshift({ type: "abort", reason: "terminated by the user" });

  // A failure of the runner itself (not of a task): the execution is aborted and the error rethrown.
  let fatal: Error | undefined;
  const background = (key: string, work: (signal: AbortSignal) => Promise<EngineEvent | undefined>) => {
    const controller = new AbortController();
    running.set(key, controller);
    work(controller.signal)
      .then((event) => {
        if (event && !controller.signal.aborted) push(event);
      })
      .catch((thrown: unknown) => {
        if (controller.signal.aborted) return;
        fatal ??= thrown instanceof Error ? thrown : new Error(String(thrown));
        push({ type: "abort", reason: fatal.message });
      })
      .finally(() => {
        if (running.get(key) === controller) running.delete(key);
      });
  };

  const carryOut = (decision: Decision) => {
    switch (decision.type) {
      case "lookupCache": {
        const cache = options.cache;
        background(`cache:${decision.node}`, async () => {
          if (!cache) return { type: "cacheResult", node: decision.node };
          try {
            const outputs = await cache.get(decision.task, decision.inputs, decision.cacheVersion);
            return outputs ? { type: "cacheResult", node: decision.node, outputs } : { type: "cacheResult", node: decision.node };
          } catch {
            return { type: "cacheResult", node: decision.node, failed: true };
          }
        });
        return;
      }
      case "startAttempt":
        background(`${decision.node}#${decision.attempt}`, async (signal) => {
          try {
            const result = await options.invoker.run({ ...decision, executionName: options.executionName, signal });
            return "dynamic" in result
              ? { type: "attemptSucceeded", node: decision.node, attempt: decision.attempt, dynamic: result.dynamic }
              : { type: "attemptSucceeded", node: decision.node, attempt: decision.attempt, outputs: result.outputs };
          } catch (thrown) {
            const { error, recoverable } = errorFromThrown(thrown);
            return { type: "attemptFailed", node: decision.node, attempt: decision.attempt, error, recoverable };
          }
        });
        return;
      case "abortAttempt":
        running.get(`${decision.node}#${decision.attempt}`)?.abort(new Error(decision.reason));
        return;
      case "putCache": {
        const cache = options.cache;
        if (!cache) return;
        // A failed write only loses a future hit; it never fails the run. Writes are awaited
        // before the execution returns, so a run that starts right after finds them.
        const write = cache
          .put(decision.task, decision.inputs, decision.cacheVersion, decision.outputs, { execution: options.executionName, node: decision.node, attempt: decision.attempt })
          .catch(() => undefined)
          .finally(() => writes.delete(write));
        writes.add(write);
        return;
      }
      case "setTimer": {
        clearTimeout(timers.get(decision.timer));
        const delay = Math.max(0, decision.at - clock());
        timers.set(decision.timer, setTimeout(() => { push({ type: "timerFired", timer: decision.timer }); }, delay));
        return;
      }
      case "waitSignal": {
        const signals = options.signals;
        background(`signal:${decision.signalId}`, async (signal) => {
          if (!signals) throw new Error(`signal "${decision.signalId}" has no source: pass --signal ${decision.signalId}=VALUE`);
          const value = await signals.wait({ signalId: decision.signalId, valueType: decision.valueType, approval: decision.approval, signal });
          return { type: "signal", signalId: decision.signalId, value };
        });
        return;
      }
      case "startChild": {
        const children = options.children;
        background(`child:${decision.node}`, async (signal) => {
          if (!children) throw new Error(`no launcher for child executions (node ${decision.node})`);
          try {
            const result = await children.run({ launchPlan: decision.launchPlan, inputs: decision.inputs, name: decision.name, signal });
            return { type: "childFinished", node: decision.node, phase: result.phase, outputs: result.outputs, error: result.error };
          } catch (thrown) {
            const { error } = errorFromThrown(thrown, ErrorKind.SYSTEM);
            return { type: "childFinished", node: decision.node, phase: WorkflowExecutionPhase.FAILED, error };
          }
        });
        return;
      }
      case "abortChild":
        running.get(`child:${decision.node}`)?.abort(new Error(decision.reason));
        return;
    }
  };

  let state = engine.initialState();
  let next = 0;
  try {
    while (!isTerminalWorkflowPhase(state.phase)) {
      // Read by index and compact only when drained: a 10,000-node fan-out queues thousands of
      // results, and shifting the array each time would be quadratic.
      const event = events[next];
      if (!event) {
        events.length = 0;
        next = 0;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      next += 1;
      const step = engine.handle(state, event, clock());
      state = step.state;
      for (const record of step.records) options.onRecord?.(record);
      for (const decision of step.decisions) carryOut(decision);
    }
  } finally {
    options.abort?.removeEventListener("abort", onAbort);
    for (const timer of timers.values()) clearTimeout(timer);
    for (const controller of running.values()) controller.abort(new Error("execution ended"));
  }
  await Promise.all(writes);
  if (fatal) throw fatal;
  return { phase: state.phase, outputs: state.outputs, error: state.error, state };
}
