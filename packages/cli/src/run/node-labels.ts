import { assertNever } from "@skein/engine";
import type { Identifier, Node, WorkflowTemplate } from "@skein/idl";
import type { RunnableEntity } from "@skein/sdk";

// Progress lines name what each node runs: `n1/n0 analyze`. A path is resolved one segment at a
// time from the top workflow, because ids repeat between a workflow and the subworkflows it calls
// (each has its own n0). Segments under a map are item indexes; under a dynamic task, ids only
// known at run time: those stay unlabeled.

function idKey(id: Identifier | undefined): string {
  return id ? [id.project, id.domain, id.name, id.version].join("/") : "";
}

/** The nodes the next path segment is looked up in. */
function childrenOf(node: Node, subWorkflows: ReadonlyMap<string, WorkflowTemplate>): readonly Node[] {
  const target = node.target;
  switch (target.case) {
    case "branchNode": {
      const ifElse = target.value.ifElse;
      const arms = [ifElse?.case?.thenNode, ...(ifElse?.other.map((o) => o.thenNode) ?? []), ifElse?.default.case === "elseNode" ? ifElse.default.value : undefined];
      return arms.filter((n): n is Node => n !== undefined);
    }
    case "workflowNode":
      return target.value.reference.case === "subWorkflowRef" ? (subWorkflows.get(idKey(target.value.reference.value))?.nodes ?? []) : [];
    case "arrayNode":
      return target.value.node ? [target.value.node] : [];
    case "taskNode":
    case "gateNode":
    case undefined:
      return [];
    default:
      return assertNever(target, "node target");
  }
}

/** `n0 say_hello`: a node path followed by the name of what it runs, when that is known. */
export function nodeLabels(entity: RunnableEntity): (path: string) => string {
  if (entity.kind === "task") return (path) => (path === "n0" ? `n0 ${entity.name}` : path);
  const closure = (entity.kind === "launchPlan" ? entity.workflow : entity).compile();
  const subWorkflows = new Map(closure.subWorkflows.flatMap((w) => (w.template ? [[idKey(w.template.id), w.template] as const] : [])));
  const primary = closure.primary?.template;
  const top = [...(primary?.nodes ?? []), ...(primary?.failureNode ? [primary.failureNode] : [])];
  return (path) => {
    let nodes: readonly Node[] = top;
    let node: Node | undefined;
    for (const segment of path.split("/")) {
      // A map's items are numbered; each runs the map's one sub-node.
      node = node?.target.case === "arrayNode" ? node.target.value.node : nodes.find((n) => n.id === segment);
      if (!node) return path;
      nodes = childrenOf(node, subWorkflows);
    }
    const name = node?.metadata?.name;
    return name && name !== path.split("/").at(-1) ? `${path} ${name}` : path;
  };
}
