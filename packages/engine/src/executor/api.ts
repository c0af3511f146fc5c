// The contract between the execution state machine and whoever drives it (the local runner,
// propeller). The engine never performs I/O: a driver feeds it events and carries out the
// decisions it returns. Everything here is plain data; `ExecutionState` survives
// `encodeState`/`decodeState` so a driver can persist it and resume after a crash.
import type {
  CompiledWorkflowClosure,
  DynamicJobSpec,
  ExecutionError,
  Identifier,
  Literal,
  LiteralMap,
  LiteralType,
  NodeExecutionPhase,
  TaskTemplate,
  WorkflowExecutionPhase,
  CatalogCacheStatus,
} from "@skein/idl";

/**
 * A node's position in the execution tree. Top-level nodes use their template id (`n0`); nested
 * nodes append a segment per level, separated by `/`: a branch's chosen node `n3/n3-then`, a
 * subworkflow's node `n2/n0`, the i-th item of a map `n7/3`, a dynamic node's generated node
 * `n5/dn0`. Paths are stable across retries and recoveries.
 */
export type NodePath = string;

/** Options fixed when an execution starts. */
export interface ExecutionOptions {
  /** Upper bound of task, map-item and child-execution nodes running at once; 0 = unlimited. */
  readonly maxParallelism?: number;
  /** Skip cache lookups (status SKIPPED) but still write results (overwrite). */
  readonly overwriteCache?: boolean;
  /**
   * Recover mode: outputs of nodes that finished in a previous execution, by path. Such nodes end
   * RECOVERED at once with these outputs and run nothing. A parent (map, subworkflow, branch,
   * dynamic) whose own outputs are listed is recovered whole.
   */
  readonly recovered?: ReadonlyMap<NodePath, LiteralMap>;
  /** System-error retry budget per node, separate from the task's user retries. Default 3. */
  readonly maxSystemRetries?: number;
  /** Execution name, used to derive deterministic child execution names. */
  readonly executionName?: string;
}

/** Something that happened, fed to the engine by its driver. `at` is the driver's clock (ms). */
export type EngineEvent =
  | { readonly type: "start"; readonly inputs: LiteralMap }
  /** Answer to a `lookupCache` decision: `outputs` on a hit, undefined on a miss or lookup failure. */
  | { readonly type: "cacheResult"; readonly node: NodePath; readonly outputs?: LiteralMap; readonly failed?: boolean }
  /** An attempt ended with outputs, or (dynamic tasks) with a spec of nodes to run next. */
  | {
      readonly type: "attemptSucceeded";
      readonly node: NodePath;
      readonly attempt: number;
      readonly outputs?: LiteralMap;
      readonly dynamic?: DynamicJobSpec;
    }
  /**
   * An attempt failed. `error.kind` USER or SYSTEM picks the retry budget; `recoverable: false`
   * (a user error the task marked permanent) fails the node without retrying.
   */
  | {
      readonly type: "attemptFailed";
      readonly node: NodePath;
      readonly attempt: number;
      readonly error: ExecutionError;
      readonly recoverable: boolean;
    }
  /** A timer set by a `setTimer` decision is due. Stale timers are ignored. */
  | { readonly type: "timerFired"; readonly timer: string }
  /** A value arrived for a signal the engine waits on (approve: a boolean literal). */
  | { readonly type: "signal"; readonly signalId: string; readonly value: Literal }
  /** A child execution started by `startChild` ended. */
  | {
      readonly type: "childFinished";
      readonly node: NodePath;
      readonly phase: WorkflowExecutionPhase;
      readonly outputs?: LiteralMap;
      readonly error?: ExecutionError;
    }
  /** Terminate the execution: running work is aborted, the workflow ends ABORTED. */
  | { readonly type: "abort"; readonly reason: string };

/** Work the driver must carry out. Decisions are idempotent to repeat after a crash. */
export type Decision =
  /** Look the task's outputs up in the cache; answer with a `cacheResult` event. */
  | { readonly type: "lookupCache"; readonly node: NodePath; readonly task: TaskTemplate; readonly inputs: LiteralMap }
  /** Run one attempt of a task; answer with `attemptSucceeded` or `attemptFailed`. */
  | {
      readonly type: "startAttempt";
      readonly node: NodePath;
      readonly attempt: number;
      readonly task: TaskTemplate;
      readonly inputs: LiteralMap;
      /** The attempt's deadline (driver clock, ms), when the task or node has a timeout. */
      readonly deadline?: number;
    }
  /** Stop a running attempt; no event is expected back (late results are ignored). */
  | { readonly type: "abortAttempt"; readonly node: NodePath; readonly attempt: number; readonly reason: string }
  /** Store a successful attempt's outputs in the cache. */
  | {
      readonly type: "putCache";
      readonly node: NodePath;
      readonly task: TaskTemplate;
      readonly inputs: LiteralMap;
      readonly outputs: LiteralMap;
      readonly attempt: number;
    }
  /** Fire `timerFired{timer}` at `at` (retry backoff, sleep gates, timeouts). */
  | { readonly type: "setTimer"; readonly timer: string; readonly at: number }
  /** Wait for a signal; answer with a `signal` event. `type` is BOOLEAN for approvals. */
  | {
      readonly type: "waitSignal";
      readonly node: NodePath;
      readonly signalId: string;
      readonly valueType: LiteralType;
      readonly approval: boolean;
    }
  /** Start a child execution of a launch plan (its name is deterministic for idempotency). */
  | {
      readonly type: "startChild";
      readonly node: NodePath;
      readonly launchPlan: Identifier;
      readonly inputs: LiteralMap;
      readonly name: string;
    }
  /** Terminate a child execution started earlier. */
  | { readonly type: "abortChild"; readonly node: NodePath; readonly name: string; readonly reason: string };

/** A change worth reporting (admin events, progress on a terminal, the console). */
export type EngineRecord =
  | {
      readonly type: "node";
      readonly node: NodePath;
      readonly phase: NodeExecutionPhase;
      readonly attempt: number;
      readonly at: number;
      readonly cacheStatus?: CatalogCacheStatus;
      readonly error?: ExecutionError;
      readonly outputs?: LiteralMap;
      /** For RUNNING after a failure: why the previous attempt is being retried and after what delay. */
      readonly retryDelayMs?: number;
    }
  | {
      readonly type: "workflow";
      readonly phase: WorkflowExecutionPhase;
      readonly at: number;
      readonly outputs?: LiteralMap;
      readonly error?: ExecutionError;
    };

/** One node's persisted state. */
export interface NodeState {
  readonly phase: NodeExecutionPhase;
  /** Attempts started so far (the current attempt's number is `attempts - 1`). */
  readonly attempts: number;
  /** Attempts that failed with a SYSTEM error. */
  readonly systemFailures: number;
  readonly queuedAt?: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly inputs?: LiteralMap;
  readonly outputs?: LiteralMap;
  readonly error?: ExecutionError;
  readonly cacheStatus?: CatalogCacheStatus;
  /** Engine-private progress of composite nodes (chosen branch, map item counts, dynamic spec...). */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** The whole execution, as a serializable value. Treat it as immutable: the engine returns new state. */
export interface ExecutionState {
  readonly phase: WorkflowExecutionPhase;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly inputs?: LiteralMap;
  readonly outputs?: LiteralMap;
  readonly error?: ExecutionError;
  readonly nodes: Readonly<Record<NodePath, NodeState>>;
  /** Engine-private bookkeeping (pending timers, waiting queues) that must survive a restart. */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** The engine's answer to one event. */
export interface Step {
  readonly state: ExecutionState;
  readonly decisions: readonly Decision[];
  readonly records: readonly EngineRecord[];
}

/** The execution state machine over one compiled workflow. */
export interface WorkflowEngine {
  /** The state before `start`. */
  initialState(): ExecutionState;
  /** Applies one event at driver time `now` (ms); deterministic given (state, event, now). */
  handle(state: ExecutionState, event: EngineEvent, now: number): Step;
}

export type EngineFactory = (closure: CompiledWorkflowClosure, options?: ExecutionOptions) => WorkflowEngine;
