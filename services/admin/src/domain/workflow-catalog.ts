import { Code, ConnectError } from "@connectrpc/connect";
import type { Identifier, LaunchPlanTemplate, TaskTemplate, WorkflowTemplate } from "@skein/idl";
import type { LaunchPlanRepository } from "../repositories/launch-plan-repository.js";
import type { TaskRepository } from "../repositories/task-repository.js";
import { taskTemplateFromRow } from "../repositories/transformers/task-transformer.js";
import { launchPlanTemplateFromRow } from "../repositories/transformers/launch-plan-transformer.js";
import { compiledClosureFromRow } from "../repositories/transformers/workflow-transformer.js";
import type { WorkflowRepository } from "../repositories/workflow-repository.js";
import { versionKeyText } from "../repositories/version-key.js";
import { nodeReferences, type NodeReference } from "./workflow-references.js";

/** The registered templates a workflow may be compiled against. */
export interface CatalogRepositories {
  readonly tasks: TaskRepository;
  readonly workflows: WorkflowRepository;
  readonly launchPlans: LaunchPlanRepository;
}

/** What the compiler gets, and every reference that could not be satisfied. */
export interface ResolvedCatalog {
  readonly tasks: TaskTemplate[];
  readonly subWorkflows: WorkflowTemplate[];
  readonly launchPlans: LaunchPlanTemplate[];
  readonly problems: string[];
}

function isComplete(id: Identifier): boolean {
  return id.project !== "" && id.domain !== "" && id.name !== "" && id.version !== "";
}

async function orUndefined<T>(lookup: Promise<T>): Promise<T | undefined> {
  try {
    return await lookup;
  } catch (error) {
    if (error instanceof ConnectError && error.code === Code.NotFound) return undefined;
    throw error;
  }
}

/**
 * Looks up every task, launch plan and sub-workflow that `primary` and the given sub-workflows
 * reference. A registered sub-workflow brings its whole compiled closure along (its own tasks,
 * launch plans and sub-workflows), so nothing below it needs looking up. References that are
 * incomplete, unregistered or archived become problems naming the workflow, node and id.
 */
export async function resolveCatalog(repos: CatalogRepositories, primary: WorkflowTemplate, given: readonly WorkflowTemplate[]): Promise<ResolvedCatalog> {
  const tasks = new Map<string, TaskTemplate>();
  const launchPlans = new Map<string, LaunchPlanTemplate>();
  const subWorkflows = new Map<string, WorkflowTemplate>();
  for (const template of given) if (template.id !== undefined) subWorkflows.set(versionKeyText(template.id), template);
  const problems: string[] = [];
  const queue = [primary, ...given];
  const report = (workflow: WorkflowTemplate, ref: NodeReference, what: string) =>
    problems.push(`workflow "${workflow.id?.name ?? ""}", node "${ref.node}": ${ref.kind} "${versionKeyText(ref.id)}" ${what}`);

  for (let workflow = queue.shift(); workflow !== undefined; workflow = queue.shift()) {
    for (const ref of nodeReferences(workflow)) {
      if (!isComplete(ref.id)) {
        report(workflow, ref, "is not a complete identifier (project, domain, name and version are required)");
        continue;
      }
      const key = versionKeyText(ref.id);
      switch (ref.kind) {
        case "task": {
          if (tasks.has(key)) break;
          const row = await orUndefined(repos.tasks.get(ref.id));
          if (row === undefined) report(workflow, ref, "is not registered");
          else if (row.state === "archived") report(workflow, ref, "is archived");
          else tasks.set(key, taskTemplateFromRow(row));
          break;
        }
        case "launch plan": {
          if (launchPlans.has(key)) break;
          const row = await repos.launchPlans.find(ref.id);
          if (row === undefined) report(workflow, ref, "is not registered");
          else if (row.state === "archived") report(workflow, ref, "is archived");
          else launchPlans.set(key, launchPlanTemplateFromRow(row));
          break;
        }
        case "workflow": {
          if (subWorkflows.has(key)) break;
          const row = await repos.workflows.find(ref.id);
          if (row === undefined) {
            report(workflow, ref, "is not registered (nor given in spec.sub_workflows)");
            break;
          }
          if (row.state === "archived") {
            report(workflow, ref, "is archived");
            break;
          }
          const closure = compiledClosureFromRow(row);
          for (const compiled of [closure.primary, ...closure.subWorkflows]) {
            const template = compiled?.template;
            if (template?.id !== undefined && !subWorkflows.has(versionKeyText(template.id))) subWorkflows.set(versionKeyText(template.id), template);
          }
          for (const task of closure.tasks) if (task.template?.id !== undefined) tasks.set(versionKeyText(task.template.id), task.template);
          for (const plan of closure.launchPlans) if (plan.template?.id !== undefined) launchPlans.set(versionKeyText(plan.template.id), plan.template);
          break;
        }
      }
    }
  }
  return { tasks: [...tasks.values()], subWorkflows: [...subWorkflows.values()], launchPlans: [...launchPlans.values()], problems };
}
