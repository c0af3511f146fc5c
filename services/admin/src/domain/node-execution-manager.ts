import { create, fromBinary } from "@bufbuild/protobuf";
import { DynamicWorkflowNodeMetadataSchema, type LiteralMap } from "@skein/idl";
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
import { executionMetadataKey, loadLiteralMap, offloadLargeLiterals } from "./execution-data.js";
import { parseFilters, type FilterFields } from "./filters.js";
import { pageOf, planList, type ListOrdering } from "./list-query.js";
import { recordTimeFilterFields, recordTimeSortKeys } from "./record-time-fields.js";

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
    ...recordTimeFilterFields,
  },
};

const nodeOrdering: ListOrdering = {
  sortKeys: {
    node_id: { column: "node_id", kind: "text" },
    phase: { column: "phase", kind: "text" },
    ...recordTimeSortKeys,
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
  readonly blobs: BlobStore;
  /** A single value larger than this comes back as an offloaded literal (as GetExecutionData does). */
  readonly inlineMaxBytes: number;
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

  /** Inputs and outputs, each value larger than the inline limit as an offloaded literal. */
  async getData(req: GetNodeExecutionDataRequest): Promise<GetNodeExecutionDataResponse> {
    const key = nodeKeyOf(req.id, "id");
    const row = await this.deps.nodes.get(key);
    const prefix = `${executionMetadataKey({ project: key.project, domain: key.domain, name: key.executionName })}/${key.nodeId}/data`;
    const [inputs, outputs] = await Promise.all([
      this.#literalMap(row.inputs, row.inputs_uri, `${prefix}/inputs`),
      this.#literalMap(row.outputs, row.outputs_uri, `${prefix}/outputs`),
    ]);
    return create(GetNodeExecutionDataResponseSchema, {
      inputs,
      outputs,
      dynamicWorkflow: row.dynamic_workflow === null ? undefined : fromBinary(DynamicWorkflowNodeMetadataSchema, row.dynamic_workflow),
    });
  }

  async #literalMap(inline: Uint8Array | null, uri: string | null, offloadPrefix: string): Promise<LiteralMap | undefined> {
    if (inline === null && uri === null) return undefined;
    const { blobs, inlineMaxBytes } = this.deps;
    return offloadLargeLiterals(blobs, inlineMaxBytes, offloadPrefix, await loadLiteralMap(blobs, inline, uri));
  }
}
