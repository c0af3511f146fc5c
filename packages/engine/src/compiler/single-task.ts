import { create } from "@bufbuild/protobuf";
import { ResourceType, WorkflowTemplateSchema, type CompiledWorkflowClosure, type Identifier, type TaskTemplate } from "@skein/idl";
import { formatCompileErrors } from "./compile-error.js";
import { compileWorkflow } from "./compile-workflow.js";
import { START_NODE } from "./names.js";

/** Id of the one node of a single-task workflow. */
export const SINGLE_TASK_NODE = "n0";

/** A task that cannot run on its own: it has no id, or its one-node workflow does not compile. */
export class SingleTaskError extends Error {
  constructor(
    message: string,
    /** `missing-id` for a template without an id, `compile` for a template that does not compile. */
    readonly reason: "missing-id" | "compile",
  ) {
    super(message);
    this.name = "SingleTaskError";
  }
}

/** The id of the workflow a task version runs in on its own; a name no registered workflow can have. */
export function singleTaskWorkflowId(task: { project: string; domain: string; name: string; version: string }): Identifier {
  return {
    $typeName: "skein.core.v1.Identifier",
    resourceType: ResourceType.WORKFLOW,
    project: task.project,
    domain: task.domain,
    name: `.skeingen.${task.name}`,
    version: task.version,
  };
}

/**
 * The workflow a single-task execution runs: one node calling the task, every task input bound to
 * the workflow input of the same name, every task output exposed as a workflow output. It is
 * derived from the (immutable) task version whenever needed, by admin and by the data plane alike,
 * so it is never registered or stored.
 */
export function singleTaskWorkflow(task: TaskTemplate): CompiledWorkflowClosure {
  const taskId = task.id;
  if (taskId === undefined) throw new SingleTaskError("task template has no id", "missing-id");
  const inputs = task.interface?.inputs?.variables ?? {};
  const outputs = task.interface?.outputs?.variables ?? {};
  const template = create(WorkflowTemplateSchema, {
    id: singleTaskWorkflowId(taskId),
    interface: task.interface,
    nodes: [
      {
        id: SINGLE_TASK_NODE,
        metadata: { name: taskId.name },
        inputs: Object.keys(inputs)
          .sort()
          .map((name) => ({ var: name, binding: { value: { case: "promise" as const, value: { nodeId: START_NODE, var: name } } } })),
        target: { case: "taskNode", value: { reference: { case: "referenceId", value: taskId } } },
      },
    ],
    outputs: Object.keys(outputs)
      .sort()
      .map((name) => ({ var: name, binding: { value: { case: "promise" as const, value: { nodeId: SINGLE_TASK_NODE, var: name } } } })),
  });
  const result = compileWorkflow({ workflow: template, tasks: [task] });
  if (!result.ok) throw new SingleTaskError(`task ${taskId.name}@${taskId.version} cannot run on its own: ${formatCompileErrors(result.errors)}`, "compile");
  return result.closure;
}
