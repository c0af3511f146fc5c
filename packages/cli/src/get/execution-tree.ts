import { Code, ConnectError } from "@connectrpc/connect";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import type { Execution, NodeExecution, TaskExecution } from "@skein/idl/admin/v1";
import type { WorkflowExecutionIdentifier } from "@skein/idl";
import type { AdminClient } from "@skein/sdk";

/**
 * A node execution with its task attempts (oldest first; none for parent nodes) and, for parent
 * nodes (sub-workflows, branches, dynamic and array nodes), its child nodes.
 */
export interface NodeTree {
  readonly node: NodeExecution;
  readonly attempts: readonly TaskExecution[];
  readonly children: readonly NodeTree[];
}

/** An execution and its node tree; `nodes` is undefined when admin does not list node executions. */
export interface ExecutionDetail {
  readonly execution: Execution;
  readonly nodes: readonly NodeTree[] | undefined;
}

function millis(ts: Timestamp | undefined): number {
  return ts === undefined ? Number.POSITIVE_INFINITY : Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6);
}

// Nodes read in the order they ran: by start, then by first report (nodes that never started come
// after those that did), then by id with numbers compared as numbers (n2 before n10).
function byRunOrder(a: NodeExecution, b: NodeExecution): number {
  return (
    millis(a.closure?.startedAt) - millis(b.closure?.startedAt) ||
    millis(a.closure?.createdAt) - millis(b.closure?.createdAt) ||
    (a.id?.nodeId ?? "").localeCompare(b.id?.nodeId ?? "", "en", { numeric: true })
  );
}

async function nodesUnder(client: AdminClient, executionId: WorkflowExecutionIdentifier, parentNodeId: string): Promise<NodeExecution[]> {
  const nodes: NodeExecution[] = [];
  let token = "";
  do {
    const page = await client.listNodeExecutions({ executionId, parentNodeId, token, limit: 1000 });
    nodes.push(...page.nodeExecutions);
    token = page.nextToken;
  } while (token !== "");
  return nodes.sort(byRunOrder);
}

async function attemptsOf(client: AdminClient, node: NodeExecution): Promise<TaskExecution[]> {
  if (node.metadata?.isParent || !node.id) return [];
  const attempts: TaskExecution[] = [];
  let token = "";
  do {
    const page = await client.listTaskExecutions({ nodeExecutionId: node.id, token, limit: 1000 });
    attempts.push(...page.taskExecutions);
    token = page.nextToken;
  } while (token !== "");
  return attempts.sort((a, b) => (a.id?.retryAttempt ?? 0) - (b.id?.retryAttempt ?? 0));
}

async function treeUnder(client: AdminClient, executionId: WorkflowExecutionIdentifier, parentNodeId: string): Promise<NodeTree[]> {
  const nodes = await nodesUnder(client, executionId, parentNodeId);
  return Promise.all(
    nodes.map(async (node) => ({
      node,
      attempts: await attemptsOf(client, node),
      children: node.metadata?.isParent ? await treeUnder(client, executionId, node.id?.nodeId ?? "") : [],
    })),
  );
}

/** Fetches an execution and its whole node tree with every task attempt. */
export async function executionDetail(client: AdminClient, id: WorkflowExecutionIdentifier): Promise<ExecutionDetail> {
  const { execution } = await client.getExecution({ id });
  if (!execution) throw new ConnectError(`execution "${id.name}" not found`, Code.NotFound);
  try {
    return { execution, nodes: await treeUnder(client, id, "") };
  } catch (error) {
    if (error instanceof ConnectError && error.code === Code.Unimplemented) return { execution, nodes: undefined };
    throw error;
  }
}
