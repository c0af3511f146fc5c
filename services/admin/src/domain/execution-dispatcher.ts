import type { WorkflowExecutionIdentifier } from "@skein/idl";

/** An execution as the data plane needs to find it. */
export interface ExecutionRef {
  readonly project: string;
  readonly domain: string;
  readonly name: string;
}

/** Where the data plane placed an execution. */
export interface DispatchResult {
  /** Id of the cluster that owns the execution now. */
  readonly cluster: string;
  /** Epoch of that assignment; events carrying a lower one are refused. */
  readonly epoch: bigint;
}

/**
 * Admin's one door to the data plane. `dispatch` hands over an execution that was recorded and
 * admitted; `terminate` asks its cluster to stop it. Both must be safe to call twice for the same
 * execution (admin may retry after a crash between recording and dispatching).
 */
export interface ExecutionDispatcher {
  dispatch(execution: ExecutionRef): Promise<DispatchResult>;
  terminate(execution: ExecutionRef, cause: string): Promise<void>;
}

/** The ref of an API execution id. */
export function executionRef(id: Pick<WorkflowExecutionIdentifier, "project" | "domain" | "name">): ExecutionRef {
  return { project: id.project, domain: id.domain, name: id.name };
}
