import type { Domain } from "@skein/idl/admin/v1";
import type { Logger } from "@skein/server";
import type { AdminContext } from "../context.js";
import type { RegistrationManagers } from "../handlers/registration-handlers.js";
import { AttributeRepository } from "../repositories/attribute-repository.js";
import { LaunchPlanRepository } from "../repositories/launch-plan-repository.js";
import { NamedEntityRepository } from "../repositories/named-entity-repository.js";
import type { ProjectRepository } from "../repositories/project-repository.js";
import { TaskRepository } from "../repositories/task-repository.js";
import { WorkflowRepository } from "../repositories/workflow-repository.js";
import { AttributeManager } from "./attribute-manager.js";
import { LaunchPlanManager } from "./launch-plan-manager.js";
import { NamedEntityManager } from "./named-entity-manager.js";
import { WorkflowManager } from "./workflow-manager.js";

/** Builds the workflow, launch plan, named entity and attribute managers over one set of repositories. */
export function registrationManagers(ctx: AdminContext, projects: ProjectRepository, domains: readonly Domain[], logger: Logger): RegistrationManagers {
  const clock = ctx.clock;
  const tasks = new TaskRepository(ctx.db);
  const workflows = new WorkflowRepository(ctx.db);
  const launchPlans = new LaunchPlanRepository(ctx.db);
  return {
    workflows: new WorkflowManager({ tasks, workflows, launchPlans, projects, domains, clock, logger: logger.child("admin.workflows") }),
    launchPlans: new LaunchPlanManager({ db: ctx.db, launchPlans, workflows, projects, domains, clock, logger: logger.child("admin.launch-plans") }),
    namedEntities: new NamedEntityManager({
      db: ctx.db, names: new NamedEntityRepository(ctx.db), tasks, workflows, launchPlans, clock, logger: logger.child("admin.named-entities"),
    }),
    attributes: new AttributeManager({ attributes: new AttributeRepository(ctx.db), projects, domains, clock, logger: logger.child("admin.attributes") }),
  };
}
