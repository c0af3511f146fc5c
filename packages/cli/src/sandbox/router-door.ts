import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport, Http2SessionManager } from "@connectrpc/connect-node";
import type { AdminContext } from "@skein/admin";
import { AssignmentState, ClusterRouterService, type Assignment } from "@skein/idl/router/v1";

type ExecutionDispatcher = AdminContext["dispatcher"];
type ExecutionRef = Parameters<ExecutionDispatcher["dispatch"]>[0];
type ClusterSelection = Parameters<ExecutionDispatcher["dispatch"]>[1];

/**
 * Admin's door to the data plane in the sandbox: the cluster router served on the sandbox's own
 * port, reached over Connect like a separate router would be. Admin is set up before the port is
 * known (`--port 0`), so the door opens once the server listens (`connect`); a call before that is
 * `Unavailable`, which admin treats as "retry later" (queued executions are dispatched again).
 *
 * Only this process's router is behind it, so its errors are passed on with their own codes:
 * `Assign`, `TerminateAssignment` and `ReleaseAssignment` are idempotent per execution on the router,
 * which is what admin's contract asks of a dispatcher.
 */
export class RouterDoor implements ExecutionDispatcher {
  #client: Client<typeof ClusterRouterService> | undefined;
  #sessions: Http2SessionManager | undefined;

  /** Opens the door to the router at `url` (one multiplexed HTTP/2 connection). */
  connect(url: string): void {
    this.#sessions = new Http2SessionManager(url, { idleConnectionTimeoutMs: 60_000 });
    this.#client = createClient(ClusterRouterService, createConnectTransport({ baseUrl: url, httpVersion: "2", sessionManager: this.#sessions, defaultTimeoutMs: 10_000 }));
  }

  /** Closes the connection; later calls fail as before `connect`. */
  close(): void {
    this.#sessions?.abort();
    this.#client = undefined;
  }

  async dispatch(execution: ExecutionRef, selection: ClusterSelection): Promise<{ cluster: string; epoch: bigint }> {
    const response = await this.#router().assign({ executionId: execution, selection: { clusterId: selection.targetCluster, clusterLabel: selection.clusterLabel } });
    const assignment = assignmentOf(response.assignment, "Assign");
    if (assignment.state === AssignmentState.ACTIVE) return { cluster: assignment.clusterId, epoch: assignment.epoch };
    // No cluster qualifies yet: the router places the execution when one does.
    if (assignment.state === AssignmentState.PENDING) return { cluster: "", epoch: 0n };
    throw new ConnectError(`the sandbox's cluster router answered Assign with assignment state ${AssignmentState[assignment.state]} for "${refText(execution)}"`, Code.FailedPrecondition);
  }

  async terminate(execution: ExecutionRef, cause: string): Promise<"stopping" | "unplaced"> {
    try {
      const { assignment } = await this.#router().terminateAssignment({ executionId: execution, cause });
      const { state, clusterId } = assignmentOf(assignment, "TerminateAssignment");
      return state === AssignmentState.RELEASED && clusterId === "" ? "unplaced" : "stopping";
    } catch (error) {
      // Never assigned (dispatched before the router took it): no cluster will report its end.
      if (ConnectError.from(error).code === Code.NotFound) return "unplaced";
      throw error;
    }
  }

  async release(execution: ExecutionRef): Promise<void> {
    try {
      await this.#router().releaseAssignment({ executionId: execution });
    } catch (error) {
      if (ConnectError.from(error).code !== Code.NotFound) throw error;
    }
  }

  #router(): Client<typeof ClusterRouterService> {
    if (this.#client === undefined) throw new ConnectError("the sandbox's cluster router is not listening; retry later", Code.Unavailable);
    return this.#client;
  }
}

function assignmentOf(assignment: Assignment | undefined, rpc: string): Assignment {
  if (assignment === undefined) throw new ConnectError(`the sandbox's cluster router answered ${rpc} without an assignment`, Code.Internal);
  return assignment;
}

function refText(execution: ExecutionRef): string {
  return `${execution.project}/${execution.domain}/${execution.name}`;
}
