import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { WorkflowTemplateSchema, type CompiledWorkflowClosure, type TaskTemplate } from "@skein/idl";
import { compileWorkflow, formatCompileErrors, START_NODE } from "@skein/engine";
import { singleTaskWorkflowId } from "../repositories/transformers/execution-transformer.js";

/** Id of the one node of a single-task workflow. */
export const SINGLE_TASK_NODE = "n0";

/**
 * The workflow a single-task execution runs: one node calling the task, every task input bound to
 * the workflow input of the same name, every task output exposed as a workflow output. It is
 * derived from the (immutable) task version whenever needed, so it is never registered or stored.
 */
export function singleTaskWorkflow(task: TaskTemplate): CompiledWorkflowClosure {
  const taskId = task.id;
  if (taskId === undefined) throw new ConnectError("task template has no id", Code.Internal);
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
  if (!result.ok) {
    // A registered task always compiles on its own; failing here means the task version is unusable.
    throw new ConnectError(`task ${taskId.name}@${taskId.version} cannot run on its own: ${formatCompileErrors(result.errors)}`, Code.FailedPrecondition);
  }
  return result.closure;
}
