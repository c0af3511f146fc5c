import { assertNever } from "../assert-never.js";
import type { DynamicJobSpec } from "@skein/idl";
import type { NodePath } from "./api.js";
import { branchCases, buildGraph, workflowGraph, type GraphNode } from "./graph.js";
import type { Instance, Scope } from "./kernel.js";
import type { Library } from "./library.js";
import { detailOf, type Tx } from "./tx.js";

// Finds the node at a path by walking the templates: a top-level id, then per level a branch's
// case id, an array item's index, or a node id inside a sub-workflow or dynamic spec. The walk
// costs O(depth) and needs no index of every node.

const INDEX = /^(0|[1-9][0-9]*)$/;
const dynamicLibraries = new WeakMap<DynamicJobSpec, Library>();

export function memberInstance(scope: Scope, graphNode: GraphNode): Instance {
  return { path: scope.prefix + graphNode.id, node: graphNode.node, scope, parent: { kind: "scope", graphNode } };
}

export function failureInstance(scope: Scope): Instance | undefined {
  const node = scope.graph.failureNode;
  return node && { path: scope.prefix + node.id, node, scope, parent: { kind: "failure" } };
}

function scopeMember(scope: Scope, id: string): Instance | undefined {
  const gn = scope.graph.byId.get(id);
  if (gn) return memberInstance(scope, gn);
  const failure = failureInstance(scope);
  return failure?.node.id === id ? failure : undefined;
}

/** The case node `id` of a branch; it resolves its bindings in the branch's own scope. */
export function branchChild(owner: Instance, id: string): Instance | undefined {
  const node = branchCases(owner.node).get(id);
  return node && { path: `${owner.path}/${id}`, node, scope: owner.scope, parent: { kind: "branch", owner: owner.path } };
}

/** Item `index` of an array node (its sub-node, run with that item's inputs). */
export function arrayItem(owner: Instance, index: number): Instance | undefined {
  const t = owner.node.target;
  if (t.case !== "arrayNode" || !t.value.node) return undefined;
  return { path: `${owner.path}/${index}`, node: t.value.node, scope: owner.scope, parent: { kind: "array", owner: owner.path, index } };
}

/** The scope of a dynamic spec's nodes (graph and library cached per spec). Throws GraphError. */
export function dynamicScope(owner: NodePath, spec: DynamicJobSpec, parent: Library): Scope {
  const graph = buildGraph(`the dynamic workflow of node "${owner}"`, spec.nodes, spec.outputs, undefined, true, spec);
  let library = dynamicLibraries.get(spec);
  if (!library) {
    library = parent.extend(spec.tasks, spec.subworkflows);
    dynamicLibraries.set(spec, library);
  }
  return { owner, prefix: `${owner}/`, graph, library };
}

/** The scope a sub-workflow node or a running dynamic node owns. */
export function innerScope(tx: Tx, inst: Instance): Scope | undefined {
  const t = inst.node.target;
  if (t.case === "workflowNode" && t.value.reference.case === "subWorkflowRef") {
    const template = inst.scope.library.workflow(t.value.reference.value);
    return template && { owner: inst.path, prefix: `${inst.path}/`, graph: workflowGraph(template), library: inst.scope.library };
  }
  if (t.case === "taskNode") {
    const detail = detailOf(tx.node(inst.path));
    if (detail?.kind === "dynamic") return dynamicScope(inst.path, detail.spec, inst.scope.library);
  }
  return undefined;
}

/** The node at `path`, or undefined when the workflow has no such node. */
export function locate(tx: Tx, path: NodePath): Instance | undefined {
  const segments = path.split("/");
  let inst = scopeMember(tx.env.root, segments[0] ?? "");
  for (let i = 1; inst !== undefined && i < segments.length; i++) inst = child(tx, inst, segments[i] ?? "");
  return inst;
}

function child(tx: Tx, inst: Instance, segment: string): Instance | undefined {
  switch (inst.node.target.case) {
    case "branchNode":
      return branchChild(inst, segment);
    case "arrayNode": {
      const detail = detailOf(tx.node(inst.path));
      if (!INDEX.test(segment) || detail?.kind !== "array" || Number(segment) >= detail.total) return undefined;
      return arrayItem(inst, Number(segment));
    }
    case "workflowNode":
    case "taskNode": {
      const scope = innerScope(tx, inst);
      return scope && scopeMember(scope, segment);
    }
    case "gateNode":
    case undefined:
      return undefined;
    default:
      return assertNever(inst.node.target, "node target");
  }
}
