import { DefinitionError } from "./definition-error.js";
import type { TaskDefinition } from "./task/define.js";
import type { LaunchPlanDefinition, WorkflowDefinition } from "./workflow/definitions.js";

/** The definitions found in a module, each findable by its entity name and by its export name. */
export interface Entities {
  readonly tasks: Map<string, TaskDefinition>;
  readonly workflows: Map<string, WorkflowDefinition>;
  /** Exported launch plans, plus the default launch plan of every exported workflow. */
  readonly launchPlans: Map<string, LaunchPlanDefinition>;
}

type Kind = "task" | "workflow" | "launchPlan";

function kindOf(value: unknown): Kind | undefined {
  if ((typeof value !== "function" && typeof value !== "object") || value === null) return undefined;
  const { kind, template, name } = value as { kind?: unknown; template?: unknown; name?: unknown };
  if (typeof template !== "object" || template === null || typeof name !== "string") return undefined;
  return kind === "task" || kind === "workflow" || kind === "launchPlan" ? kind : undefined;
}

/**
 * The tasks, workflows and launch plans a loaded user module exports. Entity names take
 * precedence over export names; two different definitions with one entity name are an error.
 */
export function collectEntities(moduleExports: Record<string, unknown>): Entities {
  const found = { task: new Map<string, unknown>(), workflow: new Map<string, unknown>(), launchPlan: new Map<string, unknown>() };
  const aliases: [Kind, string, unknown][] = [];
  for (const [exportName, value] of Object.entries(moduleExports)) {
    const kind = kindOf(value);
    if (!kind) continue;
    addByName(found[kind], value as { name: string }, kind);
    aliases.push([kind, exportName, value]);
    if (kind === "workflow") {
      const plan = (value as WorkflowDefinition).defaultLaunchPlan;
      if (!found.launchPlan.has(plan.name)) found.launchPlan.set(plan.name, plan);
    }
  }
  for (const [kind, exportName, value] of aliases) if (!found[kind].has(exportName)) found[kind].set(exportName, value);
  return {
    tasks: found.task as Map<string, TaskDefinition>,
    workflows: found.workflow as Map<string, WorkflowDefinition>,
    launchPlans: found.launchPlan as Map<string, LaunchPlanDefinition>,
  };
}

function addByName(map: Map<string, unknown>, entity: { name: string }, kind: Kind): void {
  const known = map.get(entity.name) as { kind?: unknown; isDefault?: unknown } | undefined;
  if (known !== undefined && known !== entity) {
    // An exported launch plan replaces a workflow's default one of the same name.
    if (kind === "launchPlan" && isDefaultPlan(known)) {
      map.set(entity.name, entity);
      return;
    }
    throw new DefinitionError(`two different ${kind === "launchPlan" ? "launch plan" : kind}s are named "${entity.name}"`);
  }
  map.set(entity.name, entity);
}

function isDefaultPlan(plan: unknown): boolean {
  const p = plan as LaunchPlanDefinition;
  return p.workflow.defaultLaunchPlan === p;
}
