import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { BlobStore } from "@skein/blob";
import { LiteralMapSchema, LiteralSchema, ResourceType, type Literal, type LiteralMap } from "@skein/idl";
import {
  CreateExecutionResponseSchema,
  DeleteExecutionResponseSchema,
  ExecutionMode,
  ExecutionSpecSchema,
  ExecutionState,
  GetExecutionDataResponseSchema,
  GetExecutionResponseSchema,
  ListExecutionsResponseSchema,
  RecoverExecutionResponseSchema,
  RelaunchExecutionResponseSchema,
  TerminateExecutionResponseSchema,
  UpdateExecutionResponseSchema,
  type CreateExecutionRequest,
  type CreateExecutionResponse,
  type DeleteExecutionRequest,
  type DeleteExecutionResponse,
  type GetExecutionDataRequest,
  type GetExecutionDataResponse,
  type GetExecutionRequest,
  type GetExecutionResponse,
  type ListExecutionsRequest,
  type ListExecutionsResponse,
  type RecoverExecutionRequest,
  type RecoverExecutionResponse,
  type RelaunchExecutionRequest,
  type RelaunchExecutionResponse,
  type TerminateExecutionRequest,
  type TerminateExecutionResponse,
  type UpdateExecutionRequest,
  type UpdateExecutionResponse,
} from "@skein/idl/admin/v1";
import { failedPrecondition, invalidArgument, type Clock, type Logger } from "@skein/server";
import type { Kysely } from "kysely";
import type { AdminDatabase, ExecutionRow } from "../repositories/database.js";
import { executionKeyText, type ExecutionKey, type ExecutionRepository } from "../repositories/execution-repository.js";
import { executionFromRow, isTerminalRowPhase } from "../repositories/transformers/execution-transformer.js";
import type { ExecutionDispatcher } from "./execution-dispatcher.js";
import { executionMetadataKey, loadLiteralMap } from "./execution-data.js";
import type { CreationInput, ExecutionCreator } from "./execution-creator.js";
import { executionFilterFields, executionPage, planExecutionList, targetFilterKeys } from "./execution-list.js";
import { parseFilters, type FilterFields } from "./filters.js";

export interface ExecutionManagerDeps {
  readonly db: Kysely<AdminDatabase>;
  readonly executions: ExecutionRepository;
  readonly creator: ExecutionCreator;
  readonly blobs: BlobStore;
  readonly dispatcher: ExecutionDispatcher;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly inlineMaxBytes: number;
}

// Protovalidate marks ids required and the interceptor enforces it; this keeps the types honest.
function keyOf(id: { project: string; domain: string; name: string } | undefined, field = "id"): ExecutionKey {
  if (id === undefined) throw invalidArgument(field, "is required");
  return { project: id.project, domain: id.domain, name: id.name };
}

const listFilterFields: FilterFields = {
  ...executionFilterFields,
  fields: {
    ...executionFilterFields.fields,
    ...Object.fromEntries(Object.entries(targetFilterKeys).map(([key, t]) => [key, { kind: "string" as const, column: t.column }])),
  },
};

/** Executions after creation: reads, lists, stop, re-runs, archive, deletion and data. */
export class ExecutionManager {
  constructor(private readonly deps: ExecutionManagerDeps) {}

  async create(req: CreateExecutionRequest): Promise<CreateExecutionResponse> {
    const target = req.target;
    if (target.case === undefined) throw invalidArgument("target", "launch_plan_id or task_id is required");
    const targetField = target.case === "launchPlanId" ? "launch_plan_id" : "task_id";
    const expected = target.case === "launchPlanId" ? ResourceType.LAUNCH_PLAN : ResourceType.TASK;
    if (target.value.resourceType !== expected) throw invalidArgument(`${targetField}.resource_type`, `must be ${ResourceType[expected]}`);
    const { id, created } = await this.deps.creator.create({
      project: req.project,
      domain: req.domain,
      name: req.name,
      target: target.value,
      userInputs: req.inputs ?? create(LiteralMapSchema, {}),
      labels: req.labels,
      executionClusterLabel: req.executionClusterLabel,
      targetCluster: req.targetCluster,
      overwriteCache: req.overwriteCache,
      maxParallelism: req.maxParallelism,
      ...(req.parentNodeExecution !== undefined ? { parentNodeExecution: req.parentNodeExecution } : {}),
      mode: req.parentNodeExecution !== undefined ? ExecutionMode.CHILD_WORKFLOW : ExecutionMode.MANUAL,
      targetField,
    });
    return create(CreateExecutionResponseSchema, { id, created });
  }

  async get(req: GetExecutionRequest): Promise<GetExecutionResponse> {
    const row = await this.deps.executions.getView(keyOf(req.id));
    return create(GetExecutionResponseSchema, { execution: executionFromRow(row) });
  }

  async list(req: ListExecutionsRequest): Promise<ListExecutionsResponse> {
    const plan = planExecutionList(req);
    const filters = parseFilters(req.filters, listFilterFields);
    const kinds = new Set(filters.flatMap((f) => {
      const key = /^[a-z_]+\(([^,]+),/.exec(f.token)?.[1] ?? "";
      const target = targetFilterKeys[key];
      return target === undefined ? [] : [target.kind];
    }));
    if (kinds.size > 1) return create(ListExecutionsResponseSchema, {});
    const [targetKind] = [...kinds];
    const rows = await this.deps.executions.list({
      project: req.project,
      domain: req.domain,
      sortKey: plan.sortKey,
      descending: plan.descending,
      limit: plan.pageSize + 1,
      includeArchived: req.includeArchived,
      filters,
      ...(plan.after !== undefined ? { after: plan.after } : {}),
      ...(targetKind !== undefined ? { targetKind } : {}),
    });
    const { page, nextToken } = executionPage(rows, plan);
    return create(ListExecutionsResponseSchema, { executions: page.map(executionFromRow), nextToken });
  }

  /**
   * Moves the execution to ABORTING and tells its cluster, in one transaction (a failed hand-off
   * leaves the phase as it was). An execution still held back by a QUEUE policy, or one the data
   * plane never placed on a cluster, goes straight to ABORTED.
   */
  async terminate(req: TerminateExecutionRequest): Promise<TerminateExecutionResponse> {
    const key = keyOf(req.id);
    const { deps } = this;
    await deps.db.transaction().execute(async (trx) => {
      const row = await deps.executions.find(key, trx, true);
      if (row === undefined) await deps.executions.get(key, trx);
      if (row === undefined) return;
      if (isTerminalRowPhase(row.phase)) throw failedPrecondition(`execution "${executionKeyText(key)}" is already ${row.phase.toUpperCase()}; only unfinished executions can be terminated`);
      const now = deps.clock.now();
      await deps.executions.markAborting(key, req.cause, "", now, trx);
      if (row.admission === "waiting") {
        await deps.executions.setPhase(key, "aborted", "terminated while waiting for a concurrency slot", now, trx);
        return;
      }
      // No cluster ever took it (the router held it pending): none will report its end.
      if ((await deps.dispatcher.terminate(key, req.cause)) === "unplaced") {
        await deps.executions.setPhase(key, "aborted", "terminated before any cluster took it", now, trx);
      }
    });
    deps.logger.info("execution termination requested", { execution: executionKeyText(key) });
    return create(TerminateExecutionResponseSchema, {});
  }

  /** Runs the same target again with the caller inputs of the original, from scratch. */
  async relaunch(req: RelaunchExecutionRequest): Promise<RelaunchExecutionResponse> {
    const source = await this.deps.executions.get(keyOf(req.id));
    const { id } = await this.deps.creator.create(await this.#again(source, req.name, ExecutionMode.RELAUNCH, req.overwriteCache));
    return create(RelaunchExecutionResponseSchema, { id });
  }

  /** Runs a terminal execution again, reusing what succeeded there (the data plane does the reuse). */
  async recover(req: RecoverExecutionRequest): Promise<RecoverExecutionResponse> {
    const key = keyOf(req.id);
    const source = await this.deps.executions.get(key);
    if (!isTerminalRowPhase(source.phase)) {
      throw failedPrecondition(`execution "${executionKeyText(key)}" is ${source.phase.toUpperCase()}; only finished executions can be recovered`);
    }
    const { id } = await this.deps.creator.create(await this.#again(source, req.name, ExecutionMode.RECOVERED, false));
    return create(RecoverExecutionResponseSchema, { id });
  }

  async update(req: UpdateExecutionRequest): Promise<UpdateExecutionResponse> {
    const key = keyOf(req.id);
    const row = await this.deps.executions.get(key);
    if (req.state === ExecutionState.ARCHIVED && !isTerminalRowPhase(row.phase)) {
      throw failedPrecondition(`execution "${executionKeyText(key)}" is ${row.phase.toUpperCase()}; only finished executions can be archived`);
    }
    if (req.state === ExecutionState.UNSPECIFIED) throw invalidArgument("state", "must be ACTIVE or ARCHIVED");
    await this.deps.executions.setState(key, req.state === ExecutionState.ARCHIVED ? "archived" : "active", this.deps.clock.now());
    return create(UpdateExecutionResponseSchema, {});
  }

  /**
   * Deletes a finished execution and its finished child executions: rows in one transaction
   * (node and task records go with them by foreign key), then their blob data. Blob removal after
   * the commit is best effort; a failure is logged and leaves only unreferenced objects.
   */
  async delete(req: DeleteExecutionRequest): Promise<DeleteExecutionResponse> {
    const root = keyOf(req.id);
    const { deps } = this;
    const deleted = await deps.db.transaction().execute(async (trx) => {
      const keys: ExecutionKey[] = [];
      const pending: ExecutionKey[] = [root];
      while (pending.length > 0) {
        const key = pending.pop() as ExecutionKey;
        const row = await deps.executions.find(key, trx, true);
        if (row === undefined) {
          if (key === root) await deps.executions.get(key, trx);
          continue;
        }
        if (!isTerminalRowPhase(row.phase)) {
          const whose = key === root ? "" : ` (a child of "${executionKeyText(root)}")`;
          throw failedPrecondition(`execution "${executionKeyText(key)}"${whose} is ${row.phase.toUpperCase()}; only finished executions can be deleted`);
        }
        keys.push(key);
        for (const child of await deps.executions.childNames(key, trx)) pending.push({ project: key.project, domain: key.domain, name: child });
      }
      for (const key of keys) await deps.executions.delete(key, trx);
      return keys;
    });
    for (const key of deleted) {
      try {
        await deps.blobs.deletePrefix(`${deps.blobs.baseUri}/${executionMetadataKey(key)}`);
      } catch (error) {
        deps.logger.error("execution data could not be removed from the blob store", { execution: executionKeyText(key), error });
      }
    }
    deps.logger.info("executions deleted", { executions: deleted.map(executionKeyText) });
    return create(DeleteExecutionResponseSchema, {});
  }

  /** Inputs, caller inputs and outputs; a value larger than the inline limit comes back as an offloaded literal. */
  async getData(req: GetExecutionDataRequest): Promise<GetExecutionDataResponse> {
    const key = keyOf(req.id);
    const row = await this.deps.executions.get(key);
    const { blobs } = this.deps;
    const [inputs, userInputs] = await Promise.all([loadLiteralMap(blobs, row.inputs, row.inputs_uri), loadLiteralMap(blobs, row.user_inputs, row.user_inputs_uri)]);
    const outputs = row.outputs !== null || row.outputs_uri !== null ? await loadLiteralMap(blobs, row.outputs, row.outputs_uri) : undefined;
    return create(GetExecutionDataResponseSchema, {
      inputs: await this.#offloadLarge(key, "inputs", inputs),
      userInputs: await this.#offloadLarge(key, "user_inputs", userInputs),
      ...(outputs !== undefined ? { outputs: await this.#offloadLarge(key, "outputs", outputs) } : {}),
    });
  }

  /** Replaces each literal above the inline limit by a reference to its own blob (written once, then reused). */
  async #offloadLarge(key: ExecutionKey, part: string, map: LiteralMap): Promise<LiteralMap> {
    const { blobs, inlineMaxBytes } = this.deps;
    const literals: Record<string, Literal> = {};
    for (const [name, literal] of Object.entries(map.literals)) {
      const bytes = toBinary(LiteralSchema, literal);
      if (bytes.length <= inlineMaxBytes || literal.value.case === "offloaded") {
        literals[name] = literal;
        continue;
      }
      const blobKey = `${executionMetadataKey(key)}/data/${part}/${name}.pb`;
      const existing = `${blobs.baseUri}/${blobKey}`;
      const uri = (await blobs.exists(existing)) ? existing : await blobs.put(blobKey, bytes);
      literals[name] = create(LiteralSchema, { value: { case: "offloaded", value: { uri, sizeBytes: BigInt(bytes.length) } } });
    }
    return create(LiteralMapSchema, { literals });
  }

  async #again(source: ExecutionRow, name: string, mode: ExecutionMode, overwriteCache: boolean): Promise<CreationInput> {
    const spec = fromBinary(ExecutionSpecSchema, source.spec);
    const target = spec.target.value;
    if (target === undefined) throw failedPrecondition(`execution "${source.name}" has no recorded target`);
    const userInputs = await loadLiteralMap(this.deps.blobs, source.user_inputs, source.user_inputs_uri);
    return {
      project: source.project,
      domain: source.domain,
      name,
      target,
      userInputs,
      labels: spec.labels,
      executionClusterLabel: spec.executionClusterLabel,
      targetCluster: spec.targetCluster,
      overwriteCache: overwriteCache || spec.overwriteCache,
      maxParallelism: spec.maxParallelism,
      mode,
      referenceExecution: { $typeName: "skein.core.v1.WorkflowExecutionIdentifier", project: source.project, domain: source.domain, name: source.name },
      targetField: spec.target.case === "taskId" ? "task_id" : "launch_plan_id",
    };
  }
}
