import { create, toJson } from "@bufbuild/protobuf";
import {
  CreateLaunchPlanResponseSchema,
  GetActiveLaunchPlanResponseSchema,
  GetLaunchPlanResponseSchema,
  LaunchPlanSpecSchema,
  LaunchPlanState,
  ListLaunchPlansResponseSchema,
  UpdateLaunchPlanResponseSchema,
  type CreateLaunchPlanRequest,
  type CreateLaunchPlanResponse,
  type Domain,
  type GetActiveLaunchPlanRequest,
  type GetActiveLaunchPlanResponse,
  type GetLaunchPlanRequest,
  type GetLaunchPlanResponse,
  type ListLaunchPlansRequest,
  type ListLaunchPlansResponse,
  type UpdateLaunchPlanRequest,
  type UpdateLaunchPlanResponse,
} from "@skein/idl/admin/v1";
import { assertNever } from "@skein/engine";
import { failedPrecondition, invalidArgument, type Clock, type Logger } from "@skein/server";
import type { Kysely } from "kysely";
import type { AdminDatabase, LaunchPlanRow } from "../repositories/database.js";
import type { LaunchPlanRepository } from "../repositories/launch-plan-repository.js";
import type { ProjectRepository } from "../repositories/project-repository.js";
import { versionKeyText } from "../repositories/version-key.js";
import type { WorkflowRepository } from "../repositories/workflow-repository.js";
import { launchPlanFromRow, launchPlanSpecFromRow, launchPlanToNewRow } from "../repositories/transformers/launch-plan-transformer.js";
import { compiledClosureFromRow } from "../repositories/transformers/workflow-transformer.js";
import { parseFilters } from "./filters.js";
import { diffJson } from "./json-diff.js";
import { deriveLaunchPlan } from "./launch-plan-checks.js";
import { pageOf, planList } from "./list-query.js";
import { checkDomain, conflictingVersion, hexDigest, problemsError, required } from "./registration.js";
import { launchPlanFilterFields, launchPlanOrdering } from "./version-lists.js";

export interface LaunchPlanManagerDeps {
  readonly db: Kysely<AdminDatabase>;
  readonly launchPlans: LaunchPlanRepository;
  readonly workflows: WorkflowRepository;
  readonly projects: ProjectRepository;
  readonly domains: readonly Domain[];
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Launch plan versions: registration checked against the workflow, activation (one active per name), lookups and lists. */
export class LaunchPlanManager {
  constructor(private readonly deps: LaunchPlanManagerDeps) {}

  /**
   * Registers an inactive version. Same idempotency as tasks: the same id and digest again
   * returns the stored version with `created = false`; other content is AlreadyExists with a diff.
   */
  async create(req: CreateLaunchPlanRequest): Promise<CreateLaunchPlanResponse> {
    const id = required(req.id, "id");
    const spec = required(req.spec, "spec");
    const workflowId = required(spec.workflowId, "spec.workflow_id");
    checkDomain(this.deps.domains, id.domain, "id.domain");
    if (workflowId.project !== id.project || workflowId.domain !== id.domain) {
      throw invalidArgument("spec.workflow_id", `must be in the launch plan's project and domain ("${id.project}/${id.domain}")`);
    }
    await this.deps.projects.get(id.project);
    const workflow = await this.deps.workflows.find(workflowId);
    if (workflow === undefined) throw invalidArgument("spec.workflow_id", `workflow "${versionKeyText(workflowId)}" is not registered`);
    if (workflow.state === "archived") throw invalidArgument("spec.workflow_id", `workflow "${versionKeyText(workflowId)}" is archived`);
    const derived = deriveLaunchPlan(spec, compiledClosureFromRow(workflow).primary?.template?.interface);
    if (derived.problems.length > 0) throw problemsError("spec", derived.problems);
    const digest = hexDigest(LaunchPlanSpecSchema, spec);
    const row = launchPlanToNewRow(id, spec, derived, digest, this.deps.clock.now());
    const inserted = await this.deps.launchPlans.insertIfAbsent(row);
    if (inserted !== undefined) {
      this.deps.logger.info("launch plan registered", { launchPlan: versionKeyText(id), digest });
      return create(CreateLaunchPlanResponseSchema, { launchPlan: launchPlanFromRow(inserted), created: true });
    }
    const existing = await this.deps.launchPlans.get(id);
    if (existing.digest === digest) return create(CreateLaunchPlanResponseSchema, { launchPlan: launchPlanFromRow(existing), created: false });
    const differences = diffJson(
      toJson(LaunchPlanSpecSchema, launchPlanSpecFromRow(existing), { useProtoFieldName: true }),
      toJson(LaunchPlanSpecSchema, spec, { useProtoFieldName: true }),
      "spec",
    );
    throw conflictingVersion("launch plan", versionKeyText(id), differences);
  }

  async get(req: GetLaunchPlanRequest): Promise<GetLaunchPlanResponse> {
    const id = required(req.id, "id");
    return create(GetLaunchPlanResponseSchema, { launchPlan: launchPlanFromRow(await this.deps.launchPlans.get(id)) });
  }

  async getActive(req: GetActiveLaunchPlanRequest): Promise<GetActiveLaunchPlanResponse> {
    const id = required(req.id, "id");
    return create(GetActiveLaunchPlanResponseSchema, { launchPlan: launchPlanFromRow(await this.deps.launchPlans.getActive(id)) });
  }

  async list(req: ListLaunchPlansRequest): Promise<ListLaunchPlansResponse> {
    const plan = planList(req, launchPlanOrdering);
    const filters = parseFilters(req.filters, launchPlanFilterFields);
    const scope = { project: req.project, domain: req.domain, name: req.name === "" ? undefined : req.name, includeArchived: req.includeArchived, filters };
    const { page, nextToken } = pageOf(await this.deps.launchPlans.list(scope, plan), plan);
    return create(ListLaunchPlansResponseSchema, { launchPlans: page.map(launchPlanFromRow), nextToken });
  }

  /**
   * Activates or deactivates a version; asking for the state it already has changes nothing.
   * Activation locks every version of the name first, so concurrent activations run one after the
   * other and the last one wins, never leaving two active.
   */
  async update(req: UpdateLaunchPlanRequest): Promise<UpdateLaunchPlanResponse> {
    const id = required(req.id, "id");
    const now = this.deps.clock.now();
    const row = await this.deps.db.transaction().execute(async (trx): Promise<LaunchPlanRow> => {
      await this.deps.launchPlans.lockName(id, trx);
      const current = await this.deps.launchPlans.get(id, trx);
      switch (req.state) {
        case LaunchPlanState.ACTIVE:
          if (current.active) return current;
          if (current.state === "archived") throw failedPrecondition(`launch plan "${versionKeyText(id)}" is archived; restore it before activating it`);
          return this.deps.launchPlans.activate(id, now, trx);
        case LaunchPlanState.INACTIVE:
          return current.active ? this.deps.launchPlans.deactivate(id, now, trx) : current;
        case LaunchPlanState.UNSPECIFIED:
          throw invalidArgument("state", "must be ACTIVE or INACTIVE");
        default:
          return assertNever(req.state, "launch plan state");
      }
    });
    this.deps.logger.info("launch plan state set", { launchPlan: versionKeyText(id), active: row.active });
    return create(UpdateLaunchPlanResponseSchema, { launchPlan: launchPlanFromRow(row) });
  }

}
