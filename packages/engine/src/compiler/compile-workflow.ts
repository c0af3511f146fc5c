import { create } from "@bufbuild/protobuf";
import {
  CompiledLaunchPlanSchema, CompiledTaskSchema, CompiledWorkflowClosureSchema,
  type CompiledWorkflow, type CompiledWorkflowClosure, type LaunchPlanTemplate, type TaskTemplate, type WorkflowTemplate,
} from "@skein/idl";
import { Catalog } from "./catalog.js";
import { ErrorSink, type CompileError } from "./compile-error.js";
import { compileOne, type CompileOneOptions } from "./compile-one.js";
import { checkTask } from "./compile-task.js";
import { identifierKey, sortedIds } from "./names.js";

/** What to compile: a workflow and the templates its nodes may reference. */
export interface CompileInput {
  readonly workflow: WorkflowTemplate;
  readonly tasks: readonly TaskTemplate[];
  readonly subWorkflows?: readonly WorkflowTemplate[];
  readonly launchPlans?: readonly LaunchPlanTemplate[];
}

/** A closure ready to run, or every problem found. */
export type CompileResult =
  | { readonly ok: true; readonly closure: CompiledWorkflowClosure }
  | { readonly ok: false; readonly errors: CompileError[] };

/**
 * Compiles a workflow into a closure holding it, every sub-workflow it runs (directly or through
 * other sub-workflows), and the tasks and launch plans they reference; templates given but never
 * referenced are left out. Lists are sorted by identifier so equal inputs give equal closures.
 */
export function compileWorkflow(input: CompileInput): CompileResult {
  const sink = new ErrorSink(workflowName(input.workflow));
  const catalog = new Catalog(input, sink);
  return compileClosure(input.workflow, catalog, sink, {});
}

/** The name a workflow goes by in messages. */
export function workflowName(template: WorkflowTemplate): string {
  return template.id?.name || "<unnamed>";
}

/** Compiles `primary` and what it references from `catalog` (shared with dynamic specs). */
export function compileClosure(primary: WorkflowTemplate, catalog: Catalog, sink: ErrorSink, options: CompileOneOptions): CompileResult {
  const primaryKey = identifierKey(primary.id);
  const first = compileOne(primary, catalog, sink, options);
  const compiled = new Map<string, CompiledWorkflow>();
  const calls = new Map<string, readonly string[]>([[primaryKey, [...first.subWorkflows.keys()]]]);
  const pending = [...first.subWorkflows];
  for (let entry = pending.pop(); entry !== undefined; entry = pending.pop()) {
    const [key, template] = entry;
    if (compiled.has(key) || key === primaryKey) continue;
    const result = compileOne(template, catalog, sink.forWorkflow(workflowName(template)));
    compiled.set(key, result.compiled);
    calls.set(key, [...result.subWorkflows.keys()]);
    pending.push(...result.subWorkflows);
  }
  reportRecursion(calls, sink);
  for (const [key, task] of catalog.usedTasks()) checkTask(task, sink, key);
  if (sink.errors.length > 0) return { ok: false, errors: sink.errors };

  const closure = create(CompiledWorkflowClosureSchema, {
    primary: first.compiled,
    subWorkflows: sortedIds(compiled.keys()).flatMap((key) => compiled.get(key) ?? []),
    tasks: catalog.usedTasks().map(([, template]) => create(CompiledTaskSchema, { template })),
    launchPlans: catalog.usedLaunchPlans().map(([, template]) => create(CompiledLaunchPlanSchema, { template })),
  });
  return { ok: true, closure };
}

// A sub-workflow that runs itself, directly or through others, would never finish expanding.
function reportRecursion(calls: ReadonlyMap<string, readonly string[]>, sink: ErrorSink): void {
  const state = new Map<string, "active" | "done">();
  const path: string[] = [];
  const visit = (key: string): void => {
    state.set(key, "active");
    path.push(key);
    for (const callee of calls.get(key) ?? []) {
      const s = state.get(callee);
      if (s === "active") {
        const loop = [...path.slice(path.indexOf(callee)), callee];
        sink.add("RECURSIVE_SUBWORKFLOW", {}, `sub-workflow "${callee}" runs itself: ${loop.join(" -> ")}`);
      } else if (s === undefined) visit(callee);
    }
    path.pop();
    state.set(key, "done");
  };
  for (const key of sortedIds(calls.keys())) if (!state.has(key)) visit(key);
}
