import { create, fromBinary } from "@bufbuild/protobuf";
import { DynamicWorkflowNodeMetadataSchema, LiteralMapSchema, type LiteralMap } from "@skein/idl";
import {
  GetNodeExecutionDataResponseSchema,
  GetNodeExecutionResponseSchema,
  ListNodeExecutionsResponseSchema,
  type GetNodeExecutionDataRequest,
  type GetNodeExecutionDataResponse,
  type GetNodeExecutionRequest,
  type GetNodeExecutionResponse,
  type ListNodeExecutionsRequest,
  type ListNodeExecutionsResponse,
} from "@skein/idl/admin/v1";
import type { BlobStore } from "@skein/blob";
import type { NodeExecutionIdentifier } from "@skein/idl";
import { invalidArgument } from "@skein/server";
import type { ExecutionRepository } from "../repositories/execution-repository.js";
import type { NodeExecutionKey, NodeExecutionRepository } from "../repositories/node-execution-repository.js";
import { nodeExecutionFromRow } from "../repositories/transformers/node-execution-transformer.js";
import { parseFilters, type FilterFields } from "./filters.js";
import { pageOf, planList, type ListOrdering } from "./list-query.js";

const nodePhases = {
  QUEUED: "queued", RUNNING: "running", SUCCEEDED: "succeeded", FAILING: "failing", FAILED: "failed", ABORTED: "aborted",
  SKIPPED: "skipped", TIMED_OUT: "timed_out", DYNAMIC_RUNNING: "dynamic_running", RECOVERED: "recovered",
} as const;

/** The filter keys ListNodeExecutions documents. */
export const nodeExecutionFilterFields: FilterFields = {
  fields: {
    node_id: { kind: "string", column: "node_id" },
    spec_node_id: { kind: "string", column: "spec_node_id" },
    phase: { kind: "enum", column: "phase", values: nodePhases },
    retry_group: { kind: "string", column: "retry_group" },
    is_parent: { kind: "boolean", column: "is_parent" },
    created_at: { kind: "timestamp", column: "created_at" },
    started_at: { kind: "timestamp", column: "started_at" },
    updated_at: { kind: "timestamp", column: "updated_at" },
    duration: { kind: "duration", column: "duration_ms" },
  },
};

const nodeOrdering: ListOrdering = {
  sortKeys: {
    node_id: { column: "node_id", kind: "text" },
    phase: { column: "phase", kind: "text" },
    created_at: { column: "created_at", kind: "timestamp" },
    started_at: { column: "started_sort", kind: "timestamp" },
    updated_at: { column: "updated_at", kind: "timestamp" },
    duration: { column: "duration_sort", kind: "integer" },
  },
  tieBreakers: [{ column: "node_id", kind: "text" }],
  defaultSortKey: "created_at",
};

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw invalidArgument(field, "is required");
  return value;
}

/** The key of a NodeExecutionIdentifier, `field` naming it in errors. */
export function nodeKeyOf(id: NodeExecutionIdentifier | undefined, field: string): NodeExecutionKey {
  const node = required(id, field);
  const execution = required(node.executionId, `${field}.execution_id`);
  return { project: execution.project, domain: execution.domain, executionName: execution.name, nodeId: node.nodeId };
}

export interface NodeExecutionManagerDeps {
  readonly nodes: NodeExecutionRepository;
  readonly executions: ExecutionRepository;
  readonly blobs: Pick<BlobStore, "get">;
}

/** Reads of node executions: one, a page of siblings, and a node's data. */
export class NodeExecutionManager {
  constructor(private readonly deps: NodeExecutionManagerDeps) {}

  async get(req: GetNodeExecutionRequest): Promise<GetNodeExecutionResponse> {
    const row = await this.deps.nodes.get(nodeKeyOf(req.id, "id"));
    return create(GetNodeExecutionResponseSchema, { nodeExecution: nodeExecutionFromRow(row) });
  }

  async list(req: ListNodeExecutionsRequest): Promise<ListNodeExecutionsResponse> {
    const id = required(req.executionId, "execution_id");
    const execution = { project: id.project, domain: id.domain, name: id.name };
    const filters = parseFilters(req.filters, nodeExecutionFilterFields);
    const plan = planList(req, nodeOrdering);
    // An unknown execution is NotFound rather than an empty page.
    await this.deps.executions.get(execution);
    const rows = await this.deps.nodes.list(execution, req.parentNodeId, filters, plan);
    const { page, nextToken } = pageOf(rows, plan);
    return create(ListNodeExecutionsResponseSchema, { nodeExecutions: page.map(nodeExecutionFromRow), nextToken });
  }

  async getData(req: GetNodeExecutionDataRequest): Promise<GetNodeExecutionDataResponse> {
    const row = await this.deps.nodes.get(nodeKeyOf(req.id, "id"));
    const [inputs, outputs] = await Promise.all([this.#literalMap(row.inputs, row.inputs_uri), this.#literalMap(row.outputs, row.outputs_uri)]);
    return create(GetNodeExecutionDataResponseSchema, {
      inputs,
      outputs,
      dynamicWorkflow: row.dynamic_workflow === null ? undefined : fromBinary(DynamicWorkflowNodeMetadataSchema, row.dynamic_workflow),
    });
  }

  async #literalMap(inline: Uint8Array | null, uri: string | null): Promise<LiteralMap | undefined> {
    if (inline !== null) return fromBinary(LiteralMapSchema, inline);
    if (uri !== null) return fromBinary(LiteralMapSchema, await this.deps.blobs.get(uri));
    return undefined;
  }
}
