import { create, toBinary } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  CatalogCacheStatus,
  CatalogReservationStatus,
  DynamicWorkflowNodeMetadataSchema,
  ExecutionErrorSchema,
  NodeExecutionPhase,
  WorkflowNodeMetadataSchema,
  type NodeExecutionEvent,
} from "@skein/idl";
import { TaskNodeInfoSchema } from "@skein/idl/admin/v1";
import { isTerminalNodePhase } from "@skein/engine";
import type { NodeExecutionRow } from "../repositories/database.js";
import { cacheStatusToRow, nodePhaseToRow } from "../repositories/transformers/node-execution-transformer.js";
import type { EventData } from "./event-data.js";

/** Where an event's result and inputs go on a record: inline binary or an offloaded uri. */
export interface StoredData {
  inputs: Uint8Array | null;
  inputs_uri: string | null;
  outputs: Uint8Array | null;
  outputs_uri: string | null;
  error: Uint8Array | null;
}

/**
 * Copies the inputs and the result an event carries onto `into`; absent parts leave it unchanged.
 * `data` holds the event's inline maps as `storeEventData` stored them (inline or offloaded).
 */
export function applyEventData(into: StoredData, event: Pick<NodeExecutionEvent, "inputValue" | "outputResult">, data: EventData): void {
  const input = event.inputValue;
  if (data.inputs !== undefined) Object.assign(into, { inputs: data.inputs.inline, inputs_uri: data.inputs.uri });
  else if (input.case === "inputUri" && input.value !== "") Object.assign(into, { inputs: null, inputs_uri: input.value });
  const output = event.outputResult;
  if (data.outputs !== undefined) Object.assign(into, { outputs: data.outputs.inline, outputs_uri: data.outputs.uri, error: null });
  else if (output.case === "outputUri" && output.value !== "") Object.assign(into, { outputs: null, outputs_uri: output.value, error: null });
  else if (output.case === "error") Object.assign(into, { error: toBinary(ExecutionErrorSchema, output.value), outputs: null, outputs_uri: null });
}

/** Milliseconds from `startedAt` to `at`, never negative (producer clocks may disagree). */
export function elapsedMs(startedAt: Date | null, at: Date): number {
  return startedAt === null ? 0 : Math.max(0, at.getTime() - startedAt.getTime());
}

/**
 * The node record after an accepted event: the first event creates it, later ones move its phase
 * and fill in what they carry. Fields an event leaves empty keep their stored value, so a terminal
 * event without inputs does not erase the inputs an earlier event reported, nor a later event without
 * a generated workflow the dynamic workflow an earlier one did.
 */
export function applyNodeEvent(
  stored: NodeExecutionRow | undefined,
  event: NodeExecutionEvent,
  phase: Exclude<NodeExecutionPhase, NodeExecutionPhase.UNSPECIFIED>,
  now: Date,
  data: EventData,
): NodeExecutionRow {
  const id = event.id;
  const execution = id?.executionId;
  const occurredAt = event.occurredAt === undefined ? now : timestampDate(event.occurredAt);
  const row: NodeExecutionRow = stored
    ? { ...stored, message: null }
    : {
        project: execution?.project ?? "",
        domain: execution?.domain ?? "",
        execution_name: execution?.name ?? "",
        node_id: id?.nodeId ?? "",
        parent_node_id: event.parentNodeMetadata?.nodeId ?? "",
        retry_group: "",
        spec_node_id: "",
        node_name: "",
        phase: nodePhaseToRow(phase),
        reason: "",
        is_parent: false,
        is_dynamic: false,
        is_array: false,
        cluster: "",
        inputs: null,
        inputs_uri: null,
        outputs: null,
        outputs_uri: null,
        error: null,
        cache_status: "unspecified",
        task_node_info: null,
        workflow_node_metadata: null,
        dynamic_workflow: null,
        dynamic_job_spec_uri: "",
        occurred_at: occurredAt,
        started_at: null,
        duration_ms: null,
        created_at: now,
        updated_at: now,
        message: null,
      };
  row.phase = nodePhaseToRow(phase);
  row.cluster = event.producerId;
  row.occurred_at = occurredAt;
  row.updated_at = now;
  if (event.retryGroup !== "") row.retry_group = event.retryGroup;
  if (event.specNodeId !== "") row.spec_node_id = event.specNodeId;
  if (event.nodeName !== "") row.node_name = event.nodeName;
  // Once a node is known to have children (or to be dynamic or an array) it stays so.
  row.is_parent ||= event.isParent;
  row.is_dynamic ||= event.isDynamic;
  row.is_array ||= event.isArray;
  if ((phase === NodeExecutionPhase.RUNNING || phase === NodeExecutionPhase.DYNAMIC_RUNNING) && row.started_at === null) row.started_at = occurredAt;
  if (isTerminalNodePhase(phase)) row.duration_ms = elapsedMs(row.started_at, occurredAt);
  applyEventData(row, event, data);
  row.reason = event.outputResult.case === "error" ? event.outputResult.value.message : "";
  const target = event.targetMetadata;
  if (target.case === "taskNodeMetadata") {
    const meta = target.value;
    // An event that only reports the generated workflow leaves the cache facts as they were.
    const cacheFacts = meta.cacheStatus !== CatalogCacheStatus.UNSPECIFIED || meta.catalogKey !== undefined ||
      meta.reservationStatus !== CatalogReservationStatus.UNSPECIFIED || meta.checkpointUri !== "";
    if (cacheFacts || meta.dynamicWorkflow === undefined) {
      row.cache_status = cacheStatusToRow(meta.cacheStatus);
      row.task_node_info = toBinary(
        TaskNodeInfoSchema,
        create(TaskNodeInfoSchema, { cacheStatus: meta.cacheStatus, catalogKey: meta.catalogKey, reservationStatus: meta.reservationStatus, checkpointUri: meta.checkpointUri }),
      );
    }
    if (meta.dynamicWorkflow !== undefined) {
      row.dynamic_workflow = toBinary(DynamicWorkflowNodeMetadataSchema, meta.dynamicWorkflow);
      row.dynamic_job_spec_uri = meta.dynamicWorkflow.dynamicJobSpecUri;
      row.is_dynamic = true;
    }
  } else if (target.case === "workflowNodeMetadata") {
    row.workflow_node_metadata = toBinary(WorkflowNodeMetadataSchema, target.value);
  }
  return row;
}
