import { create, fromJson, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import { ResourceType, TaskExecutionPhase, TaskLogSchema, type TaskLog } from "@skein/idl";
import { TaskExecutionSchema, type TaskExecution } from "@skein/idl/admin/v1";
import type { TaskExecutionRow, TaskExecutionRowPhase } from "../database.js";
import { closureResult, closureTimes, literalMapRef } from "./closure-fields.js";
import { enumsByRow } from "./enum-rows.js";

const taskPhaseRows: Record<Exclude<TaskExecutionPhase, TaskExecutionPhase.UNSPECIFIED>, TaskExecutionRowPhase> = {
  [TaskExecutionPhase.QUEUED]: "queued",
  [TaskExecutionPhase.RUNNING]: "running",
  [TaskExecutionPhase.SUCCEEDED]: "succeeded",
  [TaskExecutionPhase.ABORTED]: "aborted",
  [TaskExecutionPhase.FAILED]: "failed",
  [TaskExecutionPhase.INITIALIZING]: "initializing",
  [TaskExecutionPhase.WAITING_FOR_RESOURCES]: "waiting_for_resources",
  [TaskExecutionPhase.RETRYABLE_FAILED]: "retryable_failed",
};

const taskPhasesByRow = enumsByRow(taskPhaseRows);

/** The stored phase of a task phase; UNSPECIFIED is never stored. */
export function taskPhaseToRow(phase: Exclude<TaskExecutionPhase, TaskExecutionPhase.UNSPECIFIED>): TaskExecutionRowPhase {
  return taskPhaseRows[phase];
}

export function taskPhaseFromRow(phase: TaskExecutionRowPhase): TaskExecutionPhase {
  return taskPhasesByRow.get(phase) ?? TaskExecutionPhase.UNSPECIFIED;
}

/** A stored reason: what the attempt said and when (RFC 3339). */
export interface StoredReason {
  readonly reason: string;
  readonly occurred_at: string;
}

/** The TaskLog list of a row's `logs` column. */
export function logsFromRow(row: Pick<TaskExecutionRow, "logs">): TaskLog[] {
  const logs = Array.isArray(row.logs) ? (row.logs as JsonValue[]) : [];
  return logs.map((l) => fromJson(TaskLogSchema, l));
}

/** The API view of a task execution row. */
export function taskExecutionFromRow(row: TaskExecutionRow, isParent = false): TaskExecution {
  return create(TaskExecutionSchema, {
    id: {
      taskId: { resourceType: ResourceType.TASK, project: row.task_project, domain: row.task_domain, name: row.task_name, version: row.task_version },
      nodeExecutionId: { nodeId: row.node_id, executionId: { project: row.project, domain: row.domain, name: row.execution_name } },
      retryAttempt: row.retry_attempt,
    },
    inputs: literalMapRef(row.inputs, row.inputs_uri),
    closure: {
      phase: taskPhaseFromRow(row.phase),
      phaseVersion: row.phase_version,
      reason: row.reason,
      logs: logsFromRow(row),
      ...closureTimes(row),
      result: closureResult(row),
      ...(row.custom_info !== null && row.custom_info !== undefined ? { customInfo: row.custom_info as JsonObject } : {}),
      taskType: row.task_type,
      pluginId: row.plugin_id,
      generatedName: row.generated_name,
    },
    isParent,
  });
}
