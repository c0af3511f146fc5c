import type { CompiledWorkflowClosure, Identifier, LaunchPlanTemplate, TaskTemplate, WorkflowTemplate } from "@skein/idl";

// The templates a scope can reference: the closure's tasks, sub-workflows and launch plans, plus
// those a dynamic node's spec brings (layered on top of its parent's library).

/** Identity of a template for lookups: project, domain, name and version (not resource type). */
export function identifierKey(id: Identifier | undefined): string {
  if (!id) return "<no identifier>";
  return `${id.project}/${id.domain}/${id.name}@${id.version}`;
}

/** Templates by identity, searched here first and then in the parent library. */
export class Library {
  private constructor(
    private readonly tasks: ReadonlyMap<string, TaskTemplate>,
    private readonly workflows: ReadonlyMap<string, WorkflowTemplate>,
    private readonly launchPlans: ReadonlyMap<string, LaunchPlanTemplate>,
    private readonly parent: Library | undefined,
  ) {}

  static fromClosure(closure: CompiledWorkflowClosure): Library {
    return new Library(
      byId(closure.tasks.map((t) => t.template)),
      byId(closure.subWorkflows.map((w) => w.template)),
      byId(closure.launchPlans.map((l) => l.template)),
      undefined,
    );
  }

  /** A library that sees `tasks` and `workflows` in addition to this one's. */
  extend(tasks: readonly TaskTemplate[], workflows: readonly WorkflowTemplate[]): Library {
    return new Library(byId(tasks), byId(workflows), new Map(), this);
  }

  task(id: Identifier | undefined): TaskTemplate | undefined {
    return this.tasks.get(identifierKey(id)) ?? this.parent?.task(id);
  }

  workflow(id: Identifier | undefined): WorkflowTemplate | undefined {
    return this.workflows.get(identifierKey(id)) ?? this.parent?.workflow(id);
  }

  launchPlan(id: Identifier | undefined): LaunchPlanTemplate | undefined {
    return this.launchPlans.get(identifierKey(id)) ?? this.parent?.launchPlan(id);
  }

  /** Every template this library sees; a template shadows the parent library's of the same id. */
  visible(): { tasks: TaskTemplate[]; workflows: WorkflowTemplate[]; launchPlans: LaunchPlanTemplate[] } {
    const tasks = new Map(this.tasks);
    const workflows = new Map(this.workflows);
    const launchPlans = new Map(this.launchPlans);
    for (let library = this.parent; library !== undefined; library = library.parent) {
      addMissing(tasks, library.tasks);
      addMissing(workflows, library.workflows);
      addMissing(launchPlans, library.launchPlans);
    }
    return { tasks: [...tasks.values()], workflows: [...workflows.values()], launchPlans: [...launchPlans.values()] };
  }
}

function byId<T extends { readonly id?: Identifier | undefined }>(templates: readonly (T | undefined)[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const t of templates) if (t) map.set(identifierKey(t.id), t);
  return map;
}

function addMissing<T>(into: Map<string, T>, from: ReadonlyMap<string, T>): void {
  for (const [key, template] of from) if (!into.has(key)) into.set(key, template);
}
