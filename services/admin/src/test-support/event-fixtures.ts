import { create, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  NodeExecutionEventSchema,
  ResourceType,
  TaskExecutionEventSchema,
  WorkflowExecutionEventSchema,
  type NodeExecutionEvent,
  type NodeExecutionPhase,
  type TaskExecutionEvent,
  type TaskExecutionPhase,
  type WorkflowExecutionEvent,
  type WorkflowExecutionPhase,
} from "@skein/idl";
import { EventSchema, ExecutionSpecSchema, type Event } from "@skein/idl/admin/v1";
import type { Kysely } from "kysely";
import type { AdminDatabase, ExecutionRowPhase } from "../repositories/database.js";
import { ExecutionRepository } from "../repositories/execution-repository.js";

export interface ExecutionSeed {
  readonly project?: string;
  readonly domain?: string;
  readonly cluster?: string;
  readonly epoch?: bigint;
  readonly phase?: ExecutionRowPhase;
}

/** Stores an execution row directly (as CreateExecution would after dispatch), owned by `east` at epoch 1 unless told otherwise. */
export async function insertExecution(db: Kysely<AdminDatabase>, name: string, seed: ExecutionSeed = {}): Promise<void> {
  const at = new Date("2025-05-01T12:00:00Z");
  const inserted = await new ExecutionRepository(db).insertIfAbsent({
    project: seed.project ?? "proj",
    domain: seed.domain ?? "development",
    name,
    target_kind: "launch_plan",
    target_project: seed.project ?? "proj",
    target_domain: seed.domain ?? "development",
    target_name: "lp",
    target_version: "v1",
    workflow_name: "wf",
    workflow_version: "v1",
    spec: toBinary(ExecutionSpecSchema, create(ExecutionSpecSchema, {})),
    request_digest: "digest",
    mode: "manual",
    principal: "",
    labels: "{}",
    inputs: null,
    inputs_uri: null,
    user_inputs: null,
    user_inputs_uri: null,
    phase: seed.phase ?? "queued",
    admission: "admitted",
    cluster: seed.cluster ?? "east",
    assignment_epoch: (seed.epoch ?? 1n).toString(),
    started_at: null,
    created_at: at,
    updated_at: at,
    duration_ms: null,
    outputs: null,
    outputs_uri: null,
    error: null,
    abort_cause: null,
    abort_principal: null,
    abort_requested_at: null,
    state: "active",
  });
  if (inserted === undefined) throw new Error(`execution ${name} exists already`);
}

/** The time of the `n`th second after noon, as events carry it. */
export function at(second: number): ReturnType<typeof timestampFromDate> {
  return timestampFromDate(new Date(Date.UTC(2025, 4, 1, 12, 0, second)));
}

const execId = (name: string) => ({ project: "proj", domain: "development", name });

type WorkflowInit = Omit<MessageInitShape<typeof WorkflowExecutionEventSchema>, "$typeName">;
type NodeInit = Omit<MessageInitShape<typeof NodeExecutionEventSchema>, "$typeName">;
type TaskInit = Omit<MessageInitShape<typeof TaskExecutionEventSchema>, "$typeName">;

/** A workflow event from `east` at epoch 1. */
export function workflowEvent(name: string, phase: WorkflowExecutionPhase, second: number, init: WorkflowInit = {}): WorkflowExecutionEvent {
  return create(WorkflowExecutionEventSchema, { executionId: execId(name), producerId: "east", epoch: 1n, phase, occurredAt: at(second), ...init });
}

/** A node event from `east` at epoch 1. */
export function nodeEvent(name: string, nodeId: string, phase: NodeExecutionPhase, second: number, init: NodeInit = {}): NodeExecutionEvent {
  return create(NodeExecutionEventSchema, { id: { nodeId, executionId: execId(name) }, producerId: "east", epoch: 1n, phase, occurredAt: at(second), ...init });
}

/** A task event of task `t@v1` from `east` at epoch 1. */
export function taskEvent(name: string, nodeId: string, attempt: number, phase: TaskExecutionPhase, second: number, init: TaskInit = {}): TaskExecutionEvent {
  return create(TaskExecutionEventSchema, {
    taskId: { resourceType: ResourceType.TASK, project: "proj", domain: "development", name: "t", version: "v1" },
    parentNodeExecutionId: { nodeId, executionId: execId(name) },
    retryAttempt: attempt,
    producerId: "east",
    epoch: 1n,
    phase,
    occurredAt: at(second),
    ...init,
  });
}

/** Wraps events for CreateEvents. */
export function batch(...events: (WorkflowExecutionEvent | NodeExecutionEvent | TaskExecutionEvent)[]): Event[] {
  return events.map((e) => {
    switch (e.$typeName) {
      case "skein.core.v1.WorkflowExecutionEvent":
        return create(EventSchema, { kind: { case: "workflowEvent", value: e } });
      case "skein.core.v1.NodeExecutionEvent":
        return create(EventSchema, { kind: { case: "nodeEvent", value: e } });
      case "skein.core.v1.TaskExecutionEvent":
        return create(EventSchema, { kind: { case: "taskEvent", value: e } });
    }
  });
}
