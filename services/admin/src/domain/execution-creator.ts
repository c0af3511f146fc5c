import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import type { BlobStore } from "@skein/blob";
import { ResourceType, type Identifier, type LiteralMap, type NodeExecutionIdentifier, type WorkflowExecutionIdentifier } from "@skein/idl";
import { CreateExecutionRequestSchema, ExecutionSpecSchema, MatchingAttributesSchema, type Domain, type ExecutionMode, type ExecutionSpec, type WorkflowExecutionConfig } from "@skein/idl/admin/v1";
import { hashMessage } from "@skein/engine";
import { alreadyExists, failedPrecondition, invalidArgument, notFound, type Clock, type Logger } from "@skein/server";
import type { Kysely } from "kysely";
import type { AdminDatabase, ExecutionRow } from "../repositories/database.js";
import { executionKeyText, type ExecutionKey, type ExecutionRepository, type LaunchPlanNameKey } from "../repositories/execution-repository.js";
import type { LaunchPlanRepository } from "../repositories/launch-plan-repository.js";
import type { ProjectRepository } from "../repositories/project-repository.js";
import type { TaskRepository } from "../repositories/task-repository.js";
import { launchPlanSpecFromRow } from "../repositories/transformers/launch-plan-transformer.js";
import { versionKeyText } from "../repositories/version-key.js";
import { decideAdmission, type Admission } from "./concurrency.js";
import { executionModeToRow } from "./execution-mode.js";
import type { ClusterSelection, ExecutionDispatcher } from "./execution-dispatcher.js";
import { literalMapRef, storeLiteralMap, type StoredLiteralMap } from "./execution-data.js";
import { randomExecutionName } from "./execution-name.js";
import { BoundedCache, launchPlanTarget, taskTarget, type ExecutionTarget } from "./execution-target.js";
import { checkExecutionInputs } from "./input-check.js";
import { checkDomain } from "./registration.js";

/** Everything that defines a new execution, whichever RPC asked for it. */
export interface CreationInput {
  readonly project: string;
  readonly domain: string;
  /** Empty for a random name. */
  readonly name: string;
  readonly target: Identifier;
  readonly userInputs: LiteralMap;
  readonly labels: Readonly<Record<string, string>>;
  readonly executionClusterLabel: string;
  readonly targetCluster: string;
  readonly overwriteCache: boolean;
  readonly maxParallelism: number;
  readonly parentNodeExecution?: NodeExecutionIdentifier;
  readonly mode: ExecutionMode;
  readonly referenceExecution?: WorkflowExecutionIdentifier;
  /** For a schedule's firing: the time it fired for. */
  readonly scheduledAt?: Date;
  /** Field path of the target in the request, for messages (`launch_plan_id`, `task_id`). */
  readonly targetField: string;
}

export interface ExecutionCreatorDeps {
  readonly db: Kysely<AdminDatabase>;
  readonly executions: ExecutionRepository;
  readonly launchPlans: LaunchPlanRepository;
  readonly tasks: TaskRepository;
  readonly projects: ProjectRepository;
  readonly domains: readonly Domain[];
  readonly blobs: BlobStore;
  readonly dispatcher: ExecutionDispatcher;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly inlineMaxBytes: number;
  readonly defaultMaxParallelism: number;
  /** How many target versions' derived facts to keep in memory (default 1024). */
  readonly targetCacheSize?: number;
}

/**
 * Creates executions: checks the target and inputs, stores the inputs, records the row and hands
 * it to the data plane, all or nothing. The concurrency decision, the dispatch and the row insert
 * share one transaction, so a refused or failed dispatch leaves no execution behind.
 */
export class ExecutionCreator {
  /** Derived facts of target versions by id; registered content never changes, see ExecutionTarget. */
  readonly #targets: BoundedCache<ExecutionTarget>;

  constructor(private readonly deps: ExecutionCreatorDeps) {
    this.#targets = new BoundedCache(deps.targetCacheSize ?? 1024);
  }

  async create(input: CreationInput): Promise<{ id: ExecutionKey; created: boolean }> {
    const { deps } = this;
    checkDomain(deps.domains, input.domain, "domain");
    if (input.target.project !== input.project || input.target.domain !== input.domain) {
      await deps.projects.get(input.project);
      throw invalidArgument(input.targetField, `must be in the execution's project and domain (${input.project}/${input.domain}), got ${input.target.project}/${input.target.domain}`);
    }
    const key: ExecutionKey = { project: input.project, domain: input.domain, name: input.name === "" ? randomExecutionName() : input.name };
    try {
      return await this.#attempt(input, key, false);
    } catch (error) {
      if (!(error instanceof StaleTarget)) throw error;
      // The cached version was deleted (and maybe registered again with other content) since it
      // was cached: start over from the database, once.
      return this.#attempt(input, key, true);
    }
  }

  /**
   * One creation attempt. The target's derived facts come from the cache unless `fresh`; whether
   * the version still exists, with the same content and not archived, is settled under its row
   * lock in the creating transaction, so a cached entry can never admit what a fresh read refuses.
   */
  async #attempt(input: CreationInput, key: ExecutionKey, fresh: boolean): Promise<{ id: ExecutionKey; created: boolean }> {
    const { deps } = this;
    const cached = fresh ? undefined : this.#targets.get(targetCacheKey(input.target));
    const target = cached ?? (await this.#load(input));
    const prepared = await this.#prepare(input, key, target).catch(async (error: unknown) => {
      if (cached !== undefined) {
        // A missing or archived target is reported before anything else, as a fresh read would;
        // a version registered again with other content gets a fresh attempt.
        const current = await this.#load(input);
        if (current.digest !== cached.digest) throw new StaleTarget();
      }
      throw error;
    });
    if (prepared.kind === "existing") {
      if (cached !== undefined) await this.#load(input);
      return { id: key, created: prepared.created };
    }
    const { storedInputs, storedUserInputs, digest, labels: requestLabels, parent } = prepared;
    const requestedLabel = input.executionClusterLabel !== "" ? input.executionClusterLabel : target.clusterLabel;
    const now = deps.clock.now();
    const outcome = await deps.db.transaction().execute(async (trx) => {
      // Holds the target version against a concurrent DeleteVersion until this execution is recorded.
      const versionKey = { project: input.target.project, domain: input.target.domain, name: input.target.name, version: input.target.version };
      const locked = await deps.executions.lockTarget(target.kind, versionKey, target.attributeScope, requestedLabel === "", trx);
      if (locked === undefined || locked.digest !== target.digest) {
        if (!fresh) throw new StaleTarget();
        if (locked === undefined) throw notFound(`${input.targetField} "${versionKeyText(versionKey)}"`);
        throw new ConnectError(`${input.targetField}: ${versionKeyText(versionKey)} was deleted and registered again while the execution was being created; retry`, Code.Aborted);
      }
      if (target.kind === "launch_plan" && locked.state === "archived") throw archivedLaunchPlan(input);
      // Each setting: the request's, else the launch plan's, else the most specific attribute's, else the server's.
      const config = executionConfigOf(locked.configAttributes);
      const labels = { ...config?.labels, ...requestLabels };
      const spec = create(ExecutionSpecSchema, {
        target: input.target.resourceType === ResourceType.TASK ? { case: "taskId", value: input.target } : { case: "launchPlanId", value: input.target },
        inputs: literalMapRef(storedInputs),
        metadata: {
          mode: input.mode,
          principal: "",
          nesting: parent === undefined ? 0 : parent.nesting + 1,
          ...(input.parentNodeExecution !== undefined ? { parentNodeExecution: input.parentNodeExecution } : {}),
          ...(input.referenceExecution !== undefined ? { referenceExecution: input.referenceExecution } : {}),
          ...(input.scheduledAt !== undefined ? { scheduledAt: timestampFromDate(input.scheduledAt) } : {}),
        },
        labels,
        executionClusterLabel: requestedLabel !== "" ? requestedLabel : clusterLabelOf(locked.clusterAttributes),
        targetCluster: input.targetCluster,
        overwriteCache: input.overwriteCache || target.overwriteCache || (config?.overwriteCache ?? false),
        maxParallelism: firstNonZero(input.maxParallelism, target.maxParallelism, config?.maxParallelism ?? 0, deps.defaultMaxParallelism),
      });
      const admission: Admission = target.concurrency === undefined ? { kind: "admitted" } : await decideAdmission(deps.executions, target.concurrency.name, target.concurrency.policy, trx);
      // Dispatch is idempotent per execution key, so handing over before the insert is safe even if
      // the insert then finds the name taken; a refused hand-off rolls the whole creation back.
      const placed = admission.kind === "admitted" ? await deps.dispatcher.dispatch(key, selectionOf(spec)) : undefined;
      const inserted = await deps.executions.insertNew(
        {
          ...key,
          target_kind: target.kind,
          target_project: input.target.project,
          target_domain: input.target.domain,
          target_name: input.target.name,
          target_version: input.target.version,
          workflow_name: target.workflow?.name ?? null,
          workflow_version: target.workflow?.version ?? null,
          spec: toBinary(ExecutionSpecSchema, spec),
          request_digest: digest,
          mode: executionModeToRow(input.mode),
          principal: "",
          labels: JSON.stringify(labels),
          parent_name: input.parentNodeExecution?.executionId?.name ?? null,
          reference_name: input.referenceExecution?.name ?? null,
          inputs: storedInputs.inline,
          inputs_uri: storedInputs.uri,
          user_inputs: storedUserInputs.inline,
          user_inputs_uri: storedUserInputs.uri,
          phase: "queued",
          reason: admission.kind === "waiting" ? admission.reason : "",
          admission: admission.kind,
          cluster: placed?.cluster ?? "",
          assignment_epoch: placed?.epoch ?? 0n,
          started_at: null,
          created_at: now,
          updated_at: now,
          state: "active",
        },
        trx,
      );
      if (!inserted) return { created: false as const };
      return { created: true as const, admission };
    });
    if (!outcome.created) {
      // Another request created the same name between our look-up and our insert.
      return { id: key, created: sameRequest(await deps.executions.get(key), digest, key) };
    }
    deps.logger.info("execution created", { execution: executionKeyText(key), admission: outcome.admission.kind, mode: executionModeToRow(input.mode) });
    return { id: key, created: true };
  }

  /**
   * Everything before the transaction: the input check, the answer to a retried name, the parent
   * and the stored inputs. Blob writes happen here: same key, same bytes, so a retry overwrites them.
   */
  async #prepare(input: CreationInput, key: ExecutionKey, target: ExecutionTarget): Promise<Prepared> {
    const { deps } = this;
    const inputs = checkExecutionInputs(input.userInputs, target.contract);
    const digest = requestDigest(input);
    // A given name may be a retry: answer it without storing or dispatching anything again. Random
    // names are fresh; the insert still settles the (astronomically unlikely) collision.
    const existing = input.name === "" ? undefined : await deps.executions.find(key);
    if (existing !== undefined) return { kind: "existing", created: sameRequest(existing, digest, key) };
    const parent = await this.#parent(input.parentNodeExecution);
    const [storedInputs, storedUserInputs] = await Promise.all([
      storeLiteralMap(deps.blobs, deps.inlineMaxBytes, key, "inputs.pb", inputs),
      storeLiteralMap(deps.blobs, deps.inlineMaxBytes, key, "user_inputs.pb", input.userInputs),
    ]);
    return { kind: "new", digest, parent, storedInputs, storedUserInputs, labels: { ...target.labels, ...input.labels } };
  }

  /**
   * Admits the oldest executions that a QUEUE policy held back while the name has free slots, and
   * dispatches them. Safe to call at any time and from several replicas (the name's lock is held).
   */
  async promoteWaiting(name: LaunchPlanNameKey): Promise<number> {
    const { deps } = this;
    let promoted = 0;
    for (;;) {
      const done = await deps.db.transaction().execute(async (trx) => {
        await deps.executions.lockLaunchPlanName(name, trx);
        const next = await deps.executions.oldestWaiting(name, trx);
        if (next === undefined) return true;
        const policy = launchPlanSpecFromRow(await deps.launchPlans.get({ ...name, version: next.target_version }, trx)).concurrencyPolicy;
        if (policy !== undefined && (await deps.executions.countInFlight(name, trx)) >= policy.max) return true;
        const key = { project: next.project, domain: next.domain, name: next.name };
        const placed = await deps.dispatcher.dispatch(key, selectionOf(fromBinary(ExecutionSpecSchema, next.spec)));
        await deps.executions.markAdmitted(key, placed.cluster, placed.epoch, deps.clock.now(), trx);
        return false;
      });
      if (done) return promoted;
      promoted += 1;
    }
  }

  /**
   * Reads the target from the database (unknown project first, then unknown or archived target,
   * as NotFound / FailedPrecondition naming the field) and caches what it defines.
   */
  async #load(input: CreationInput): Promise<ExecutionTarget> {
    const { deps } = this;
    await deps.projects.get(input.project);
    const id = input.target;
    const key = { project: id.project, domain: id.domain, name: id.name, version: id.version };
    let target: ExecutionTarget;
    if (id.resourceType === ResourceType.TASK) {
      target = taskTarget(await deps.tasks.get(key));
    } else {
      const row = await deps.launchPlans.find(key);
      if (row === undefined) throw notFound(`launch plan "${id.project}/${id.domain}/${id.name}@${id.version}" (${input.targetField})`);
      if (row.state === "archived") throw archivedLaunchPlan(input);
      target = launchPlanTarget(row);
    }
    this.#targets.set(targetCacheKey(id), target);
    return target;
  }

  async #parent(node: NodeExecutionIdentifier | undefined): Promise<{ nesting: number } | undefined> {
    const id = node?.executionId;
    if (node === undefined) return undefined;
    if (id === undefined) throw invalidArgument("parent_node_execution.execution_id", "is required");
    const row = await this.deps.executions.find({ project: id.project, domain: id.domain, name: id.name });
    if (row === undefined) throw notFound(`parent execution "${id.project}/${id.domain}/${id.name}" (parent_node_execution)`);
    return { nesting: fromBinary(ExecutionSpecSchema, row.spec).metadata?.nesting ?? 0 };
  }
}

/** What happens before the creating transaction: a retried name's answer, or the new execution's parts. */
type Prepared =
  | { readonly kind: "existing"; readonly created: false }
  | {
      readonly kind: "new";
      readonly digest: string;
      readonly parent: { nesting: number } | undefined;
      readonly storedInputs: StoredLiteralMap;
      readonly storedUserInputs: StoredLiteralMap;
      readonly labels: Record<string, string>;
    };

/** Thrown inside the creating transaction when the cached target no longer matches the database. */
class StaleTarget extends Error {
  constructor() {
    super("the cached execution target no longer matches its registered version");
  }
}

function targetCacheKey(id: Identifier): string {
  return `${ResourceType[id.resourceType]}:${id.project}/${id.domain}/${id.name}@${id.version}`;
}

function archivedLaunchPlan(input: CreationInput): ConnectError {
  return failedPrecondition(`${input.targetField}: launch plan ${input.target.name}@${input.target.version} is archived; restore it to run it`);
}

/** The placement the stored spec asks for (explicit cluster, else resolved label). */
function selectionOf(spec: ExecutionSpec): ClusterSelection {
  return { targetCluster: spec.targetCluster, clusterLabel: spec.executionClusterLabel };
}

/** The WORKFLOW_EXECUTION_CONFIG an attribute holds, if any. */
function executionConfigOf(attributes: Uint8Array | null): WorkflowExecutionConfig | undefined {
  if (attributes === null) return undefined;
  const found = fromBinary(MatchingAttributesSchema, attributes);
  return found.target.case === "workflowExecutionConfig" ? found.target.value : undefined;
}

function firstNonZero(...values: number[]): number {
  return values.find((v) => v !== 0) ?? 0;
}

/** The cluster label an EXECUTION_CLUSTER_LABEL attribute names; "" when there is none. */
function clusterLabelOf(attributes: Uint8Array | null): string {
  if (attributes === null) return "";
  const found = fromBinary(MatchingAttributesSchema, attributes);
  return found.target.case === "executionClusterLabel" ? found.target.value.value : "";
}

/** A digest of everything that defines the execution except its name. */
function requestDigest(input: CreationInput): string {
  const request = create(CreateExecutionRequestSchema, {
    project: input.project,
    domain: input.domain,
    target: input.target.resourceType === ResourceType.TASK ? { case: "taskId", value: input.target } : { case: "launchPlanId", value: input.target },
    inputs: input.userInputs,
    labels: { ...input.labels },
    executionClusterLabel: input.executionClusterLabel,
    targetCluster: input.targetCluster,
    overwriteCache: input.overwriteCache,
    maxParallelism: input.maxParallelism,
    ...(input.parentNodeExecution !== undefined ? { parentNodeExecution: input.parentNodeExecution } : {}),
  });
  const reference = input.referenceExecution === undefined ? "" : `${input.referenceExecution.project}/${input.referenceExecution.domain}/${input.referenceExecution.name}`;
  return `${hashMessage(CreateExecutionRequestSchema, request)}:${executionModeToRow(input.mode)}:${reference}`;
}

/** False for an identical earlier request; AlreadyExists when the name was taken by a different one. */
function sameRequest(row: ExecutionRow, digest: string, key: ExecutionKey): false {
  if (row.request_digest === digest) return false;
  throw alreadyExists(`execution "${executionKeyText(key)}" (created by a different request; pick another name)`);
}

/** Refuses a request whose target is absent; protovalidate already demands one. */
export function requireTarget(target: Identifier | undefined, field: string): Identifier {
  if (target === undefined) throw new ConnectError(`${field}: is required`, Code.InvalidArgument);
  return target;
}
