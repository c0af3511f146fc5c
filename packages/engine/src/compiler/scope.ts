import type { LiteralType, Node, OutputReference, WorkflowTemplate } from "@skein/idl";
import type { BoundType } from "./bound-type.js";
import type { Catalog } from "./catalog.js";
import type { ErrorLocation, ErrorSink } from "./compile-error.js";

/** One input a node's target declares. */
export interface InputSlot {
  readonly type: LiteralType;
  /** False when the input may be left unbound (it then receives none). */
  readonly required: boolean;
}

/** What a node takes and produces, as far as the compiler could resolve its target. */
export interface NodeSignature {
  /** The target as named in messages: `task "p/d/t@v1"`, `branch node`, ... */
  readonly target: string;
  /** The declared inputs; undefined when unknown (missing target) or free (branch nodes). */
  readonly inputs: ReadonlyMap<string, InputSlot> | undefined;
  /** True when bindings name the node's inputs themselves (branch nodes). */
  readonly freeInputs: boolean;
  /** Inputs the target fixes itself (launch plan fixed inputs); binding one is an error. */
  readonly fixed: ReadonlySet<string>;
  /** The outputs, after aliases; undefined when unknown, so references to them go unchecked. */
  readonly outputs: ReadonlyMap<string, BoundType> | undefined;
}

/** A resolved promise: its type, and the node it makes a dependency on (when that node exists). */
export interface Resolved {
  readonly type: BoundType;
  readonly dependency?: string;
}

/**
 * The workflow being compiled, as the node-level checks see it. Implemented by the workflow
 * compiler; node checks call back into it for nested nodes and references.
 */
export interface Scope {
  readonly sink: ErrorSink;
  readonly catalog: Catalog;
  /** The node's signature, computed once per node (problems are reported on first use). */
  signature(node: Node, name: string): NodeSignature;
  /** Resolves a promise, reporting a missing node, output or attribute at `at`. */
  resolve(ref: OutputReference, at: ErrorLocation): Resolved;
  /** Checks an explicit upstream id; returns it when it names a node of the workflow. */
  upstream(id: string, at: ErrorLocation): string | undefined;
  /** A signature shared by every node with the same target (`make` runs once per key). */
  shared(key: string, make: () => NodeSignature): NodeSignature;
  /** Records a reference to a sub-workflow, for the closure and recursion checks. */
  referenceSubWorkflow(key: string, template: WorkflowTemplate): void;
}
