import { equals } from "@bufbuild/protobuf";
import {
  LaunchPlanTemplateSchema, TaskTemplateSchema, WorkflowTemplateSchema,
  type LaunchPlanTemplate, type TaskTemplate, type WorkflowTemplate,
} from "@skein/idl";
import { DefinitionError } from "../definition-error.js";
import type { CalledEntity } from "./node.js";

// Everything a body calls, directly or through sub-workflows: the tasks, sub-workflows and launch
// plans a closure needs. Entities are keyed by name; two different definitions under one name
// would make references ambiguous, so that is an error.

interface Templated<T> {
  readonly name: string;
  readonly template: T;
}

export interface TaskLike extends Templated<TaskTemplate> {
  readonly kind: "task";
}

export interface LaunchPlanLike extends Templated<LaunchPlanTemplate> {
  readonly kind: "launchPlan";
}

export interface WorkflowLike extends Templated<WorkflowTemplate> {
  readonly kind: "workflow";
  readonly tasks: ReadonlyMap<string, TaskLike>;
  readonly subWorkflows: ReadonlyMap<string, WorkflowLike>;
  readonly launchPlans: ReadonlyMap<string, LaunchPlanLike>;
}

export interface Closure {
  readonly tasks: Map<string, TaskLike>;
  readonly subWorkflows: Map<string, WorkflowLike>;
  readonly launchPlans: Map<string, LaunchPlanLike>;
}

function add<T extends Templated<unknown>>(map: Map<string, T>, entity: T, same: (a: T, b: T) => boolean, what: string, owner: string): void {
  const known = map.get(entity.name);
  if (known === undefined) map.set(entity.name, entity);
  else if (known !== entity && !same(known, entity)) {
    throw new DefinitionError(`${owner}: two different ${what}s are named "${entity.name}"; give one of them another name`);
  }
}

const sameTask = (a: TaskLike, b: TaskLike) => equals(TaskTemplateSchema, a.template, b.template);
const sameWorkflow = (a: WorkflowLike, b: WorkflowLike) => equals(WorkflowTemplateSchema, a.template, b.template);
const samePlan = (a: LaunchPlanLike, b: LaunchPlanLike) => equals(LaunchPlanTemplateSchema, a.template, b.template);

/** The closure of the entities a body called (plus extra tasks, such as a failure task). */
export function collectClosure(entities: Iterable<CalledEntity>, owner: string): Closure {
  const closure: Closure = { tasks: new Map(), subWorkflows: new Map(), launchPlans: new Map() };
  for (const entity of entities) {
    switch (entity.kind) {
      case "task":
        add(closure.tasks, entity as TaskLike, sameTask, "task", owner);
        break;
      case "launchPlan":
        add(closure.launchPlans, entity as LaunchPlanLike, samePlan, "launch plan", owner);
        break;
      case "workflow": {
        const sub = entity as WorkflowLike;
        add(closure.subWorkflows, sub, sameWorkflow, "workflow", owner);
        for (const task of sub.tasks.values()) add(closure.tasks, task, sameTask, "task", owner);
        for (const nested of sub.subWorkflows.values()) add(closure.subWorkflows, nested, sameWorkflow, "workflow", owner);
        for (const plan of sub.launchPlans.values()) add(closure.launchPlans, plan, samePlan, "launch plan", owner);
        break;
      }
    }
  }
  return closure;
}
