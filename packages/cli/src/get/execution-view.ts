import { toJson } from "@bufbuild/protobuf";
import { CatalogCacheStatus, NodeExecutionPhase, TaskExecutionPhase, WorkflowExecutionPhase, type ExecutionError } from "@skein/idl";
import { ExecutionSchema, NodeExecutionSchema, TaskExecutionSchema } from "@skein/idl/admin/v1";
import { formatDuration, formatTime, nodePhaseName, taskPhaseName, workflowPhaseName } from "../remote/format.js";
import { table } from "../remote/table.js";
import type { ExecutionDetail, NodeTree } from "./execution-tree.js";
import { executionTarget } from "./list-views.js";

export { executionDetail, type ExecutionDetail, type NodeTree } from "./execution-tree.js";

const INDENT = "  ";

function errorText(error: ExecutionError): string {
  return `${error.code ? `${error.code}: ` : ""}${error.message}`;
}

function label(tree: NodeTree): string {
  const { id, metadata } = tree.node;
  return `${id?.nodeId ?? ""}${metadata?.nodeName ? ` ${metadata.nodeName}` : ""}`;
}

function cacheName(status: CatalogCacheStatus | undefined): string {
  if (status === undefined || status === CatalogCacheStatus.UNSPECIFIED) return "-";
  return (CatalogCacheStatus as Record<number, string | undefined>)[status] ?? String(status);
}

// A node's row, then (when it ran more than once) one row per attempt, then its children.
function rows(trees: readonly NodeTree[], depth: number): string[][] {
  return trees.flatMap((tree) => {
    const { node, attempts, children } = tree;
    const closure = node.closure;
    const cache = closure?.targetMetadata.case === "taskNodeInfo" ? closure.targetMetadata.value.cacheStatus : undefined;
    const own = [
      `${INDENT.repeat(depth)}${label(tree)}`,
      nodePhaseName(closure?.phase ?? NodeExecutionPhase.UNSPECIFIED),
      node.metadata?.isParent ? "-" : String(attempts.length),
      cacheName(cache),
      formatTime(closure?.startedAt),
      formatDuration(closure?.duration),
    ];
    const tries =
      attempts.length > 1
        ? attempts.map((a) => [
            `${INDENT.repeat(depth + 1)}attempt ${(a.id?.retryAttempt ?? 0) + 1}`,
            taskPhaseName(a.closure?.phase ?? TaskExecutionPhase.UNSPECIFIED),
            "",
            "",
            formatTime(a.closure?.startedAt),
            formatDuration(a.closure?.duration),
          ])
        : [];
    return [own, ...tries, ...rows(children, depth + 1)];
  });
}

// Every error in the tree, in tree order: a node's retried attempts first, then the node's own
// error (the last attempt's error is shown only when the node reported none).
function errors(trees: readonly NodeTree[]): string[][] {
  return trees.flatMap((tree) => {
    const closure = tree.node.closure;
    const nodeError = closure?.result.case === "error" ? closure.result.value : undefined;
    const found: string[][] = [];
    tree.attempts.forEach((attempt, i) => {
      const result = attempt.closure?.result;
      if (result?.case !== "error" || (i === tree.attempts.length - 1 && nodeError !== undefined)) return;
      found.push([`${label(tree)} attempt ${(attempt.id?.retryAttempt ?? 0) + 1}`, errorText(result.value)]);
    });
    if (nodeError !== undefined) found.push([label(tree), errorText(nodeError)]);
    return [...found, ...errors(tree.children)];
  });
}

/**
 * The execution as `skein get execution` prints it: its facts; the node tree with each node's
 * phase, attempts, cache use, start and duration (retried nodes list their attempts, parent nodes
 * their children, indented); then the errors of failed nodes and attempts.
 */
export function executionText(detail: ExecutionDetail): string {
  const { execution: e } = detail;
  const c = e.closure;
  // A failure's reason repeats its error message, shown on its own line below.
  const reason = c?.result.case === "error" && c.result.value.message === c.reason ? "" : c?.reason;
  const facts: [string, string][] = [
    ["execution", `${e.id?.project ?? ""}/${e.id?.domain ?? ""}/${e.id?.name ?? ""}`],
    ["target", executionTarget(e)],
    ["phase", `${workflowPhaseName(c?.phase ?? WorkflowExecutionPhase.UNSPECIFIED)}${reason ? ` (${reason})` : ""}`],
    ["cluster", c?.cluster || "-"],
    ["created", formatTime(c?.createdAt)],
    ["started", formatTime(c?.startedAt)],
    ["duration", formatDuration(c?.duration)],
  ];
  if (c?.result.case === "error") facts.push(["error", errorText(c.result.value)]);
  if (c?.abortMetadata) facts.push(["aborted", c.abortMetadata.cause || "(no cause given)"]);
  const width = Math.max(...facts.map(([k]) => k.length));
  const lines = facts.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
  if (detail.nodes === undefined) return `${lines}\n\nnodes: this admin does not list node executions\n`;
  if (detail.nodes.length === 0) return `${lines}\n\nnodes: none reported yet\n`;
  const tree = table(["NODE", "PHASE", "ATTEMPTS", "CACHE", "STARTED", "DURATION"], rows(detail.nodes, 0));
  const failed = errors(detail.nodes);
  return `${lines}\n\n${tree}${failed.length > 0 ? `\n${table(["FAILED", "ERROR"], failed)}` : ""}`;
}

function treeJson(trees: readonly NodeTree[]): unknown[] {
  return trees.map((t) => ({
    node: toJson(NodeExecutionSchema, t.node, { useProtoFieldName: true }),
    attempts: t.attempts.map((a) => toJson(TaskExecutionSchema, a, { useProtoFieldName: true })),
    children: treeJson(t.children),
  }));
}

/** The `--json` form: the execution and its node tree, each node with its attempts and children. */
export function executionJson(detail: ExecutionDetail): unknown {
  return { execution: toJson(ExecutionSchema, detail.execution, { useProtoFieldName: true }), nodes: detail.nodes ? treeJson(detail.nodes) : null };
}
