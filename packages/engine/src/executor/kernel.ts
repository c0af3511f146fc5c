// Types shared by the engine's modules. The modules call one another through the `Kernel`
// dispatch table (wired in dispatch.ts), so each node kind lives in its own file without import
// cycles between them.
import type { DynamicJobSpec, ExecutionError, LiteralMap, Node } from "@skein/idl";
import type { NodePath, NodeState } from "./api.js";
import type { Graph, GraphNode } from "./graph.js";
import type { Library } from "./library.js";
import type { Tx } from "./tx.js";

/** A list of nodes running together: the workflow, a sub-workflow's or a dynamic node's nodes. */
export interface Scope {
  /** The node that owns the scope; undefined for the workflow itself. */
  readonly owner: NodePath | undefined;
  /** Prepended to node ids to form paths: "" or `<owner>/`. */
  readonly prefix: string;
  readonly graph: Graph;
  readonly library: Library;
}

/** Who a node reports to when it ends. */
export type Parent =
  | { readonly kind: "scope"; readonly graphNode: GraphNode }
  | { readonly kind: "failure" }
  | { readonly kind: "branch"; readonly owner: NodePath }
  | { readonly kind: "array"; readonly owner: NodePath; readonly index: number };

/** One node of the execution tree: its template, the scope its bindings resolve in, its parent. */
export interface Instance {
  readonly path: NodePath;
  readonly node: Node;
  readonly scope: Scope;
  readonly parent: Parent;
}

/** Progress of a scope, kept in its owner's detail (or the workflow's bookkeeping). */
export type ScopeProgress = {
  /** Nodes not yet ended, started or not. */
  readonly remaining: number;
  /** Nodes scheduled or started and not yet ended. */
  readonly inflight: number;
  /** running → failing (aborting its work) → failure-node (running it) → done. */
  readonly stage: "running" | "failing" | "failure-node" | "done";
  /** The first failure, which the scope will end with. */
  readonly failure?: { readonly node: NodePath; readonly error: ExecutionError };
};

/** Task node: looking up the cache, waiting for a slot, running an attempt, or backing off. */
export type TaskDetail = {
  readonly kind: "task";
  readonly stage: "cache" | "slot" | "attempt" | "backoff";
  /** Holds one of the execution's parallelism slots. */
  readonly slot: boolean;
};
/** Task node whose attempt returned a dynamic spec: its nodes run as a scope. */
export type DynamicDetail = { readonly kind: "dynamic"; readonly spec: DynamicJobSpec; readonly scope: ScopeProgress };
export type GateDetail = { readonly kind: "gate" };
/** Branch: the id of the case node that was chosen. */
export type BranchDetail = { readonly kind: "branch"; readonly child: string };
/** Array: items [0, next) have been scheduled. */
export type ArrayDetail = {
  readonly kind: "array";
  readonly total: number;
  readonly next: number;
  readonly active: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Successes needed. */
  readonly required: number;
  /** Items running at once; 0 = unlimited. */
  readonly parallelism: number;
  /** Holds one of the execution's parallelism slots (false while it waits for one, and once done). */
  readonly slot: boolean;
};
export type SubworkflowDetail = { readonly kind: "subworkflow"; readonly scope: ScopeProgress };
export type LaunchPlanDetail = { readonly kind: "launchPlan"; readonly stage: "slot" | "child"; readonly slot: boolean; readonly name: string };

/** Engine-private progress of a node (NodeState.detail). */
export type NodeDetail = TaskDetail | DynamicDetail | GateDetail | BranchDetail | ArrayDetail | SubworkflowDetail | LaunchPlanDetail;

/** How a scope ended. */
export type ScopeResult = { readonly kind: "succeeded"; readonly outputs: LiteralMap } | { readonly kind: "failed"; readonly error: ExecutionError };

/** The end state a node moves to. */
export interface TerminalUpdate {
  readonly phase: NodeState["phase"];
  readonly outputs?: LiteralMap;
  readonly error?: ExecutionError;
  readonly cacheStatus?: NodeState["cacheStatus"];
}

/** Cross-module entry points, wired once in dispatch.ts. */
export interface Kernel {
  /** Starts a ready node whose inputs are known (kind dispatch). */
  enter(tx: Tx, inst: Instance, inputs: LiteralMap): void;
  /** A node ended: tell its parent (scope, branch, array or failure handling). */
  childDone(tx: Tx, inst: Instance, state: NodeState): void;
  /** Stops a node and everything under it; its parent is not told. */
  abort(tx: Tx, inst: Instance, reason: string): void;
  /** A node waiting for a parallelism slot got one. */
  slotGranted(tx: Tx, inst: Instance): void;
  startScope(tx: Tx, scope: Scope): void;
  /** Stops every running node of a scope (and its failure node); the scope is done. */
  abortScope(tx: Tx, scope: Scope, reason: string): void;
  /** A scope ended: its owner (the workflow or a node) ends accordingly. */
  scopeDone(tx: Tx, scope: Scope, result: ScopeResult): void;
}
