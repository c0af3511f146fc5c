import { create } from "@bufbuild/protobuf";
import {
  GetTaskExecutionResponseSchema,
  ListTaskExecutionsResponseSchema,
  type GetTaskExecutionRequest,
  type GetTaskExecutionResponse,
  type ListTaskExecutionsRequest,
  type ListTaskExecutionsResponse,
} from "@skein/idl/admin/v1";
import { invalidArgument, notFound } from "@skein/server";
import type { NodeExecutionRepository } from "../repositories/node-execution-repository.js";
import { taskExecutionKeyText, type TaskExecutionRepository } from "../repositories/task-execution-repository.js";
import { taskExecutionFromRow } from "../repositories/transformers/task-execution-transformer.js";
import { parseFilters, type FilterFields } from "./filters.js";
import { pageOf, planList, type ListOrdering } from "./list-query.js";
import { recordTimeFilterFields, recordTimeSortKeys } from "./record-time-fields.js";
import { nodeKeyOf } from "./node-execution-manager.js";
import { ranTask } from "./task-execution-apply.js";

const taskPhases = {
  QUEUED: "queued", RUNNING: "running", SUCCEEDED: "succeeded", ABORTED: "aborted", FAILED: "failed",
  INITIALIZING: "initializing", WAITING_FOR_RESOURCES: "waiting_for_resources", RETRYABLE_FAILED: "retryable_failed",
} as const;

/** The filter keys ListTaskExecutions documents. */
export const taskExecutionFilterFields: FilterFields = {
  fields: {
    retry_attempt: { kind: "integer", column: "retry_attempt" },
    phase: { kind: "enum", column: "phase", values: taskPhases },
    task_type: { kind: "string", column: "task_type" },
    ...recordTimeFilterFields,
  },
};

const taskOrdering: ListOrdering = {
  sortKeys: {
    retry_attempt: { column: "retry_attempt", kind: "integer" },
    ...recordTimeSortKeys,
  },
  tieBreakers: [{ column: "retry_attempt", kind: "integer" }],
  defaultSortKey: "created_at",
};

export interface TaskExecutionManagerDeps {
  readonly tasks: TaskExecutionRepository;
  readonly nodes: NodeExecutionRepository;
}

/** Reads of task attempts. */
export class TaskExecutionManager {
  constructor(private readonly deps: TaskExecutionManagerDeps) {}

  async get(req: GetTaskExecutionRequest): Promise<GetTaskExecutionResponse> {
    if (req.id === undefined) throw invalidArgument("id", "is required");
    const key = { ...nodeKeyOf(req.id.nodeExecutionId, "id.node_execution_id"), retryAttempt: req.id.retryAttempt };
    const row = await this.deps.tasks.get(key);
    const task = req.id.taskId;
    // The attempt is identified by node and number; a different task id names an attempt that does not exist.
    if (task !== undefined && !ranTask(row, task)) {
      throw notFound(`task execution "${taskExecutionKeyText(key)}" of task ${task.name}@${task.version}`);
    }
    const node = await this.deps.nodes.get(key);
    return create(GetTaskExecutionResponseSchema, { taskExecution: taskExecutionFromRow(row, node.is_dynamic) });
  }

  async list(req: ListTaskExecutionsRequest): Promise<ListTaskExecutionsResponse> {
    const nodeKey = nodeKeyOf(req.nodeExecutionId, "node_execution_id");
    const filters = parseFilters(req.filters, taskExecutionFilterFields);
    const plan = planList(req, taskOrdering);
    const node = await this.deps.nodes.get(nodeKey);
    const rows = await this.deps.tasks.list(nodeKey, filters, plan);
    const { page, nextToken } = pageOf(rows, plan);
    return create(ListTaskExecutionsResponseSchema, { taskExecutions: page.map((r) => taskExecutionFromRow(r, node.is_dynamic)), nextToken });
  }
}
