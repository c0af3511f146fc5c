import { clone, create, type MessageInitShape } from "@bufbuild/protobuf";
import { TaskTemplateSchema, type Identifier, type TaskTemplate } from "@skein/idl";
import {
  CreateLaunchPlanRequestSchema,
  CreateTaskRequestSchema,
  CreateWorkflowRequestSchema,
  type CreateLaunchPlanRequest,
  type CreateTaskRequest,
  type CreateWorkflowRequest,
  type LaunchPlanSpecSchema,
} from "@skein/idl/admin/v1";
import { assertNever } from "@skein/engine";
import { DefinitionError } from "../definition-error.js";
import type { Entities } from "../entities.js";
import { launchPlanWithIdentity, taskWithIdentity, workflowWithIdentity, type Identity } from "../identity.js";
import type { TaskDefinition } from "../task/define.js";
import type { LaunchPlanDefinition, WorkflowDefinition } from "../workflow/definitions.js";

/** TaskTemplate.config key: uri of the code bundle that holds the task's code. */
export const CODE_BUNDLE_CONFIG_KEY = "skein.code.bundle";
/** TaskTemplate.config key: path, inside the bundle, of the module that defines the task. */
export const CODE_MODULE_CONFIG_KEY = "skein.code.module";

/** The entities of one loaded file; `module` is the file's path inside the code bundle. */
export interface LoadedModule {
  readonly module: string;
  readonly entities: Entities;
}

/** One entity to register, in the order registration must happen. */
export type PlannedEntity =
  | { readonly kind: "task"; readonly name: string; readonly module: string; readonly definition: TaskDefinition }
  | { readonly kind: "workflow"; readonly name: string; readonly definition: WorkflowDefinition }
  | { readonly kind: "launchPlan"; readonly name: string; readonly definition: LaunchPlanDefinition };

/** A registration request ready to send, with the id it registers. */
export type RegistrationRequest =
  | { readonly kind: "task"; readonly id: Identifier; readonly request: CreateTaskRequest }
  | { readonly kind: "workflow"; readonly id: Identifier; readonly request: CreateWorkflowRequest }
  | { readonly kind: "launchPlan"; readonly id: Identifier; readonly request: CreateLaunchPlanRequest };

const kindLabel = { task: "task", workflow: "workflow", launchPlan: "launch plan" } as const;

/**
 * Everything the modules define or reach, each once, in dependency order: every task first, then
 * workflows and launch plans so that whatever a workflow calls (sub-workflow, launch plan) and the
 * workflow a launch plan runs come before it. A task belongs to the first module (in the given
 * order) that exports it, else the first whose workflows reach it. Two different definitions with
 * one name are a DefinitionError.
 */
export function planRegistration(modules: readonly LoadedModule[]): PlannedEntity[] {
  const tasks = new Map<string, { name: string; module: string; definition: TaskDefinition }>();
  const graph = new Map<string, WorkflowDefinition | LaunchPlanDefinition>();
  const claim = <T extends { name: string }>(map: Map<string, T>, key: string, value: T, same: (a: T) => boolean, kind: keyof typeof kindLabel) => {
    const known = map.get(key);
    if (known === undefined) map.set(key, value);
    else if (!same(known)) throw new DefinitionError(`two different ${kindLabel[kind]}s are named "${value.name}"`);
  };
  const addTask = (definition: TaskDefinition, module: string) => {
    claim(tasks, definition.name, { name: definition.name, module, definition }, (k) => k.definition === definition, "task");
  };
  const addGraph = (definition: WorkflowDefinition | LaunchPlanDefinition) => {
    const key = `${definition.kind}:${definition.name}`;
    if (graph.get(key) === definition) return;
    claim(graph, key, definition, (k) => k === definition || isSameDefaultPlan(k, definition), definition.kind);
    if (graph.get(key) !== definition) return;
    if (definition.kind === "launchPlan") addGraph(definition.workflow);
    else {
      for (const sub of definition.subWorkflows.values()) addGraph(sub);
      for (const plan of definition.launchPlans.values()) addGraph(plan);
      addGraph(definition.defaultLaunchPlan);
    }
  };
  for (const { module, entities } of modules) for (const task of entities.tasks.values()) addTask(task, module);
  for (const { module, entities } of modules) {
    const reached = [...entities.workflows.values(), ...[...entities.launchPlans.values()].map((p) => p.workflow)];
    for (const workflow of reached) for (const task of allTasks(workflow)) addTask(task, module);
    for (const workflow of entities.workflows.values()) addGraph(workflow);
    for (const plan of entities.launchPlans.values()) addGraph(plan);
  }
  const ordered: PlannedEntity[] = [...tasks.values()]
    .sort((a, b) => compare(a.definition.name, b.definition.name))
    .map(({ module, definition }) => ({ kind: "task", name: definition.name, module, definition }));
  const done = new Set<string>();
  const visit = (definition: WorkflowDefinition | LaunchPlanDefinition) => {
    const key = `${definition.kind}:${definition.name}`;
    if (done.has(key)) return;
    done.add(key);
    if (definition.kind === "launchPlan") {
      visit(definition.workflow);
      ordered.push({ kind: "launchPlan", name: definition.name, definition });
      return;
    }
    for (const sub of sortedValues(definition.subWorkflows)) visit(sub);
    for (const plan of sortedValues(definition.launchPlans)) visit(plan);
    ordered.push({ kind: "workflow", name: definition.name, definition });
  };
  for (const key of [...graph.keys()].sort(compare)) {
    const definition = graph.get(key);
    if (definition) visit(definition);
  }
  return ordered;
}

// A workflow's default launch plan is rebuilt each time it is asked for in some SDK paths; two
// default plans of one workflow are the same plan.
function isSameDefaultPlan(a: WorkflowDefinition | LaunchPlanDefinition, b: WorkflowDefinition | LaunchPlanDefinition): boolean {
  return a.kind === "launchPlan" && b.kind === "launchPlan" && a.workflow === b.workflow && a.workflow.defaultLaunchPlan === a && b.workflow.defaultLaunchPlan === b;
}

function allTasks(workflow: WorkflowDefinition): TaskDefinition[] {
  const found = [...workflow.tasks.values()];
  for (const sub of workflow.subWorkflows.values()) found.push(...allTasks(sub));
  return found;
}

function sortedValues<T extends { name: string }>(map: ReadonlyMap<string, T>): T[] {
  return [...map.values()].sort((a, b) => compare(a.name, b.name));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The task's template pointing at its code: the bundle's uri and the module inside it. */
export function taskTemplateWithCode(template: TaskTemplate, bundleUri: string, module: string): TaskTemplate {
  const copy = clone(TaskTemplateSchema, template);
  copy.config[CODE_BUNDLE_CONFIG_KEY] = bundleUri;
  copy.config[CODE_MODULE_CONFIG_KEY] = module;
  return copy;
}

/** The requests that register `plan` under `identity`, in the plan's order. */
export function registrationRequests(plan: readonly PlannedEntity[], identity: Identity, bundleUri: string): RegistrationRequest[] {
  return plan.map((entity): RegistrationRequest => {
    switch (entity.kind) {
      case "task": {
        const template = taskWithIdentity(taskTemplateWithCode(entity.definition.template, bundleUri, entity.module), identity);
        const id = required(template.id, entity);
        return { kind: "task", id, request: create(CreateTaskRequestSchema, { id, spec: { template, description: entity.definition.description } }) };
      }
      case "workflow": {
        const template = workflowWithIdentity(entity.definition.template, identity);
        const id = required(template.id, entity);
        return { kind: "workflow", id, request: create(CreateWorkflowRequestSchema, { id, spec: { template, description: entity.definition.description } }) };
      }
      case "launchPlan": {
        const plan = entity.definition;
        const id = required(launchPlanWithIdentity(plan.template, identity).id, entity);
        const workflowId = required(workflowWithIdentity(plan.workflow.template, identity).id, entity);
        const request = create(CreateLaunchPlanRequestSchema, { id, spec: { workflowId, ...launchPlanSpecFields(plan) } });
        return { kind: "launchPlan", id, request };
      }
      default:
        return assertNever(entity);
    }
  });
}

function required(id: Identifier | undefined, entity: PlannedEntity): Identifier {
  if (!id) throw new DefinitionError(`${kindLabel[entity.kind]} "${entity.name}" has no id`);
  return id;
}

/** What a launch plan definition contributes to its registered spec (all but the workflow id). */
export function launchPlanSpecFields(plan: LaunchPlanDefinition): Omit<MessageInitShape<typeof LaunchPlanSpecSchema>, "workflowId" | "$typeName"> {
  const { concurrencyPolicy, labels, ...settings } = plan.executionDefaults;
  return {
    defaultInputs: plan.defaults,
    fixedInputs: plan.fixed,
    schedule: plan.schedule,
    description: plan.description,
    ...settings,
    ...(concurrencyPolicy !== undefined ? { concurrencyPolicy: { ...concurrencyPolicy } } : {}),
    ...(labels !== undefined ? { labels: { ...labels } } : {}),
  };
}
