import type { NodeExecutionEvent, TaskExecutionEvent, WorkflowExecutionEvent } from "@skein/idl";
import type { Event } from "@skein/idl/admin/v1";
import type { ExecutionKey } from "../repositories/execution-repository.js";
import type { NodeExecutionKey } from "../repositories/node-execution-repository.js";
import type { TaskExecutionKey } from "../repositories/task-execution-repository.js";
import { verdict, type EventVerdict } from "./event-outcome.js";

// An event of a batch reduced to the keys the ingestion needs, or the reason it cannot be applied.
// Protovalidate has already checked shapes at the edge; these checks keep the domain sound when it
// is called directly and cover limits the proto cannot state (integer columns).

export type ParsedEvent =
  | { readonly kind: "workflow"; readonly execution: ExecutionKey; readonly event: WorkflowExecutionEvent }
  | { readonly kind: "node"; readonly execution: ExecutionKey; readonly node: NodeExecutionKey; readonly event: NodeExecutionEvent }
  | { readonly kind: "task"; readonly execution: ExecutionKey; readonly node: NodeExecutionKey; readonly task: TaskExecutionKey; readonly event: TaskExecutionEvent }
  | { readonly kind: "invalid"; readonly verdict: EventVerdict };

const maxInt32 = 2 ** 31 - 1;

function invalid(message: string): ParsedEvent {
  return { kind: "invalid", verdict: verdict("invalid", message) };
}

export function parseEvent(event: Event): ParsedEvent {
  const kind = event.kind;
  switch (kind.case) {
    case "workflowEvent": {
      const id = kind.value.executionId;
      if (id === undefined) return invalid("workflow_event.execution_id: is required");
      return { kind: "workflow", execution: { project: id.project, domain: id.domain, name: id.name }, event: kind.value };
    }
    case "nodeEvent": {
      const id = kind.value.id;
      const exec = id?.executionId;
      if (id === undefined || exec === undefined) return invalid("node_event.id.execution_id: is required");
      const execution = { project: exec.project, domain: exec.domain, name: exec.name };
      return { kind: "node", execution, node: { project: exec.project, domain: exec.domain, executionName: exec.name, nodeId: id.nodeId }, event: kind.value };
    }
    case "taskEvent": {
      const e = kind.value;
      const id = e.parentNodeExecutionId;
      const exec = id?.executionId;
      if (id === undefined || exec === undefined) return invalid("task_event.parent_node_execution_id.execution_id: is required");
      if (e.taskId === undefined) return invalid("task_event.task_id: is required");
      if (e.retryAttempt > maxInt32) return invalid(`task_event.retry_attempt: must be at most ${maxInt32}`);
      if (e.phaseVersion > maxInt32) return invalid(`task_event.phase_version: must be at most ${maxInt32}`);
      const execution = { project: exec.project, domain: exec.domain, name: exec.name };
      const node = { project: exec.project, domain: exec.domain, executionName: exec.name, nodeId: id.nodeId };
      return { kind: "task", execution, node, task: { ...node, retryAttempt: e.retryAttempt }, event: e };
    }
    case undefined:
      return invalid("event: one of workflow_event, node_event, task_event is required");
  }
}
