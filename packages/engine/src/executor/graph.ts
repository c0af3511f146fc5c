import { WorkflowFailurePolicy, type Binding, type Node, type WorkflowTemplate } from "@skein/idl";
import { collectPromiseNodes, START_NODE } from "./bindings.js";

// The dependency graph of one list of nodes (a workflow, a sub-workflow, a dynamic spec), derived
// from the nodes themselves: promises in their bindings plus explicit upstream ids. Built once per
// template and cached, so a finished node reaches its dependents in O(dependents).

/** A node of a graph with what it waits for and who waits for it. */
export interface GraphNode {
  readonly id: string;
  readonly node: Node;
  /** Distinct ids of the nodes this one waits for (never `start-node`). */
  readonly deps: readonly string[];
  /** Nodes waiting for this one, in template order. */
  readonly dependents: readonly GraphNode[];
}

/** A validated, acyclic graph of nodes with the bindings of its outputs. */
export interface Graph {
  readonly nodes: readonly GraphNode[];
  readonly byId: ReadonlyMap<string, GraphNode>;
  /** Nodes with nothing to wait for, in template order. */
  readonly roots: readonly GraphNode[];
  readonly outputs: readonly Binding[];
  readonly failureNode: Node | undefined;
  /** FAIL_IMMEDIATELY (the default) rather than FAIL_AFTER_EXECUTABLE_NODES_COMPLETE. */
  readonly failImmediately: boolean;
}

/** A structural problem in a list of nodes: duplicate ids, unknown references, cycles. */
export class GraphError extends Error {
  override readonly name = "GraphError";
}

const RESERVED = new Set([START_NODE, "end-node"]);
const graphs = new WeakMap<object, Graph>();
const cases = new WeakMap<Node, ReadonlyMap<string, Node>>();

/** The graph of a workflow template (cached per template object). Throws GraphError. */
export function workflowGraph(template: WorkflowTemplate): Graph {
  let graph = graphs.get(template);
  if (!graph) {
    const name = template.id?.name ?? "workflow";
    const failImmediately = template.metadata?.onFailure !== WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE;
    graph = buildGraph(`workflow "${name}"`, template.nodes, template.outputs, template.failureNode, failImmediately);
    graphs.set(template, graph);
  }
  return graph;
}

/** The graph of `nodes` (cached under `key` when given). Throws GraphError naming `what`. */
export function buildGraph(
  what: string,
  nodes: readonly Node[],
  outputs: readonly Binding[],
  failureNode: Node | undefined,
  failImmediately: boolean,
  key?: object,
): Graph {
  const cached = key && graphs.get(key);
  if (cached) return cached;
  const byId = new Map<string, GraphNode & { dependents: GraphNode[] }>();
  for (const node of nodes) {
    if (RESERVED.has(node.id)) throw new GraphError(`${what}: node id "${node.id}" is reserved`);
    if (node.id === "" || node.id.includes("/")) throw new GraphError(`${what}: node id "${node.id}" is not a valid id`);
    if (byId.has(node.id)) throw new GraphError(`${what}: two nodes have the id "${node.id}"`);
    byId.set(node.id, { id: node.id, node, deps: [...nodeDependencies(node)], dependents: [] });
  }
  for (const gn of byId.values()) {
    for (const dep of gn.deps) {
      const up = byId.get(dep);
      if (!up) throw new GraphError(`${what}: node "${gn.id}" depends on "${dep}", which is not a node of it`);
      up.dependents.push(gn);
    }
  }
  const referenced = new Set<string>();
  for (const b of outputs) collectPromiseNodes(b.binding, referenced);
  for (const id of referenced) {
    if (id !== START_NODE && !byId.has(id)) throw new GraphError(`${what}: an output is bound to "${id}", which is not a node of it`);
  }
  if (failureNode && byId.has(failureNode.id)) throw new GraphError(`${what}: the failure node's id "${failureNode.id}" is also a node's id`);
  const list = [...byId.values()];
  assertAcyclic(what, list);
  const graph: Graph = { nodes: list, byId, roots: list.filter((n) => n.deps.length === 0), outputs, failureNode, failImmediately };
  if (key) graphs.set(key, graph);
  return graph;
}

// Kahn's algorithm: whatever never becomes free sits on (or behind) a cycle.
function assertAcyclic(what: string, nodes: readonly GraphNode[]): void {
  const waiting = new Map(nodes.map((n) => [n.id, n.deps.length]));
  const free = nodes.filter((n) => n.deps.length === 0);
  let seen = 0;
  for (let next = free.pop(); next; next = free.pop()) {
    seen++;
    for (const d of next.dependents) {
      const left = (waiting.get(d.id) ?? 0) - 1;
      waiting.set(d.id, left);
      if (left === 0) free.push(d);
    }
  }
  if (seen < nodes.length) {
    const stuck = [...waiting].filter(([, left]) => left > 0).map(([id]) => `"${id}"`);
    throw new GraphError(`${what}: nodes ${stuck.join(", ")} depend on each other in a cycle`);
  }
}

/**
 * The ids a node waits for: its promises, its explicit upstream ids, and for a branch those of
 * every case's node (a case runs inside the branch, so the branch waits for them).
 */
export function nodeDependencies(node: Node): Set<string> {
  const deps = new Set<string>();
  const visit = (n: Node): void => {
    for (const b of inputBindings(n)) collectPromiseNodes(b.binding, deps);
    for (const id of n.upstreamNodeIds) deps.add(id);
    if (n.target.case === "branchNode") for (const child of branchCases(n).values()) visit(child);
  };
  visit(node);
  deps.delete(START_NODE);
  return deps;
}

/**
 * The bindings a node's inputs come from. An array node carries the lists it maps over; when it
 * binds nothing itself, its sub-node's bindings (resolved in the same scope) stand in.
 */
export function inputBindings(node: Node): readonly Binding[] {
  const t = node.target;
  if (t.case === "arrayNode" && node.inputs.length === 0 && t.value.node) return t.value.node.inputs;
  return node.inputs;
}

/** A branch's case nodes by id: then nodes in order, then the else node. */
export function branchCases(node: Node): ReadonlyMap<string, Node> {
  let map = cases.get(node);
  if (!map) {
    const m = new Map<string, Node>();
    const t = node.target;
    if (t.case === "branchNode" && t.value.ifElse) {
      const ifElse = t.value.ifElse;
      for (const block of [ifElse.case, ...ifElse.other]) if (block?.thenNode && !m.has(block.thenNode.id)) m.set(block.thenNode.id, block.thenNode);
      if (ifElse.default.case === "elseNode" && !m.has(ifElse.default.value.id)) m.set(ifElse.default.value.id, ifElse.default.value);
    }
    map = m;
    cases.set(node, map);
  }
  return map;
}
