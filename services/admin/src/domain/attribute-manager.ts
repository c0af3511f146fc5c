import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  DeleteLaunchPlanAttributesResponseSchema,
  DeleteProjectAttributesResponseSchema,
  DeleteProjectDomainAttributesResponseSchema,
  DeleteWorkflowAttributesResponseSchema,
  GetLaunchPlanAttributesResponseSchema,
  GetProjectAttributesResponseSchema,
  GetProjectDomainAttributesResponseSchema,
  GetWorkflowAttributesResponseSchema,
  ListMatchableAttributesResponseSchema,
  MatchingAttributesSchema,
  UpdateLaunchPlanAttributesResponseSchema,
  UpdateProjectAttributesResponseSchema,
  UpdateProjectDomainAttributesResponseSchema,
  UpdateWorkflowAttributesResponseSchema,
  type DeleteLaunchPlanAttributesRequest,
  type DeleteLaunchPlanAttributesResponse,
  type DeleteProjectAttributesRequest,
  type DeleteProjectAttributesResponse,
  type DeleteProjectDomainAttributesRequest,
  type DeleteProjectDomainAttributesResponse,
  type DeleteWorkflowAttributesRequest,
  type DeleteWorkflowAttributesResponse,
  type Domain,
  type GetLaunchPlanAttributesRequest,
  type GetLaunchPlanAttributesResponse,
  type GetProjectAttributesRequest,
  type GetProjectAttributesResponse,
  type GetProjectDomainAttributesRequest,
  type GetProjectDomainAttributesResponse,
  type GetWorkflowAttributesRequest,
  type GetWorkflowAttributesResponse,
  type ListMatchableAttributesRequest,
  type ListMatchableAttributesResponse,
  type MatchableResource,
  type MatchingAttributes,
  type UpdateLaunchPlanAttributesRequest,
  type UpdateLaunchPlanAttributesResponse,
  type UpdateProjectAttributesRequest,
  type UpdateProjectAttributesResponse,
  type UpdateProjectDomainAttributesRequest,
  type UpdateProjectDomainAttributesResponse,
  type UpdateWorkflowAttributesRequest,
  type UpdateWorkflowAttributesResponse,
} from "@skein/idl/admin/v1";
import { assertNever, checkTaskResourceAttributes, ResourceAmountError } from "@skein/engine";
import { invalidArgument, type Clock, type Logger } from "@skein/server";
import { attributeScopeText, type AttributeRepository, type AttributeScope } from "../repositories/attribute-repository.js";
import type { AttributeRowType } from "../repositories/database.js";
import type { ProjectRepository } from "../repositories/project-repository.js";
import { attributeRowType } from "./attribute-resolver.js";
import { checkDomain, required } from "./registration.js";

export interface AttributeManagerDeps {
  readonly attributes: AttributeRepository;
  readonly projects: ProjectRepository;
  readonly domains: readonly Domain[];
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * The kind an attribute payload is, from the field that is set, after the checks the proto cannot
 * express: a plugin override names each task type once; task resource amounts parse and no limit
 * is below its default.
 */
function payloadType(attributes: MatchingAttributes, field: string): AttributeRowType {
  const target = attributes.target;
  switch (target.case) {
    case "executionClusterLabel":
      return "execution_cluster_label";
    case "workflowExecutionConfig":
      return "workflow_execution_config";
    case "pluginOverrides": {
      const seen = new Set<string>();
      for (const override of target.value.overrides) {
        if (seen.has(override.taskType)) throw invalidArgument(`${field}.plugin_overrides.overrides`, `task type "${override.taskType}" appears more than once`);
        seen.add(override.taskType);
      }
      return "plugin_override";
    }
    case "taskResourceAttributes":
      try {
        checkTaskResourceAttributes(target.value, `${field}.task_resource_attributes`);
      } catch (error) {
        if (error instanceof ResourceAmountError) throw invalidArgument(error.field, error.problem);
        throw error;
      }
      return "task_resource";
    case undefined:
      throw invalidArgument(field, "needs a payload");
    default:
      return assertNever(target, "matching attributes");
  }
}

const scope = (project: string, domain = "", workflow = "", launchPlan = ""): AttributeScope => ({ project, domain, workflow, launchPlan });

/** Matchable attributes at project, project-domain, workflow and launch plan level. */
export class AttributeManager {
  constructor(private readonly deps: AttributeManagerDeps) {}

  async updateProjectDomain(req: UpdateProjectDomainAttributesRequest): Promise<UpdateProjectDomainAttributesResponse> {
    const a = required(req.attributes, "attributes");
    await this.store(scope(a.project, a.domain), required(a.matchingAttributes, "attributes.matching_attributes"));
    return create(UpdateProjectDomainAttributesResponseSchema);
  }

  async getProjectDomain(req: GetProjectDomainAttributesRequest): Promise<GetProjectDomainAttributesResponse> {
    const matchingAttributes = await this.load(req.resourceType, scope(req.project, req.domain));
    return create(GetProjectDomainAttributesResponseSchema, { attributes: { project: req.project, domain: req.domain, matchingAttributes } });
  }

  async deleteProjectDomain(req: DeleteProjectDomainAttributesRequest): Promise<DeleteProjectDomainAttributesResponse> {
    await this.remove(req.resourceType, scope(req.project, req.domain));
    return create(DeleteProjectDomainAttributesResponseSchema);
  }

  async updateProject(req: UpdateProjectAttributesRequest): Promise<UpdateProjectAttributesResponse> {
    const a = required(req.attributes, "attributes");
    await this.store(scope(a.project), required(a.matchingAttributes, "attributes.matching_attributes"));
    return create(UpdateProjectAttributesResponseSchema);
  }

  async getProject(req: GetProjectAttributesRequest): Promise<GetProjectAttributesResponse> {
    const matchingAttributes = await this.load(req.resourceType, scope(req.project));
    return create(GetProjectAttributesResponseSchema, { attributes: { project: req.project, matchingAttributes } });
  }

  async deleteProject(req: DeleteProjectAttributesRequest): Promise<DeleteProjectAttributesResponse> {
    await this.remove(req.resourceType, scope(req.project));
    return create(DeleteProjectAttributesResponseSchema);
  }

  async updateWorkflow(req: UpdateWorkflowAttributesRequest): Promise<UpdateWorkflowAttributesResponse> {
    const a = required(req.attributes, "attributes");
    await this.store(scope(a.project, a.domain, a.workflow), required(a.matchingAttributes, "attributes.matching_attributes"));
    return create(UpdateWorkflowAttributesResponseSchema);
  }

  async getWorkflow(req: GetWorkflowAttributesRequest): Promise<GetWorkflowAttributesResponse> {
    const matchingAttributes = await this.load(req.resourceType, scope(req.project, req.domain, req.workflow));
    return create(GetWorkflowAttributesResponseSchema, { attributes: { project: req.project, domain: req.domain, workflow: req.workflow, matchingAttributes } });
  }

  async deleteWorkflow(req: DeleteWorkflowAttributesRequest): Promise<DeleteWorkflowAttributesResponse> {
    await this.remove(req.resourceType, scope(req.project, req.domain, req.workflow));
    return create(DeleteWorkflowAttributesResponseSchema);
  }

  async updateLaunchPlan(req: UpdateLaunchPlanAttributesRequest): Promise<UpdateLaunchPlanAttributesResponse> {
    const a = required(req.attributes, "attributes");
    await this.store(scope(a.project, a.domain, "", a.launchPlan), required(a.matchingAttributes, "attributes.matching_attributes"));
    return create(UpdateLaunchPlanAttributesResponseSchema);
  }

  async getLaunchPlan(req: GetLaunchPlanAttributesRequest): Promise<GetLaunchPlanAttributesResponse> {
    const matchingAttributes = await this.load(req.resourceType, scope(req.project, req.domain, "", req.launchPlan));
    return create(GetLaunchPlanAttributesResponseSchema, { attributes: { project: req.project, domain: req.domain, launchPlan: req.launchPlan, matchingAttributes } });
  }

  async deleteLaunchPlan(req: DeleteLaunchPlanAttributesRequest): Promise<DeleteLaunchPlanAttributesResponse> {
    await this.remove(req.resourceType, scope(req.project, req.domain, "", req.launchPlan));
    return create(DeleteLaunchPlanAttributesResponseSchema);
  }

  async list(req: ListMatchableAttributesRequest): Promise<ListMatchableAttributesResponse> {
    const rows = await this.deps.attributes.list(attributeRowType(req.resourceType));
    const configurations = rows.map((row) => ({
      project: row.project,
      domain: row.domain,
      workflow: row.workflow,
      launchPlan: row.launch_plan,
      attributes: fromBinary(MatchingAttributesSchema, row.attributes),
    }));
    return create(ListMatchableAttributesResponseSchema, { configurations });
  }

  private async checkScope(at: AttributeScope): Promise<void> {
    if (at.domain !== "") checkDomain(this.deps.domains, at.domain, "domain");
    await this.deps.projects.get(at.project);
  }

  private async store(at: AttributeScope, attributes: MatchingAttributes): Promise<void> {
    const type = payloadType(attributes, "attributes.matching_attributes");
    await this.checkScope(at);
    await this.deps.attributes.upsert(type, at, toBinary(MatchingAttributesSchema, attributes), this.deps.clock.now());
    this.deps.logger.info("attribute set", { resourceType: type, scope: attributeScopeText(at) });
  }

  private async load(resourceType: MatchableResource, at: AttributeScope): Promise<MatchingAttributes> {
    const row = await this.deps.attributes.get(attributeRowType(resourceType), at);
    return fromBinary(MatchingAttributesSchema, row.attributes);
  }

  private async remove(resourceType: MatchableResource, at: AttributeScope): Promise<void> {
    const type = attributeRowType(resourceType);
    await this.deps.attributes.delete(type, at);
    this.deps.logger.info("attribute removed", { resourceType: type, scope: attributeScopeText(at) });
  }
}
