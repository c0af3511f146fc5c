import type { BindingData, CompiledWorkflow, CompiledWorkflowClosure, ConnectionSet, Node, WorkflowTemplate } from "@skein/idl";
import { NodeExecutionPhase } from "@skein/idl";
import type { NodeExecution } from "@skein/idl/admin/v1";
import { nodeTone, type PhaseTone } from "../format";

export type NodeKind = "task" | "subworkflow" | "launch plan" | "branch" | "gate" | "map" | "dynamic" | "node";

/** One box of the drawn graph. */
export interface GraphNode {
  /** Unique within the graph: the node execution's id when there is one, else the template node's. */
  readonly id: string;
  readonly label: string;
  readonly kind: NodeKind;
  /** The enclosing expanded node, when this node is one of its children. */
  readonly parent?: string;
  /** Whether it has children that can be shown inside it. */
  readonly expandable: boolean;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
}

export interface GraphModel {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** Children left out of expanded nodes, by parent, because drawing them all would not help. */
  readonly hidden: ReadonlyMap<string, number>;
  /** Top-level nodes left out because the graph is too large to draw. */
  readonly truncated: number;
}

/** What a graph needs to know about live node executions (the execution store provides it). */
export interface LiveNodes {
  readonly nodes: ReadonlyMap<string, NodeExecution>;
  readonly children: ReadonlyMap<string, readonly string[]>;
}

/** Beyond this many boxes the layout costs more than it tells; the node list still shows every node. */
export const maxDrawnNodes = 400;
/** Children drawn inside one expanded node; the rest are counted. */
export const maxDrawnChildren = 60;

export function nodeKind(node: Node | undefined, execution?: NodeExecution): NodeKind {
  if (execution?.metadata?.isDynamic === true) return "dynamic";
  const target = node?.target;
  switch (target?.case) {
    case "taskNode":
      return "task";
    case "workflowNode":
      return target.value.reference.case === "launchplanRef" ? "launch plan" : "subworkflow";
    case "branchNode":
      return "branch";
    case "gateNode":
      return "gate";
    case "arrayNode":
      return "map";
    case undefined:
      return execution?.metadata?.isArray === true ? "map" : "node";
  }
}

function nodeLabel(node: Node): string {
  const name = node.metadata?.name ?? "";
  return name === "" || name === node.id ? node.id : `${node.id} (${name})`;
}

/** The nodes whose outputs a binding reads. */
function promisedNodes(binding: BindingData | undefined, into: Set<string>): void {
  const value = binding?.value;
  switch (value?.case) {
    case "promise":
      into.add(value.value.nodeId);
      break;
    case "collection":
      for (const item of value.value.bindings) promisedNodes(item, into);
      break;
    case "map":
      for (const item of Object.values(value.value.bindings)) promisedNodes(item, into);
      break;
    case "scalar":
    case "offloaded":
    case undefined:
      break;
  }
}

/**
 * A node's dependencies: the compiler's connections when the closure has them, and always the
 * explicit `upstream_node_ids` and the nodes its inputs read (branches' inner nodes included).
 */
function upstreamOf(node: Node, connections: ConnectionSet | undefined): Set<string> {
  const up = new Set([...node.upstreamNodeIds, ...(connections?.upstream[node.id]?.ids ?? [])]);
  for (const input of node.inputs) promisedNodes(input.binding, up);
  return up;
}

function edgesOf(template: WorkflowTemplate, idOf: (specId: string) => string | undefined, connections?: ConnectionSet): GraphEdge[] {
  const edges: GraphEdge[] = [];
  for (const node of template.nodes) {
    const to = idOf(node.id);
    if (to === undefined) continue;
    for (const up of upstreamOf(node, connections)) {
      if (up === node.id) continue;
      const from = idOf(up);
      if (from !== undefined) edges.push({ from, to });
    }
  }
  return edges;
}

/** Finds a subworkflow node's compiled workflow in the closure that holds the node. */
function subWorkflowOf(node: Node | undefined, closure: CompiledWorkflowClosure | undefined): CompiledWorkflow | undefined {
  if (node?.target.case !== "workflowNode" || node.target.value.reference.case !== "subWorkflowRef") return undefined;
  const ref = node.target.value.reference.value;
  return closure?.subWorkflows.find((w) => {
    const id = w.template?.id;
    return id?.name === ref.name && id.version === ref.version && id.project === ref.project && id.domain === ref.domain;
  });
}

/** The nodes an expanded node runs as a workflow of their own, and the closure their references resolve in. */
interface InnerWorkflow {
  readonly workflow: CompiledWorkflow;
  readonly closure: CompiledWorkflowClosure;
}

/**
 * The graph of a workflow: its template's nodes and dependencies, and for each expanded node the
 * node executions under it (a map's or dynamic node's children, a subworkflow's nodes). Children
 * of a subworkflow are wired by its own dependencies, and those of a dynamic node by the workflow
 * it generated, when `generated` holds it (by node execution id); children are matched to their
 * template nodes by `spec_node_id`.
 */
export function buildGraph(
  closure: CompiledWorkflowClosure | undefined,
  live: LiveNodes | undefined,
  expanded: ReadonlySet<string>,
  generated: ReadonlyMap<string, CompiledWorkflowClosure> = new Map(),
): GraphModel {
  const template = closure?.primary?.template;
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const hidden = new Map<string, number>();
  const templateNodes = template?.nodes ?? [];
  const drawnTop = templateNodes.slice(0, maxDrawnNodes);
  const truncated = templateNodes.length - drawnTop.length;
  const specById = new Map(templateNodes.map((n) => [n.id, n]));
  const drawn = new Set(drawnTop.map((n) => n.id));

  const innerOf = (parentId: string, parentSpec: Node | undefined, scope: CompiledWorkflowClosure | undefined): InnerWorkflow | undefined => {
    const own = generated.get(parentId);
    if (own?.primary !== undefined) return { workflow: own.primary, closure: own };
    const sub = subWorkflowOf(parentSpec, scope);
    return sub !== undefined && scope !== undefined ? { workflow: sub, closure: scope } : undefined;
  };

  const addChildren = (parentId: string, parentSpec: Node | undefined, scope: CompiledWorkflowClosure | undefined) => {
    const childIds = live?.children.get(parentId) ?? [];
    const shown = childIds.slice(0, maxDrawnChildren);
    if (childIds.length > shown.length) hidden.set(parentId, childIds.length - shown.length);
    const inner = innerOf(parentId, parentSpec, scope);
    const innerTemplate = inner?.workflow.template;
    const innerSpecs = new Map((innerTemplate?.nodes ?? []).map((n) => [n.id, n]));
    const bySpec = new Map<string, string>();
    for (const childId of shown) {
      const child = live?.nodes.get(childId);
      const specId = child?.metadata?.specNodeId ?? "";
      const spec = innerSpecs.get(specId) ?? (parentSpec?.target.case === "arrayNode" ? parentSpec.target.value.node : undefined);
      bySpec.set(specId, childId);
      const kind = nodeKind(spec, child);
      const childName = child?.metadata?.nodeName ?? "";
      nodes.push({ id: childId, label: childName === "" ? childId : `${childId} (${childName})`, kind, parent: parentId, expandable: child?.metadata?.isParent === true });
      if (expanded.has(childId)) addChildren(childId, spec, inner?.closure ?? scope);
    }
    if (innerTemplate !== undefined) edges.push(...edgesOf(innerTemplate, (specId) => bySpec.get(specId), inner?.workflow.connections));
  };

  for (const spec of drawnTop) {
    const execution = live?.nodes.get(spec.id);
    const kind = nodeKind(spec, execution);
    const expandable = execution?.metadata?.isParent === true || (live?.children.get(spec.id)?.length ?? 0) > 0;
    nodes.push({ id: spec.id, label: nodeLabel(spec), kind, expandable });
    if (expandable && expanded.has(spec.id)) addChildren(spec.id, specById.get(spec.id), closure);
  }
  if (template !== undefined) edges.push(...edgesOf(template, (id) => (drawn.has(id) ? id : undefined), closure?.primary?.connections));
  return { nodes, edges, hidden, truncated };
}

/** Counts of a node's children by broad phase: how a 10,000-task map is summarised. */
export function childSummary(live: LiveNodes, parentId: string): Record<PhaseTone, number> {
  const counts: Record<PhaseTone, number> = { waiting: 0, running: 0, succeeded: 0, failed: 0, aborted: 0, skipped: 0 };
  for (const id of live.children.get(parentId) ?? []) {
    const phase = live.nodes.get(id)?.closure?.phase ?? NodeExecutionPhase.UNSPECIFIED;
    counts[nodeTone(phase)]++;
  }
  return counts;
}
