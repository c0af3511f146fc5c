import type { Node, VariableMap } from "@skein/idl";
import type { Library } from "./library.js";

// The variables a node declares, read from what it runs (a task, a sub-workflow, a launch plan).
// Undefined for nodes whose interface comes from elsewhere (branches, gates, arrays) or whose
// template is not in the library.

function targetInterface(node: Node, library: Library) {
  const t = node.target;
  if (t.case === "taskNode" && t.value.reference.case === "referenceId") return library.task(t.value.reference.value)?.interface;
  if (t.case === "workflowNode") {
    const ref = t.value.reference;
    if (ref.case === "subWorkflowRef") return library.workflow(ref.value)?.interface;
    if (ref.case === "launchplanRef") return library.launchPlan(ref.value)?.interface;
  }
  return undefined;
}

export function declaredInputs(node: Node, library: Library): VariableMap | undefined {
  return targetInterface(node, library)?.inputs;
}

export function declaredOutputs(node: Node, library: Library): VariableMap | undefined {
  return targetInterface(node, library)?.outputs;
}
