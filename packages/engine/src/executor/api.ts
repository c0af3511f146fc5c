// The contract between the execution state machine and whoever drives it (the local runner,
// propeller). The engine never performs I/O: a driver feeds it events and carries out the
// decisions it returns. Everything here is plain data; `ExecutionState` survives
// `encodeState`/`decodeState` so a driver can persist it and resume after a crash.
//
// Event handling rules: an event that no longer applies (a late result of an aborted or retried
// attempt, a timer whose purpose passed, anything after the workflow ended) is ignored: `handle`
// returns the same state object with no decisions and no records. An event naming a node path
// that does not exist in the workflow throws an Error naming it.
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
import type { CompileResult } from "../compiler/compile-workflow.js";

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
  /**
   * Items of an array node that sets no parallelism (or 0) running at once; 0 = unlimited (the
   * default, as Flyte's `unlimited` behavior). A node's own parallelism wins. Items not yet
   * started are not nodes yet, so a bound also bounds the work of the step that starts the map.
   */
  readonly defaultArrayParallelism?: number;
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
  /**
   * A value arrived for a signal the engine waits on (approve: a boolean literal). Deliver it after
   * the `waitSignal` decision: a signal nobody waits on is dropped. Every gate waiting on the id
   * takes the value.
   */
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
  /**
   * Look the task's outputs up in the cache; answer with a `cacheResult` event. `cacheVersion` is
   * the effective cache version (node metadata overrides the task's `discovery_version`).
   */
  | {
      readonly type: "lookupCache";
      readonly node: NodePath;
      readonly task: TaskTemplate;
      readonly inputs: LiteralMap;
      readonly cacheVersion: string;
    }
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
      readonly cacheVersion: string;
    }
  /**
   * Fire `timerFired{timer}` at `at` (retry backoff, sleep gates, timeouts). Timer ids are
   * engine-chosen and unique per purpose; setting an id again replaces the earlier time.
   */
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
      /** The node's current (or last) attempt; 0 for nodes that run no attempts. */
      readonly attempt: number;
      readonly at: number;
      readonly cacheStatus?: CatalogCacheStatus;
      readonly error?: ExecutionError;
      readonly outputs?: LiteralMap;
      /**
       * Set on the RUNNING record emitted when an attempt failed and will be retried: `attempt` is
       * the failed attempt, `error` why it failed, and the next attempt starts after this delay.
       */
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
  /**
   * Engine-private progress (task stage, chosen branch, map item counts, dynamic spec...). Opaque to
   * drivers: read it only through `encodeState`.
   */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/**
 * The nodes of an execution by path: a persistent map (updates share structure, so each event
 * costs O(log n), not a copy of every node). Iteration order is deterministic but not sorted.
 */
export interface NodeTable {
  get(path: NodePath): NodeState | undefined;
  has(path: NodePath): boolean;
  readonly size: number;
  entries(): IterableIterator<[NodePath, NodeState]>;
  keys(): IterableIterator<NodePath>;
}

/**
 * The whole execution, as a serializable value. Immutable: the engine never changes a state it was
 * given, it returns a new one sharing structure with the old, so a driver may keep and re-use any
 * state it holds. Only states made by `initialState`, `handle` or `decodeState` are accepted.
 */
export interface ExecutionState {
  readonly phase: WorkflowExecutionPhase;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly inputs?: LiteralMap;
  readonly outputs?: LiteralMap;
  readonly error?: ExecutionError;
  /** Nodes that started (a node absent here has not been reached yet). */
  readonly nodes: NodeTable;
  /** Engine-private bookkeeping (slot queue, pending dependency counts, signal waiters). Opaque. */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/**
 * What a node runs, from its template: a task node is `dynamic` once an attempt returned a spec
 * (before that nothing tells a dynamic task from a plain one).
 */
export type NodeKind = "task" | "dynamic" | "array" | "branch" | "subworkflow" | "launchPlan" | "gate";

/** The engine's answer to one event. */
export interface Step {
  readonly state: ExecutionState;
  readonly decisions: readonly Decision[];
  readonly records: readonly EngineRecord[];
}

/** The execution state machine over one compiled workflow. */
export interface WorkflowEngine {
  /** The state before `start` (phase QUEUED, no nodes). */
  initialState(): ExecutionState;
  /**
   * Applies one event at driver time `now` (ms); deterministic given (state, event, now). Decisions
   * come in the order they should be carried out; records in the order things happened.
   */
  handle(state: ExecutionState, event: EngineEvent, now: number): Step;
  /** What the node at `path` runs; undefined when `state` has no such node or it runs nothing. */
  nodeKind(state: ExecutionState, path: NodePath): NodeKind | undefined;
  /**
   * The workflow the dynamic node at `path` generated, compiled against what its scope can
   * reference (its inputs and outputs typed by the task's interface); undefined unless the node's
   * task returned a spec. Compiling costs in proportion to the spec: call it once per spec.
   */
  generatedWorkflow(state: ExecutionState, path: NodePath): CompileResult | undefined;
}

export type EngineFactory = (closure: CompiledWorkflowClosure, options?: ExecutionOptions) => WorkflowEngine;
