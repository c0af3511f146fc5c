import type { ExecutionError, LiteralMap, WorkflowExecutionPhase } from "@skein/idl";
import { isTerminalWorkflowPhase } from "../phases.js";
import type { Decision, EngineRecord, ExecutionState, NodePath, NodeState } from "./api.js";
import type { Instance, Kernel, NodeDetail, Scope, ScopeProgress } from "./kernel.js";
import { PersistentMap } from "./persistent-map.js";
import { PersistentQueue } from "./persistent-queue.js";

// One event's worth of work: the state being built (persistent structures, so the input state
// is never touched), the decisions and records produced, and the nodes made ready but not yet
// started. Ready nodes are started from a queue rather than recursively, so a long chain of
// nodes that end at once (recovered, skipped, cached) cannot overflow the stack.

/** What `createEngine` fixes for the engine's lifetime. */
export interface EngineEnv {
  readonly root: Scope;
  readonly kernel: Kernel;
  readonly maxParallelism: number;
  readonly defaultArrayParallelism: number;
  readonly overwriteCache: boolean;
  readonly recovered: ReadonlyMap<NodePath, LiteralMap> | undefined;
  readonly maxSystemRetries: number;
  readonly executionName: string;
  readonly workflowTimeoutMs: number;
}

/** Engine-private bookkeeping kept in ExecutionState.detail. */
export type Bookkeeping = {
  readonly root: ScopeProgress;
  /** Nodes holding a parallelism slot. */
  readonly running: number;
  /** Paths waiting for a slot, oldest first (entries of nodes that moved on are skipped). */
  readonly queue: PersistentQueue<NodePath>;
  /** Dependencies still missing, for not-yet-ready nodes with more than one. */
  readonly waits: PersistentMap<number>;
  /** Gate nodes waiting, by signal id. */
  readonly signals: PersistentMap<readonly NodePath[]>;
};

/** A node made ready, with its inputs when they are given rather than resolved from bindings. */
export interface ReadyEntry {
  readonly inst: Instance;
  readonly inputs?: LiteralMap;
}

export function initialBookkeeping(): Bookkeeping {
  return {
    root: { remaining: 0, inflight: 0, stage: "running" },
    running: 0,
    queue: PersistentQueue.empty(),
    waits: PersistentMap.empty(),
    signals: PersistentMap.empty(),
  };
}

/** The engine-private detail of a node state. */
export function detailOf(state: NodeState | undefined): NodeDetail | undefined {
  return state?.detail as NodeDetail | undefined;
}

export function bookkeepingOf(state: ExecutionState): Bookkeeping {
  return state.detail as Bookkeeping;
}

export class Tx {
  nodes: PersistentMap<NodeState>;
  phase: WorkflowExecutionPhase;
  startedAt: number | undefined;
  endedAt: number | undefined;
  inputs: LiteralMap | undefined;
  outputs: LiteralMap | undefined;
  error: ExecutionError | undefined;
  root: ScopeProgress;
  running: number;
  queue: PersistentQueue<NodePath>;
  waits: PersistentMap<number>;
  signals: PersistentMap<readonly NodePath[]>;
  readonly decisions: Decision[] = [];
  readonly records: EngineRecord[] = [];
  /** A slot was freed: hand it to the oldest waiter before the event ends. */
  pumpNeeded = false;
  private readonly ready: ReadyEntry[] = [];
  private readyHead = 0;

  constructor(readonly env: EngineEnv, private readonly base: ExecutionState, readonly now: number) {
    if (!(base.nodes instanceof PersistentMap)) throw new Error("execution state: not made by this engine (use initialState or decodeState)");
    const book = bookkeepingOf(base);
    this.nodes = base.nodes as PersistentMap<NodeState>;
    this.phase = base.phase;
    this.startedAt = base.startedAt;
    this.endedAt = base.endedAt;
    this.inputs = base.inputs;
    this.outputs = base.outputs;
    this.error = base.error;
    this.root = book.root;
    this.running = book.running;
    this.queue = book.queue;
    this.waits = book.waits;
    this.signals = book.signals;
  }

  get k(): Kernel {
    return this.env.kernel;
  }

  node(path: NodePath): NodeState | undefined {
    return this.nodes.get(path);
  }

  /** Stores a node's state; no record (see `transition`). */
  put(path: NodePath, state: NodeState): void {
    this.nodes = this.nodes.set(path, state);
  }

  /** Stores a node's state and records the change. */
  transition(path: NodePath, state: NodeState, retryDelayMs?: number): void {
    this.put(path, state);
    this.records.push({
      type: "node",
      node: path,
      phase: state.phase,
      attempt: Math.max(0, state.attempts - 1),
      at: this.now,
      cacheStatus: state.cacheStatus,
      error: state.error,
      outputs: state.outputs,
      retryDelayMs,
    });
  }

  /** Moves the workflow to `phase` and records it. */
  workflowPhase(phase: WorkflowExecutionPhase, extra: { outputs?: LiteralMap; error?: ExecutionError } = {}): void {
    this.phase = phase;
    if (extra.outputs) this.outputs = extra.outputs;
    if (extra.error) this.error = extra.error;
    this.records.push({ type: "workflow", phase, at: this.now, outputs: extra.outputs, error: extra.error });
  }

  decide(decision: Decision): void {
    this.decisions.push(decision);
  }

  schedule(entry: ReadyEntry): void {
    this.ready.push(entry);
  }

  nextReady(): ReadyEntry | undefined {
    if (this.readyHead >= this.ready.length) return undefined;
    const entry = this.ready[this.readyHead++];
    if (this.readyHead === this.ready.length) {
      this.ready.length = 0;
      this.readyHead = 0;
    }
    return entry;
  }

  private changed(): boolean {
    const b = this.base;
    const book = bookkeepingOf(b);
    return (
      this.nodes !== b.nodes || this.phase !== b.phase || this.startedAt !== b.startedAt || this.endedAt !== b.endedAt ||
      this.inputs !== b.inputs || this.outputs !== b.outputs || this.error !== b.error || this.root !== book.root ||
      this.running !== book.running || this.queue !== book.queue || this.waits !== book.waits || this.signals !== book.signals
    );
  }

  /** The resulting state: the input state itself when the event changed nothing. */
  result(): ExecutionState {
    if (this.decisions.length === 0 && this.records.length === 0 && !this.changed()) return this.base;
    const detail: Bookkeeping = { root: this.root, running: this.running, queue: this.queue, waits: this.waits, signals: this.signals };
    return {
      phase: this.phase,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      inputs: this.inputs,
      outputs: this.outputs,
      error: this.error,
      nodes: this.nodes,
      detail,
    };
  }
}

/** True once the workflow has ended; nothing more may start. */
export function workflowEnded(tx: Tx): boolean {
  return isTerminalWorkflowPhase(tx.phase);
}
