import { create } from "@bufbuild/protobuf";
import { CompiledWorkflowClosureSchema, ResourceType, type CompiledWorkflowClosure, type Identifier, type TaskTemplate } from "@skein/idl";

// A task launched on its own runs in a one-node workflow that admin and the data plane derive from
// the task version and never register: its id is the task's, with the name prefixed. The console
// draws that workflow from the task instead of asking admin for a workflow that does not exist.
const prefix = ".skeingen.";
/** The id of that one node, as the engine names it. */
export const singleTaskNode = "n0";

/** The task a single-task execution's workflow id stands for; undefined for a registered workflow. */
export function singleTaskOf(workflowId: Identifier): Identifier | undefined {
  if (!workflowId.name.startsWith(prefix)) return undefined;
  return { ...workflowId, resourceType: ResourceType.TASK, name: workflowId.name.slice(prefix.length) };
}

/** The one-node workflow a task runs in on its own, enough to draw: the node and the task's interface. */
export function singleTaskClosure(workflowId: Identifier, task: TaskTemplate): CompiledWorkflowClosure {
  return create(CompiledWorkflowClosureSchema, {
    primary: {
      template: {
        id: workflowId,
        interface: task.interface,
        nodes: [{ id: singleTaskNode, metadata: { name: task.id?.name ?? "" }, target: { case: "taskNode", value: { reference: { case: "referenceId", value: task.id ?? workflowId } } } }],
      },
    },
    tasks: [{ template: task }],
  });
}
