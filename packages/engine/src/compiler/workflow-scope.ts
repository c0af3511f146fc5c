import type { Node, OutputReference, WorkflowTemplate } from "@skein/idl";
import { resolveAttrPath } from "./attr-path.js";
import { UNKNOWN, type BoundType } from "./bound-type.js";
import type { Catalog } from "./catalog.js";
import type { ErrorLocation, ErrorSink } from "./compile-error.js";
import { END_NODE, formatReference, listNames, START_NODE } from "./names.js";
import type { NodeSignature, Resolved, Scope } from "./scope.js";
import { computeSignature } from "./signature.js";

/**
 * The names and types visible inside one workflow: its top-level nodes, start-node (the workflow
 * inputs), and the signatures computed so far. Nodes nested in branches and array nodes are not
 * addressable from outside; a reference to one is reported with a hint to use its parent.
 */
export class WorkflowScope implements Scope {
  readonly nodes = new Map<string, Node>();
  readonly subWorkflows = new Map<string, WorkflowTemplate>();
  private readonly signatures = new Map<Node, NodeSignature>();
  private readonly nestedIn = new Map<string, string>();
  private readonly sharedSignatures = new Map<string, NodeSignature>();

  constructor(
    readonly sink: ErrorSink,
    readonly catalog: Catalog,
    /** The workflow input types; undefined when unknown (anything may be read from start-node). */
    private readonly startOutputs: ReadonlyMap<string, BoundType> | undefined,
    private readonly nodePrefix: string,
  ) {}

  /** The name of a top-level node in messages. */
  nameOf(id: string): string {
    return this.nodePrefix + id;
  }

  /** Makes a node addressable by promises and upstream ids. */
  addNode(node: Node): void {
    this.nodes.set(node.id, node);
    this.noteNested(node, node.id);
  }

  signature(node: Node, name: string): NodeSignature {
    let signature = this.signatures.get(node);
    if (!signature) {
      signature = computeSignature(this, node, name);
      this.signatures.set(node, signature);
    }
    return signature;
  }

  shared(key: string, make: () => NodeSignature): NodeSignature {
    let signature = this.sharedSignatures.get(key);
    if (!signature) {
      signature = make();
      this.sharedSignatures.set(key, signature);
    }
    return signature;
  }

  resolve(ref: OutputReference, at: ErrorLocation): Resolved {
    const shown = formatReference(ref.nodeId, ref.var, ref.attrPath);
    let outputs: ReadonlyMap<string, BoundType> | undefined;
    if (ref.nodeId === START_NODE) outputs = this.startOutputs;
    else {
      const node = this.nodeOrReport(ref.nodeId, at, `reads ${shown}, but`);
      if (!node) return { type: UNKNOWN };
      outputs = this.signature(node, this.nameOf(node.id)).outputs;
    }
    const dependency = ref.nodeId;
    if (!outputs) return { type: UNKNOWN, dependency };
    const type = outputs.get(ref.var);
    if (type === undefined) {
      const owner = ref.nodeId === START_NODE ? "the workflow has no input" : `node "${ref.nodeId}" has no output`;
      const what = ref.nodeId === START_NODE ? "inputs" : "outputs";
      this.sink.add("UNKNOWN_OUTPUT", at, `reads ${shown}, but ${owner} "${ref.var}" (${what}: ${listNames(outputs.keys())})`);
      return { type: UNKNOWN, dependency };
    }
    if (ref.attrPath.length === 0 || type === UNKNOWN) return { type, dependency };
    const result = resolveAttrPath(type, ref.attrPath);
    if ("problem" in result) {
      this.sink.add("UNKNOWN_OUTPUT", at, `reads ${shown}, which does not exist: ${result.problem}`);
      return { type: UNKNOWN, dependency };
    }
    return { type: result.type, dependency };
  }

  upstream(id: string, at: ErrorLocation): string | undefined {
    if (id === START_NODE) return START_NODE;
    return this.nodeOrReport(id, at, `upstream_node_ids names "${id}", but`)?.id;
  }

  referenceSubWorkflow(key: string, template: WorkflowTemplate): void {
    this.subWorkflows.set(key, template);
  }

  private nodeOrReport(id: string, at: ErrorLocation, lead: string): Node | undefined {
    const node = this.nodes.get(id);
    if (node) return node;
    let problem = `the workflow has no node "${id}"`;
    if (id === END_NODE) problem = "end-node has no outputs and nothing can wait for it";
    const parent = this.nestedIn.get(id);
    if (parent !== undefined) problem += ` (it is nested inside node "${parent}"; depend on "${parent}" instead)`;
    this.sink.add("UNKNOWN_NODE", at, `${lead} ${problem}`);
    return undefined;
  }

  // Remembers which top-level node each nested node lives in, for the hint above.
  private noteNested(node: Node, top: string): void {
    const t = node.target;
    const children: Node[] = [];
    if (t.case === "arrayNode" && t.value.node) children.push(t.value.node);
    if (t.case === "branchNode") {
      const ifElse = t.value.ifElse;
      for (const block of ifElse ? [ifElse.case, ...ifElse.other] : []) if (block?.thenNode) children.push(block.thenNode);
      if (ifElse?.default.case === "elseNode") children.push(ifElse.default.value);
    }
    for (const child of children) {
      if (!this.nestedIn.has(child.id)) this.nestedIn.set(child.id, top);
      this.noteNested(child, top);
    }
  }
}
