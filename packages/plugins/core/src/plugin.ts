import type {
  DynamicJobSpec,
  ExecutionError,
  LiteralMap,
  TaskExecutionIdentifier,
  TaskExecutionPhase,
  TaskLog,
  TaskTemplate,
} from "@skein/idl";
import type { AllocationRequest } from "./quota/resource-quotas.js";

/** What a plugin is told about one task attempt. */
export interface TaskAttempt {
  /** Identifies the attempt; the same id always names the same external resource. */
  readonly id: TaskExecutionIdentifier;
  readonly template: TaskTemplate;
  readonly inputs: LiteralMap;
  /** Blob-store prefix where the attempt writes offloaded outputs and checkpoints. */
  readonly outputPrefix: string;
  /** Aborted when the attempt must stop (execution terminated, timeout, lease lost). */
  readonly signal: AbortSignal;
}

/** What a plugin reports about an attempt each time it is asked. */
export interface TaskStatus {
  readonly phase: TaskExecutionPhase;
  readonly outputs?: LiteralMap;
  /**
   * SUCCEEDED only: the task produced a graph to run instead of outputs (a dynamic task). Propeller
   * runs its nodes as children of the task's node, each with its own attempts, cache and retries,
   * and the node's outputs are the graph's. Every task a node of it references must be in
   * `dynamic.tasks` (or the execution's closure) with what a plugin needs to run it; `outputs` is
   * ignored when this is set.
   */
  readonly dynamic?: DynamicJobSpec;
  readonly error?: ExecutionError;
  readonly logs?: readonly TaskLog[];
  /** A short human-readable reason for the current phase. */
  readonly message?: string;
}

/**
 * A backend that runs tasks of some types. Every method is idempotent, since propeller may call it
 * again after a crash: `create` for an attempt that already has a resource returns that resource's
 * state, `delete` of a gone resource succeeds.
 *
 * `State` is the plugin's own handle to the external resource (a process id, a job id); propeller
 * persists it between calls as JSON, so it must survive `JSON.stringify`.
 */
export interface BackendPlugin<State = unknown> {
  create(attempt: TaskAttempt): Promise<State>;
  get(attempt: TaskAttempt, state: State): Promise<TaskStatus>;
  delete(attempt: TaskAttempt, state: State): Promise<void>;
  /**
   * Optional wake-up: resolves when the attempt's status may have changed (it may resolve early,
   * even spuriously), at once when the attempt has already finished, and soon after `signal`
   * aborts. Propeller calls `get` after it resolves, so a plugin that knows when its work ends (a
   * child process exiting, a worker's reply) saves propeller from polling. Without it, propeller
   * polls `get`. Like `get` it changes nothing, and it should not reject: the status is whatever
   * `get` reports, `wait` only says when to ask.
   */
  wait?(attempt: TaskAttempt, state: State, signal: AbortSignal): Promise<void>;
  /**
   * Optional: the shared limit this attempt counts against (a warehouse's concurrent queries, an
   * API's parallel jobs), or undefined for none. Propeller allocates a token named after the attempt
   * in `namespace` before `create`, reporting the attempt WAITING_FOR_RESOURCES until it is
   * granted, renews it while the attempt runs, and releases it when the attempt ends. Must be cheap
   * and give the same answer for the same attempt.
   */
  resourceQuota?(attempt: TaskAttempt): ResourceQuotaNeed | undefined;
}

/** The quota an attempt needs: one token in `namespace`, under `request`'s limits. */
export interface ResourceQuotaNeed {
  readonly namespace: string;
  readonly request: AllocationRequest;
}

/** A registry entry: cheap to declare, loaded on first use. */
export interface PluginEntry {
  /** Unique id, lowercase with dashes (`process`, `databricks`). */
  readonly id: string;
  /** Task types this plugin runs (`TaskTemplate.type`). */
  readonly taskTypes: readonly string[];
  /** Whether this plugin runs task types that no other entry claims. At most one entry may be. */
  readonly isDefault?: boolean;
  load(): Promise<BackendPlugin>;
}
