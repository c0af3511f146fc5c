import { toJson } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { ExecutionSchema, NodeExecutionSchema, type Execution, type NodeExecution } from "@skein/idl/admin/v1";
import { NodeExecutionPhase, WorkflowExecutionPhase, type WorkflowExecutionIdentifier } from "@skein/idl";
import type { AdminClient } from "@skein/sdk";
import { formatDuration, formatTime, nodePhaseName, workflowPhaseName } from "../remote/format.js";
import { table } from "../remote/table.js";
import { executionTarget } from "./list-views.js";

/** A node execution with its attempts and, for parent nodes (sub-workflows, branches, maps), its children. */
export interface NodeTree {
  readonly node: NodeExecution;
  readonly attempts: number;
  readonly children: readonly NodeTree[];
}

/** An execution and its node tree; `nodes` is undefined when admin does not list node executions. */
export interface ExecutionDetail {
  readonly execution: Execution;
  readonly nodes: readonly NodeTree[] | undefined;
}

async function allNodes(client: AdminClient, executionId: WorkflowExecutionIdentifier, parentNodeId: string): Promise<NodeExecution[]> {
  const nodes: NodeExecution[] = [];
  let token = "";
  do {
    const page = await client.listNodeExecutions({ executionId, parentNodeId, token, limit: 1000 });
    nodes.push(...page.nodeExecutions);
    token = page.nextToken;
  } while (token !== "");
  // Oldest first reads as the execution ran.
  return nodes.sort((a, b) => Number(a.closure?.createdAt?.seconds ?? 0n) - Number(b.closure?.createdAt?.seconds ?? 0n) || (a.id?.nodeId ?? "").localeCompare(b.id?.nodeId ?? ""));
}

async function attemptsOf(client: AdminClient, node: NodeExecution): Promise<number> {
  if (node.metadata?.isParent || !node.id) return 0;
  const page = await client.listTaskExecutions({ nodeExecutionId: node.id, limit: 1000 });
  return page.taskExecutions.length;
}

async function tree(client: AdminClient, executionId: WorkflowExecutionIdentifier, parentNodeId: string): Promise<NodeTree[]> {
  const nodes = await allNodes(client, executionId, parentNodeId);
  return Promise.all(
    nodes.map(async (node) => ({
      node,
      attempts: await attemptsOf(client, node),
      children: node.metadata?.isParent ? await tree(client, executionId, node.id?.nodeId ?? "") : [],
    })),
  );
}

/** Fetches an execution and its whole node tree. */
export async function executionDetail(client: AdminClient, id: WorkflowExecutionIdentifier): Promise<ExecutionDetail> {
  const { execution } = await client.getExecution({ id });
  if (!execution) throw new ConnectError(`execution "${id.name}" not found`, Code.NotFound);
  try {
    return { execution, nodes: await tree(client, id, "") };
  } catch (error) {
    if (error instanceof ConnectError && error.code === Code.Unimplemented) return { execution, nodes: undefined };
    throw error;
  }
}

function rows(trees: readonly NodeTree[], depth: number): string[][] {
  return trees.flatMap(({ node, attempts, children }) => [
    [
      `${"  ".repeat(depth)}${node.id?.nodeId ?? ""}${node.metadata?.nodeName ? ` ${node.metadata.nodeName}` : ""}`,
      nodePhaseName(node.closure?.phase ?? NodeExecutionPhase.UNSPECIFIED),
      node.metadata?.isParent ? "-" : String(attempts),
      formatTime(node.closure?.startedAt),
      formatDuration(node.closure?.duration),
    ],
    ...rows(children, depth + 1),
  ]);
}

/** The execution as `skein get execution` prints it: its facts, then the node tree. */
export function executionText(detail: ExecutionDetail): string {
  const { execution: e } = detail;
  const c = e.closure;
  const facts: [string, string][] = [
    ["execution", `${e.id?.project ?? ""}/${e.id?.domain ?? ""}/${e.id?.name ?? ""}`],
    ["target", executionTarget(e)],
    ["phase", `${workflowPhaseName(c?.phase ?? WorkflowExecutionPhase.UNSPECIFIED)}${c?.reason ? ` (${c.reason})` : ""}`],
    ["cluster", c?.cluster || "-"],
    ["created", formatTime(c?.createdAt)],
    ["started", formatTime(c?.startedAt)],
    ["duration", formatDuration(c?.duration)],
  ];
  if (c?.result.case === "error") facts.push(["error", `${c.result.value.code ? `${c.result.value.code}: ` : ""}${c.result.value.message}`]);
  if (c?.abortMetadata) facts.push(["aborted", c.abortMetadata.cause || "(no cause given)"]);
  const width = Math.max(...facts.map(([k]) => k.length));
  const lines = facts.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
  if (detail.nodes === undefined) return `${lines}\n\nnodes: this admin does not list node executions\n`;
  if (detail.nodes.length === 0) return `${lines}\n\nnodes: none reported yet\n`;
  return `${lines}\n\n${table(["NODE", "PHASE", "ATTEMPTS", "STARTED", "DURATION"], rows(detail.nodes, 0))}`;
}

function treeJson(trees: readonly NodeTree[]): unknown[] {
  return trees.map((t) => ({ node: toJson(NodeExecutionSchema, t.node, { useProtoFieldName: true }), attempts: t.attempts, children: treeJson(t.children) }));
}

export function executionJson(detail: ExecutionDetail): unknown {
  return { execution: toJson(ExecutionSchema, detail.execution, { useProtoFieldName: true }), nodes: detail.nodes ? treeJson(detail.nodes) : null };
}
