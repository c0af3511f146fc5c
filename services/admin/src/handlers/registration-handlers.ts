import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "@skein/idl/admin/v1";
import type { AttributeManager } from "../domain/attribute-manager.js";
import type { LaunchPlanManager } from "../domain/launch-plan-manager.js";
import type { NamedEntityManager } from "../domain/named-entity-manager.js";
import type { WorkflowManager } from "../domain/workflow-manager.js";

export interface RegistrationManagers {
  readonly workflows: WorkflowManager;
  readonly launchPlans: LaunchPlanManager;
  readonly namedEntities: NamedEntityManager;
  readonly attributes: AttributeManager;
}

/** Workflows, launch plans, named entities, version archiving and matchable attributes, one line each. */
export function registrationHandlers(m: RegistrationManagers): Partial<ServiceImpl<typeof AdminService>> {
  return {
    createWorkflow: (req) => m.workflows.create(req),
    getWorkflow: (req) => m.workflows.get(req),
    listWorkflows: (req) => m.workflows.list(req),
    createLaunchPlan: (req) => m.launchPlans.create(req),
    getLaunchPlan: (req) => m.launchPlans.get(req),
    getActiveLaunchPlan: (req) => m.launchPlans.getActive(req),
    listLaunchPlans: (req) => m.launchPlans.list(req),
    updateLaunchPlan: (req) => m.launchPlans.update(req),
    listNamedEntities: (req) => m.namedEntities.list(req),
    updateNamedEntity: (req) => m.namedEntities.update(req),
    archiveVersion: (req) => m.namedEntities.archiveVersion(req),
    updateProjectDomainAttributes: (req) => m.attributes.updateProjectDomain(req),
    getProjectDomainAttributes: (req) => m.attributes.getProjectDomain(req),
    deleteProjectDomainAttributes: (req) => m.attributes.deleteProjectDomain(req),
    updateProjectAttributes: (req) => m.attributes.updateProject(req),
    getProjectAttributes: (req) => m.attributes.getProject(req),
    deleteProjectAttributes: (req) => m.attributes.deleteProject(req),
    updateWorkflowAttributes: (req) => m.attributes.updateWorkflow(req),
    getWorkflowAttributes: (req) => m.attributes.getWorkflow(req),
    deleteWorkflowAttributes: (req) => m.attributes.deleteWorkflow(req),
    updateLaunchPlanAttributes: (req) => m.attributes.updateLaunchPlan(req),
    getLaunchPlanAttributes: (req) => m.attributes.getLaunchPlan(req),
    deleteLaunchPlanAttributes: (req) => m.attributes.deleteLaunchPlan(req),
    listMatchableAttributes: (req) => m.attributes.list(req),
  };
}
