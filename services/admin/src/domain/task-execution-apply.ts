import { toJson } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { TaskExecutionPhase, TaskLogSchema, type Identifier, type TaskExecutionEvent } from "@skein/idl";
import { isTerminalTaskPhase } from "@skein/engine";
import type { TaskExecutionRow } from "../repositories/database.js";
import { taskPhaseToRow, type StoredReason } from "../repositories/transformers/task-execution-transformer.js";
import type { EventData } from "./event-data.js";
import { applyEventData, elapsedMs } from "./node-execution-apply.js";

/** Whether `row` is an attempt of the task `id` names (its resource type is not compared). */
export function ranTask(row: TaskExecutionRow, id: Identifier): boolean {
  return id.project === row.task_project && id.domain === row.task_domain && id.name === row.task_name && id.version === row.task_version;
}

// Logs are merged by uri: a later event may add links or replace one (same uri, new name), never
// drop the ones already reported.
function mergeLogs(stored: unknown, event: TaskExecutionEvent): unknown[] {
  const logs = Array.isArray(stored) ? [...(stored as { uri?: string }[])] : [];
  for (const log of event.logs) {
    const json = toJson(TaskLogSchema, log) as { uri?: string };
    const at = logs.findIndex((l) => l.uri === json.uri);
    if (at >= 0) logs[at] = json;
    else logs.push(json);
  }
  return logs;
}

/**
 * The attempt record after an accepted event: the first event creates it, later ones move its
 * phase (or, in the same phase, its phase version) and add what they carry.
 */
export function applyTaskEvent(
  stored: TaskExecutionRow | undefined,
  event: TaskExecutionEvent,
  phase: Exclude<TaskExecutionPhase, TaskExecutionPhase.UNSPECIFIED>,
  now: Date,
  data: EventData,
): TaskExecutionRow {
  const node = event.parentNodeExecutionId;
  const execution = node?.executionId;
  const occurredAt = event.occurredAt === undefined ? now : timestampDate(event.occurredAt);
  const row: TaskExecutionRow = stored
    ? { ...stored, message: null }
    : {
        project: execution?.project ?? "",
        domain: execution?.domain ?? "",
        execution_name: execution?.name ?? "",
        node_id: node?.nodeId ?? "",
        retry_attempt: event.retryAttempt,
        task_project: event.taskId?.project ?? "",
        task_domain: event.taskId?.domain ?? "",
        task_name: event.taskId?.name ?? "",
        task_version: event.taskId?.version ?? "",
        phase: taskPhaseToRow(phase),
        phase_version: 0,
        reason: "",
        reasons: [],
        logs: [],
        custom_info: null,
        task_type: "",
        plugin_id: "",
        generated_name: "",
        cluster: "",
        inputs: null,
        inputs_uri: null,
        outputs: null,
        outputs_uri: null,
        error: null,
        occurred_at: occurredAt,
        started_at: null,
        duration_ms: null,
        created_at: now,
        updated_at: now,
        message: null,
      };
  row.phase = taskPhaseToRow(phase);
  row.phase_version = event.phaseVersion;
  row.cluster = event.producerId;
  row.occurred_at = occurredAt;
  row.updated_at = now;
  if (phase === TaskExecutionPhase.RUNNING && row.started_at === null) row.started_at = occurredAt;
  if (isTerminalTaskPhase(phase)) row.duration_ms = elapsedMs(row.started_at, occurredAt);
  applyEventData(row, event, data);
  row.logs = mergeLogs(row.logs, event);
  const reasons: StoredReason[] = event.reasons.map((r) => ({
    reason: r.reason,
    occurred_at: (r.occurredAt === undefined ? occurredAt : timestampDate(r.occurredAt)).toISOString(),
  }));
  row.reasons = [...(Array.isArray(row.reasons) ? (row.reasons as StoredReason[]) : []), ...reasons];
  row.reason = reasons.at(-1)?.reason ?? (event.outputResult.case === "error" ? event.outputResult.value.message : "");
  if (event.customInfo !== undefined) row.custom_info = event.customInfo;
  if (event.taskType !== "") row.task_type = event.taskType;
  if (event.metadata?.pluginIdentifier) row.plugin_id = event.metadata.pluginIdentifier;
  if (event.metadata?.generatedName) row.generated_name = event.metadata.generatedName;
  return row;
}
