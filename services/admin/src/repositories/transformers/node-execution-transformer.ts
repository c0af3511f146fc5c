import { create, fromBinary } from "@bufbuild/protobuf";
import { CatalogCacheStatus, NodeExecutionPhase, WorkflowNodeMetadataSchema } from "@skein/idl";
import { NodeExecutionSchema, TaskNodeInfoSchema, type NodeExecution, type NodeExecutionClosure } from "@skein/idl/admin/v1";
import type { NodeExecutionRow, NodeExecutionRowPhase } from "../database.js";
import { closureResult, closureTimes, literalMapRef } from "./closure-fields.js";
import { enumsByRow } from "./enum-rows.js";

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

const nodePhasesByRow = enumsByRow(nodePhaseRows);

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
      ...closureTimes(row),
      result: closureResult(row),
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
