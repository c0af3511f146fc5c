import type { Identifier, Node, WorkflowTemplate } from "@skein/idl";
import { assertNever } from "@skein/engine";

/** One entity a workflow's node points at, with the node that does (a path for nested nodes). */
export interface NodeReference {
  readonly kind: "task" | "workflow" | "launch plan";
  readonly node: string;
  readonly id: Identifier;
}

function visit(node: Node | undefined, path: string, out: NodeReference[]): void {
  if (node === undefined) return;
  const here = path === "" ? node.id : `${path}/${node.id}`;
  const target = node.target;
  switch (target.case) {
    case "taskNode":
      if (target.value.reference.case === "referenceId") out.push({ kind: "task", node: here, id: target.value.reference.value });
      return;
    case "workflowNode": {
      const ref = target.value.reference;
      if (ref.case === "launchplanRef") out.push({ kind: "launch plan", node: here, id: ref.value });
      else if (ref.case === "subWorkflowRef") out.push({ kind: "workflow", node: here, id: ref.value });
      return;
    }
    case "branchNode": {
      const ifElse = target.value.ifElse;
      visit(ifElse?.case?.thenNode, here, out);
      for (const block of ifElse?.other ?? []) visit(block.thenNode, here, out);
      if (ifElse?.default.case === "elseNode") visit(ifElse.default.value, here, out);
      return;
    }
    case "arrayNode":
      visit(target.value.node, here, out);
      return;
    case "gateNode":
    case undefined:
      return;
    default:
      return assertNever(target, "node target");
  }
}

/** Every task, sub-workflow and launch plan the template's nodes (failure node included) reference. */
export function nodeReferences(template: WorkflowTemplate): NodeReference[] {
  const out: NodeReference[] = [];
  for (const node of template.nodes) visit(node, "", out);
  visit(template.failureNode, "", out);
  return out;
}
