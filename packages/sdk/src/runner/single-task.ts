import { create } from "@bufbuild/protobuf";
import { CompileErrors, compileWorkflow } from "@skein/engine";
import { BindingSchema, IdentifierSchema, ResourceType, WorkflowFailurePolicy, WorkflowTemplateSchema, type CompiledWorkflowClosure, type TaskTemplate } from "@skein/idl";

/**
 * Wraps one task in a workflow of one node, so a task runs through the same engine, with the same
 * caching, retries and timeouts, as it does inside any workflow.
 */
export function singleTaskClosure(task: TaskTemplate): CompiledWorkflowClosure {
  const id = task.id ?? create(IdentifierSchema);
  const inputs = Object.keys(task.interface?.inputs?.variables ?? {});
  const outputs = Object.keys(task.interface?.outputs?.variables ?? {});
  const workflow = create(WorkflowTemplateSchema, {
    id: { project: id.project, domain: id.domain, name: id.name, version: id.version, resourceType: ResourceType.WORKFLOW },
    metadata: { onFailure: WorkflowFailurePolicy.FAIL_IMMEDIATELY },
    interface: task.interface,
    nodes: [
      {
        id: "n0",
        metadata: { name: id.name },
        inputs: inputs.map((name) => create(BindingSchema, { var: name, binding: { value: { case: "promise", value: { nodeId: "start-node", var: name } } } })),
        target: { case: "taskNode", value: { reference: { case: "referenceId", value: id } } },
      },
    ],
    outputs: outputs.map((name) => create(BindingSchema, { var: name, binding: { value: { case: "promise", value: { nodeId: "n0", var: name } } } })),
  });
  const result = compileWorkflow({ workflow, tasks: [task] });
  if (!result.ok) throw new CompileErrors(result.errors);
  return result.closure;
}
