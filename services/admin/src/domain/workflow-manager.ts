import { create, equals, toJson, type JsonValue } from "@bufbuild/protobuf";
import { CompiledWorkflowClosureSchema, IdentifierSchema, WorkflowTemplateSchema, type CompiledWorkflowClosure } from "@skein/idl";
import {
  CreateWorkflowResponseSchema,
  GetWorkflowResponseSchema,
  ListWorkflowsResponseSchema,
  type CreateWorkflowRequest,
  type CreateWorkflowResponse,
  type Domain,
  type GetWorkflowRequest,
  type GetWorkflowResponse,
  type ListWorkflowsRequest,
  type ListWorkflowsResponse,
} from "@skein/idl/admin/v1";
import { compileWorkflow } from "@skein/engine";
import { invalidArgument, type Clock, type Logger } from "@skein/server";
import type { ProjectRepository } from "../repositories/project-repository.js";
import { versionKeyText } from "../repositories/version-key.js";
import { compiledClosureFromRow, workflowFromRow, workflowToNewRow } from "../repositories/transformers/workflow-transformer.js";
import { parseFilters } from "./filters.js";
import { diffJson } from "./json-diff.js";
import { pageOf, planList } from "./list-query.js";
import { checkDomain, conflictingVersion, hexDigest, problemsError, required } from "./registration.js";
import { versionFilterFields, versionOrdering } from "./version-lists.js";
import { resolveCatalog, type CatalogRepositories } from "./workflow-catalog.js";

export interface WorkflowManagerDeps extends CatalogRepositories {
  readonly projects: ProjectRepository;
  readonly domains: readonly Domain[];
  readonly clock: Clock;
  readonly logger: Logger;
}

// What a client wrote, as the conflict diff shows it: the workflow and the sub-workflows it runs.
function authoredJson(closure: CompiledWorkflowClosure): JsonValue {
  const json = (t: CompiledWorkflowClosure["subWorkflows"][number] | undefined) =>
    t?.template === undefined ? null : toJson(WorkflowTemplateSchema, t.template, { useProtoFieldName: true });
  return { template: json(closure.primary), sub_workflows: closure.subWorkflows.map(json) };
}

/** Workflow versions: registration (compiled against registered entities, hashed, idempotent), lookups and lists. */
export class WorkflowManager {
  constructor(private readonly deps: WorkflowManagerDeps) {}

  /**
   * Registers a version. The same id with the same digest again returns the stored version with
   * `created = false`; different content under a taken id is AlreadyExists listing the differences.
   */
  async create(req: CreateWorkflowRequest): Promise<CreateWorkflowResponse> {
    const id = required(req.id, "id");
    const spec = required(req.spec, "spec");
    const template = required(spec.template, "spec.template");
    checkDomain(this.deps.domains, id.domain, "id.domain");
    if (!equals(IdentifierSchema, required(template.id, "spec.template.id"), id)) {
      throw invalidArgument("spec.template.id", `must equal the id being registered ("${versionKeyText(id)}")`);
    }
    await this.deps.projects.get(id.project);
    const catalog = await resolveCatalog(this.deps, template, spec.subWorkflows);
    if (catalog.problems.length > 0) throw problemsError("spec.template", catalog.problems);
    const compiled = compileWorkflow({ workflow: template, tasks: catalog.tasks, subWorkflows: catalog.subWorkflows, launchPlans: catalog.launchPlans });
    if (!compiled.ok) throw problemsError("spec.template", compiled.errors.map((e) => `[${e.code}] ${e.message}`));
    const closure = compiled.closure;
    const digest = hexDigest(CompiledWorkflowClosureSchema, closure);
    const inserted = await this.deps.workflows.insertIfAbsent(workflowToNewRow(id, closure, digest, spec.description, this.deps.clock.now()));
    if (inserted !== undefined) {
      this.deps.logger.info("workflow registered", { workflow: versionKeyText(id), digest });
      return create(CreateWorkflowResponseSchema, { workflow: workflowFromRow(inserted), created: true });
    }
    const existing = await this.deps.workflows.get(id);
    if (existing.digest === digest) return create(CreateWorkflowResponseSchema, { workflow: workflowFromRow(existing), created: false });
    const stored = compiledClosureFromRow(existing);
    let differences = diffJson(authoredJson(stored), authoredJson(closure), "spec");
    // Same templates but another closure: a referenced version changed under the same id.
    if (differences.length === 0) {
      differences = diffJson(
        toJson(CompiledWorkflowClosureSchema, stored, { useProtoFieldName: true }),
        toJson(CompiledWorkflowClosureSchema, closure, { useProtoFieldName: true }),
        "closure.compiled_workflow",
      );
    }
    throw conflictingVersion("workflow", versionKeyText(id), differences);
  }

  async get(req: GetWorkflowRequest): Promise<GetWorkflowResponse> {
    const id = required(req.id, "id");
    return create(GetWorkflowResponseSchema, { workflow: workflowFromRow(await this.deps.workflows.get(id)) });
  }

  async list(req: ListWorkflowsRequest): Promise<ListWorkflowsResponse> {
    const plan = planList(req, versionOrdering);
    const filters = parseFilters(req.filters, versionFilterFields);
    const scope = { project: req.project, domain: req.domain, name: req.name === "" ? undefined : req.name, includeArchived: req.includeArchived, filters };
    const { page, nextToken } = pageOf(await this.deps.workflows.list(scope, plan), plan);
    return create(ListWorkflowsResponseSchema, { workflows: page.map(workflowFromRow), nextToken });
  }
}
