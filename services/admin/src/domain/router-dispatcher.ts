import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { AssignmentState, ClusterRouterService, type Assignment, type TerminateAssignmentResponse } from "@skein/idl/router/v1";
import { assertNever } from "@skein/engine";
import { failedPrecondition, notFound, type Logger } from "@skein/server";
import type { ClusterSelection, DispatchResult, ExecutionDispatcher, ExecutionRef, TerminationOutcome } from "./execution-dispatcher.js";

export interface RouterDispatcherOptions {
  /** Base URL of the cluster router, e.g. `http://127.0.0.1:8090`. */
  readonly endpoint: string;
  readonly logger: Logger;
  /**
   * Longest wait for one router call. Creation dispatches inside its database transaction, so a
   * stalled router must not hold the execution's locks for long; default 10 s.
   */
  readonly timeoutMs?: number;
}

/**
 * Hands executions to the data plane through the cluster router, over Connect (HTTP/2, one
 * multiplexed connection). `Assign` and `TerminateAssignment` are both idempotent per execution id
 * on the router, so admin may repeat either after a crash or a rolled-back transaction.
 *
 * Every router failure becomes a fresh error with admin's own code and message (the router's
 * error, with its metadata, stays in `cause` for the logs): an unreachable or failing router is
 * `Unavailable` and names the endpoint, so the caller knows nothing was created and may retry.
 */
export class RouterDispatcher implements ExecutionDispatcher {
  readonly #client: Client<typeof ClusterRouterService>;
  readonly #sessions: Http2SessionManager;
  readonly #endpoint: string;
  readonly #logger: Logger;

  constructor(options: RouterDispatcherOptions) {
    this.#endpoint = options.endpoint;
    this.#logger = options.logger;
    this.#sessions = new Http2SessionManager(options.endpoint, { idleConnectionTimeoutMs: 60_000 });
    const transport = createConnectTransport({
      baseUrl: options.endpoint,
      httpVersion: "2",
      sessionManager: this.#sessions,
      defaultTimeoutMs: options.timeoutMs ?? 10_000,
    });
    this.#client = createClient(ClusterRouterService, transport);
  }

  /**
   * Asks the router for the execution's cluster. A pending assignment (no cluster qualifies yet)
   * is a valid answer: cluster "" and epoch 0, and the router places it later under epoch 1.
   */
  async dispatch(execution: ExecutionRef, selection: ClusterSelection): Promise<DispatchResult> {
    const response = await this.#client
      .assign({
        executionId: execution,
        selection: { clusterId: selection.targetCluster, clusterLabel: selection.clusterLabel },
      })
      .catch((error: unknown) => {
        throw this.#assignFailure(ConnectError.from(error), selection);
      });
    const assignment = this.#assignmentOf(response.assignment, "Assign");
    switch (assignment.state) {
      case AssignmentState.ACTIVE:
        return { cluster: assignment.clusterId, epoch: assignment.epoch };
      case AssignmentState.PENDING:
        this.#logger.info("execution waits for a cluster", { execution: refText(execution), reason: assignment.pendingReason });
        return { cluster: "", epoch: 0n };
      case AssignmentState.RELEASED:
        // Only an earlier run of the same id could have left a released assignment behind (its
        // ids are never reused while the row exists), so the router's record is out of step.
        throw failedPrecondition(`execution "${refText(execution)}" already has a released assignment in the cluster router at ${this.#endpoint}`);
      case AssignmentState.UNSPECIFIED:
        throw this.#malformed("Assign", `an assignment without a state for "${refText(execution)}"`);
      default:
        return assertNever(assignment.state, "assignment state");
    }
  }

  /**
   * Records the termination with the router, which tells the owning cluster (and, should the
   * execution move, the next one). A pending assignment is released by the router at once, and an
   * execution the router never assigned (dispatched before the router was configured) was never
   * handed to any cluster: both are `unplaced`, no cluster will report their end.
   */
  async terminate(execution: ExecutionRef, cause: string): Promise<TerminationOutcome> {
    let response: TerminateAssignmentResponse;
    try {
      response = await this.#client.terminateAssignment({ executionId: execution, cause });
    } catch (error) {
      const failure = ConnectError.from(error);
      if (failure.code !== Code.NotFound) throw this.#unavailable(failure);
      this.#logger.warn("the cluster router has no assignment to terminate", { execution: refText(execution), error: failure.rawMessage });
      return "unplaced";
    }
    const assignment = this.#assignmentOf(response.assignment, "TerminateAssignment");
    return assignment.state === AssignmentState.RELEASED && assignment.clusterId === "" ? "unplaced" : "stopping";
  }

  /** Tells the router the execution finished; an assignment it does not know is already gone. */
  async release(execution: ExecutionRef): Promise<void> {
    try {
      await this.#client.releaseAssignment({ executionId: execution });
    } catch (error) {
      const failure = ConnectError.from(error);
      if (failure.code !== Code.NotFound) throw this.#unavailable(failure);
    }
  }

  /** Closes the connection to the router; calls made afterwards fail. */
  close(): void {
    this.#sessions.abort();
  }

  #assignFailure(error: ConnectError, selection: ClusterSelection): ConnectError {
    // The router's only NotFound on Assign: the explicit cluster is not registered.
    if (error.code === Code.NotFound) return notFound(`cluster "${selection.targetCluster}" (target_cluster)`, error);
    if (error.code === Code.InvalidArgument) {
      // The request's own label was validated by admin; a stored launch plan or attribute label
      // may still be one the router refuses, which the caller must fix there.
      return failedPrecondition(`the cluster router refused the placement (target_cluster "${selection.targetCluster}", execution_cluster_label "${selection.clusterLabel}"): ${error.rawMessage}`, error);
    }
    return this.#unavailable(error);
  }

  /** The router could not be reached or failed: retryable, and nothing was recorded by admin. */
  #unavailable(error: ConnectError): ConnectError {
    const what = error.code === Code.DeadlineExceeded ? "did not answer in time" : error.code === Code.Unavailable ? "is unreachable" : `failed (${Code[error.code]})`;
    return new ConnectError(`cluster router at ${this.#endpoint} ${what}; retry later`, Code.Unavailable, undefined, undefined, error);
  }

  #assignmentOf(assignment: Assignment | undefined, rpc: string): Assignment {
    if (assignment === undefined) throw this.#malformed(rpc, "no assignment");
    return assignment;
  }

  #malformed(rpc: string, what: string): ConnectError {
    return new ConnectError(`cluster router at ${this.#endpoint} answered ${rpc} with ${what}`, Code.Internal);
  }
}

function refText(execution: ExecutionRef): string {
  return `${execution.project}/${execution.domain}/${execution.name}`;
}
