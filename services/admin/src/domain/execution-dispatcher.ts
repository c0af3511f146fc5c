import type { WorkflowExecutionIdentifier } from "@skein/idl";

/** An execution as the data plane needs to find it. */
export interface ExecutionRef {
  readonly project: string;
  readonly domain: string;
  readonly name: string;
}

/**
 * How the execution asked to be placed, as admin resolved it: an explicit cluster id (which wins),
 * else a cluster label selector (`key` or `key=value`) from the request, the launch plan or the
 * attributes. Empty strings leave the choice to the data plane.
 */
export interface ClusterSelection {
  readonly targetCluster: string;
  readonly clusterLabel: string;
}

/** Where the data plane placed an execution. */
export interface DispatchResult {
  /** Id of the cluster that owns the execution now; empty while no cluster qualifies (pending). */
  readonly cluster: string;
  /** Epoch of that assignment (0 while pending); events carrying a lower one are refused. */
  readonly epoch: bigint;
}

/**
 * What a termination reached: `stopping` when the owning cluster (or the one that takes the
 * execution next) was told to abort it and will report the end; `unplaced` when no cluster ever
 * took it, so nothing will report and admin ends it itself.
 */
export type TerminationOutcome = "stopping" | "unplaced";

/**
 * Admin's one door to the data plane. `dispatch` hands over an execution that was recorded and
 * admitted; `terminate` asks its cluster to stop it; `release` says it finished, so its cluster's
 * capacity is free again. All must be safe to call twice for the same execution (admin may retry
 * after a crash between recording and dispatching, and events may be replayed).
 */
export interface ExecutionDispatcher {
  dispatch(execution: ExecutionRef, selection: ClusterSelection): Promise<DispatchResult>;
  terminate(execution: ExecutionRef, cause: string): Promise<TerminationOutcome>;
  release(execution: ExecutionRef): Promise<void>;
}

/** The ref of an API execution id. */
export function executionRef(id: Pick<WorkflowExecutionIdentifier, "project" | "domain" | "name">): ExecutionRef {
  return { project: id.project, domain: id.domain, name: id.name };
}
