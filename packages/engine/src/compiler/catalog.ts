import { equals, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import {
  LaunchPlanTemplateSchema, TaskTemplateSchema, WorkflowTemplateSchema,
  type Identifier, type LaunchPlanTemplate, type TaskTemplate, type WorkflowTemplate,
} from "@skein/idl";
import type { ErrorSink } from "./compile-error.js";
import { identifierKey, sortedIds } from "./names.js";

/** The templates a compilation may reference. */
export interface CatalogInput {
  readonly tasks?: readonly TaskTemplate[];
  readonly subWorkflows?: readonly WorkflowTemplate[];
  readonly launchPlans?: readonly LaunchPlanTemplate[];
}

/**
 * The referenceable templates, by identifier key, remembering which ones were referenced: only
 * those go into the compiled closure.
 */
export class Catalog {
  private readonly tasks: Table<typeof TaskTemplateSchema>;
  private readonly subWorkflows: Table<typeof WorkflowTemplateSchema>;
  private readonly launchPlans: Table<typeof LaunchPlanTemplateSchema>;

  constructor(input: CatalogInput, sink: ErrorSink) {
    this.tasks = new Table(TaskTemplateSchema, "task", input.tasks ?? [], sink);
    this.subWorkflows = new Table(WorkflowTemplateSchema, "sub-workflow", input.subWorkflows ?? [], sink);
    this.launchPlans = new Table(LaunchPlanTemplateSchema, "launch plan", input.launchPlans ?? [], sink);
  }

  task(id: Identifier | undefined): TaskTemplate | undefined {
    return this.tasks.use(id);
  }

  subWorkflow(id: Identifier | undefined): WorkflowTemplate | undefined {
    return this.subWorkflows.use(id);
  }

  launchPlan(id: Identifier | undefined): LaunchPlanTemplate | undefined {
    return this.launchPlans.use(id);
  }

  /** The referenced tasks, sorted by key. */
  usedTasks(): [string, TaskTemplate][] {
    return this.tasks.used();
  }

  /** The referenced sub-workflows, sorted by key. */
  usedSubWorkflows(): [string, WorkflowTemplate][] {
    return this.subWorkflows.used();
  }

  /** The referenced launch plans, sorted by key. */
  usedLaunchPlans(): [string, LaunchPlanTemplate][] {
    return this.launchPlans.used();
  }
}

class Table<Desc extends DescMessage> {
  private readonly byKey = new Map<string, MessageShape<Desc>>();
  private readonly usedKeys = new Set<string>();

  constructor(
    schema: Desc,
    kind: string,
    templates: readonly (MessageShape<Desc> & { id?: Identifier | undefined })[],
    sink: ErrorSink,
  ) {
    for (const template of templates) {
      const key = identifierKey(template.id);
      const known = this.byKey.get(key);
      if (!known) this.byKey.set(key, template);
      else if (!equals(schema, known, template)) {
        sink.add("DUPLICATE_DEFINITION", {}, `two different ${kind} templates are given for "${key}"`);
      }
    }
  }

  use(id: Identifier | undefined): MessageShape<Desc> | undefined {
    const key = identifierKey(id);
    const template = this.byKey.get(key);
    if (template) this.usedKeys.add(key);
    return template;
  }

  used(): [string, MessageShape<Desc>][] {
    const out: [string, MessageShape<Desc>][] = [];
    for (const key of sortedIds(this.usedKeys)) {
      const template = this.byKey.get(key);
      if (template) out.push([key, template]);
    }
    return out;
  }
}
