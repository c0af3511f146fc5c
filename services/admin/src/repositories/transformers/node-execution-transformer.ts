import { create, fromBinary } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { CatalogCacheStatus, ExecutionErrorSchema, NodeExecutionPhase, WorkflowNodeMetadataSchema } from "@skein/idl";
import { NodeExecutionSchema, TaskNodeInfoSchema, type LiteralMapRef, type NodeExecution, type NodeExecutionClosure } from "@skein/idl/admin/v1";
import type { NodeExecutionRow, NodeExecutionRowPhase } from "../database.js";

// Typed as total records, so a phase added to the enum fails to compile until it is mapped here.
const nodePhaseRows: Record<Exclude<NodeExecutionPhase, NodeExecutionPhase.UNSPECIFIED>, NodeExecutionRowPhase> = {
  [NodeExecutionPhase.QUEUED]: "queued",
  [NodeExecutionPhase.RUNNING]: "running",
  [NodeExecutionPhase.SUCCEEDED]: "succeeded",
  [NodeExecutionPhase.FAILING]: "failing",
  [NodeExecutionPhase.FAILED]: "failed",
  [NodeExecutionPhase.ABORTED]: "aborted",
  [NodeExecutionPhase.SKIPPED]: "skipped",
  [NodeExecutionPhase.TIMED_OUT]: "timed_out",
  [NodeExecutionPhase.DYNAMIC_RUNNING]: "dynamic_running",
  [NodeExecutionPhase.RECOVERED]: "recovered",
};

const nodePhasesByRow = new Map<NodeExecutionRowPhase, NodeExecutionPhase>();
for (const phase of Object.values(NodeExecutionPhase)) {
  if (typeof phase === "number" && phase !== NodeExecutionPhase.UNSPECIFIED) nodePhasesByRow.set(nodePhaseRows[phase], phase);
}

/** The stored phase of a node phase; UNSPECIFIED is never stored (the event rules refuse it). */
export function nodePhaseToRow(phase: Exclude<NodeExecutionPhase, NodeExecutionPhase.UNSPECIFIED>): NodeExecutionRowPhase {
  return nodePhaseRows[phase];
}

export function nodePhaseFromRow(phase: NodeExecutionRowPhase): NodeExecutionPhase {
  return nodePhasesByRow.get(phase) ?? NodeExecutionPhase.UNSPECIFIED;
}

/** The stored form of a cache status: its enum name without the prefix, lowercase. */
export function cacheStatusToRow(status: CatalogCacheStatus): string {
  return CatalogCacheStatus[status].toLowerCase();
}

/** A reference to a literal map stored inline (empty uri, its size) or offloaded (its uri). */
export function literalMapRef(inline: Uint8Array | null, uri: string | null): LiteralMapRef | undefined {
  if (inline === null && uri === null) return undefined;
  return { $typeName: "skein.admin.v1.LiteralMapRef", uri: uri ?? "", sizeBytes: BigInt(inline?.length ?? 0) };
}

function resultOf(row: NodeExecutionRow): NodeExecutionClosure["result"] {
  const outputs = literalMapRef(row.outputs, row.outputs_uri);
  if (outputs !== undefined) return { case: "outputs", value: outputs };
  if (row.error !== null) return { case: "error", value: fromBinary(ExecutionErrorSchema, row.error) };
  return { case: undefined };
}

function targetOf(row: NodeExecutionRow): NodeExecutionClosure["targetMetadata"] {
  if (row.task_node_info !== null) return { case: "taskNodeInfo", value: fromBinary(TaskNodeInfoSchema, row.task_node_info) };
  if (row.workflow_node_metadata !== null) return { case: "workflowNodeMetadata", value: fromBinary(WorkflowNodeMetadataSchema, row.workflow_node_metadata) };
  return { case: undefined };
}

/** The API view of a node execution row. */
export function nodeExecutionFromRow(row: NodeExecutionRow): NodeExecution {
  return create(NodeExecutionSchema, {
    id: { nodeId: row.node_id, executionId: { project: row.project, domain: row.domain, name: row.execution_name } },
    inputs: literalMapRef(row.inputs, row.inputs_uri),
    closure: {
      phase: nodePhaseFromRow(row.phase),
      reason: row.reason,
      ...(row.started_at !== null ? { startedAt: timestampFromDate(row.started_at) } : {}),
      ...(row.duration_ms !== null ? { duration: durationFromMs(Number(row.duration_ms)) } : {}),
      createdAt: timestampFromDate(row.created_at),
      updatedAt: timestampFromDate(row.updated_at),
      result: resultOf(row),
      targetMetadata: targetOf(row),
      dynamicJobSpecUri: row.dynamic_job_spec_uri,
    },
    metadata: {
      parentNodeId: row.parent_node_id,
      retryGroup: row.retry_group,
      specNodeId: row.spec_node_id,
      nodeName: row.node_name,
      isParent: row.is_parent,
      isDynamic: row.is_dynamic,
      isArray: row.is_array,
    },
  });
}
