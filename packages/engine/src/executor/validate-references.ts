import type { Node } from "@skein/idl";
import { assertNever } from "../assert-never.js";
import { branchCases, GraphError, workflowGraph } from "./graph.js";
import { identifierKey, type Library } from "./library.js";

// Every task and sub-workflow a list of nodes references must be in its library, checked before
// anything runs (at engine creation, or when a dynamic spec arrives) rather than mid-execution.

/** Throws GraphError naming the node and the missing template. */
export function checkReferences(what: string, nodes: readonly Node[], library: Library, seen = new Set<object>()): void {
  for (const node of nodes) checkNode(what, node, library, seen);
}

function checkNode(what: string, node: Node, library: Library, seen: Set<object>): void {
  const t = node.target;
  switch (t.case) {
    case "taskNode": {
      const ref = t.value.reference.case === "referenceId" ? t.value.reference.value : undefined;
      if (!library.task(ref)) throw new GraphError(`${what}: node "${node.id}" runs task "${identifierKey(ref)}", which is not in the closure`);
      return;
    }
    case "workflowNode": {
      const ref = t.value.reference;
      if (ref.case !== "subWorkflowRef") return;
      const template = library.workflow(ref.value);
      if (!template) throw new GraphError(`${what}: node "${node.id}" runs sub-workflow "${identifierKey(ref.value)}", which is not in the closure`);
      if (seen.has(template)) return;
      seen.add(template);
      const inner = `sub-workflow "${identifierKey(ref.value)}"`;
      workflowGraph(template);
      checkReferences(inner, template.nodes, library, seen);
      if (template.failureNode) checkNode(inner, template.failureNode, library, seen);
      return;
    }
    case "branchNode":
      for (const child of branchCases(node).values()) checkNode(what, child, library, seen);
      return;
    case "arrayNode":
      if (!t.value.node) throw new GraphError(`${what}: array node "${node.id}" has no sub-node`);
      checkNode(what, t.value.node, library, seen);
      return;
    case "gateNode":
      return;
    case undefined:
      throw new GraphError(`${what}: node "${node.id}" has nothing to run (no task, workflow, branch, gate or array)`);
    default:
      assertNever(t, "node target");
  }
}
