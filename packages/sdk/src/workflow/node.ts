import { AsyncLocalStorage } from "node:async_hooks";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  BindingDataSchema, NodeSchema,
  type BindingData, type Literal, type LiteralType, type Node, type NodeMetadataSchema, type PromiseAttributeSchema, type TaskNodeOverridesSchema,
} from "@skein/idl";
import type { z } from "zod";
import { DefinitionError, nodeIdPattern } from "../definition-error.js";

// The graph a workflow (or dynamic) body builds while it runs: nodes in scopes, the bindings of
// their inputs, and the entities they call. Node ids may change (`.named()`) until the graph is
// turned into messages, so bindings keep the node objects and read ids only at the end.

/** The implicit node whose outputs are the workflow inputs. */
export const START_NODE = "start-node";
const reservedIds = new Set([START_NODE, "end-node"]);

/** The type (and, when known, the zod schema) of a node output. */
export interface OutputInfo {
  readonly type: LiteralType;
  readonly schema: z.core.$ZodType | undefined;
}

/** Where a promise reads from: an output of a node (or of start-node when `node` is undefined). */
export interface OutputSource {
  readonly graph: Graph;
  readonly node: NodeBuilder | undefined;
  readonly variable: string;
  readonly attrPath: readonly (string | number)[];
  readonly type: LiteralType;
}

/** A binding still holding node objects; `build` turns it into BindingData. */
export type PendingData =
  | { readonly kind: "promise"; readonly source: OutputSource; readonly unionTarget?: LiteralType }
  | { readonly kind: "literal"; readonly literal: Literal }
  | { readonly kind: "collection"; readonly items: readonly PendingData[] }
  | { readonly kind: "map"; readonly entries: readonly (readonly [string, PendingData])[] };

export interface PendingBinding {
  readonly var: string;
  readonly data: PendingData;
}

/** The target of a node, as a message initializer. */
export type TargetInit = NonNullable<MessageInitShape<typeof NodeSchema>["target"]>;

/** Builds the node's target once ids are final. */
export type TargetBuilder = () => TargetInit;

/** The entities a graph calls, recorded for the closure (opaque here; see entity.ts). */
export interface CalledEntity {
  readonly kind: "task" | "workflow" | "launchPlan";
  readonly name: string;
}

/** One workflow (or dynamic) body being built: node ids, called entities, and its owner for messages. */
export class Graph {
  private counter = 0;
  private readonly used = new Set<string>();
  readonly entities = new Set<CalledEntity>();
  /** Constructs started but not completed (a when() without else/fail), described for the error. */
  readonly unfinished = new Set<string>();
  readonly root: Scope;

  constructor(
    /** `workflow "train"` or `dynamic task "fanout"`, for messages. */
    readonly owner: string,
    private readonly prefix = "n",
  ) {
    this.root = new Scope(this, undefined);
  }

  /** The next free generated id: n0, n1, ... (skipping ids users took with `.named()`). */
  nextId(): string {
    let id: string;
    do id = `${this.prefix}${this.counter++}`;
    while (this.used.has(id));
    this.used.add(id);
    return id;
  }

  rename(node: NodeBuilder, id: string): void {
    if (!nodeIdPattern.test(id)) {
      throw new DefinitionError(`${this.owner}: node id ${JSON.stringify(id)} is invalid: letters, digits, "_", "." or "-", starting with a letter, digit or "_"; at most 63`);
    }
    if (reservedIds.has(id)) throw new DefinitionError(`${this.owner}: node id "${id}" is reserved`);
    if (id === node.id) return;
    if (this.used.has(id)) throw new DefinitionError(`${this.owner}: node id "${id}" is already used by another node`);
    this.used.delete(node.id);
    this.used.add(id);
    node.id = id;
  }
}

/** A level of nesting: the body itself, or one arm of a branch. */
export class Scope {
  readonly nodes: NodeBuilder[] = [];

  constructor(
    readonly graph: Graph,
    readonly parent: Scope | undefined,
  ) {}

  /** True when nodes of `scope` may be read from this scope (it is this scope or encloses it). */
  sees(scope: Scope): boolean {
    return scope === this || (this.parent?.sees(scope) ?? false);
  }

  add(node: NodeBuilder): NodeBuilder {
    this.nodes.push(node);
    return node;
  }
}

/** The settings `.with()` overrides: node metadata, and for task nodes the container overrides. */
export interface Overridable {
  metadata: MessageInitShape<typeof NodeMetadataSchema>;
  /** Present only where a task runs. */
  taskOverrides: MessageInitShape<typeof TaskNodeOverridesSchema> | undefined;
}

export class NodeBuilder implements Overridable {
  readonly inputs: PendingBinding[] = [];
  readonly upstream = new Set<NodeBuilder>();
  metadata: MessageInitShape<typeof NodeMetadataSchema> = {};
  taskOverrides: MessageInitShape<typeof TaskNodeOverridesSchema> | undefined = undefined;
  private overridesGoTo: Overridable | undefined;
  target: TargetBuilder = () => ({ case: undefined });

  constructor(
    readonly scope: Scope,
    /** What the node runs, for messages: `task "train"`, `branch`, `approve gate`. */
    readonly what: string,
    public id: string,
    readonly outputs: Map<string, OutputInfo>,
  ) {}

  /** Where `.with()` applies: the node itself, or the sub-node an array node runs. */
  get overridable(): Overridable {
    return this.overridesGoTo ?? this;
  }

  set overridable(target: Overridable) {
    this.overridesGoTo = target;
  }

  toProto(): Node {
    return create(NodeSchema, {
      id: this.id,
      metadata: this.metadata,
      inputs: this.inputs.map((b) => ({ var: b.var, binding: buildBinding(b.data) })),
      upstreamNodeIds: [...this.upstream].map((n) => n.id),
      target: this.target(),
    });
  }
}

/** The BindingData of a pending binding, with the node ids as they are now. */
export function buildBinding(data: PendingData): BindingData {
  switch (data.kind) {
    case "promise": {
      const s = data.source;
      const attrPath = s.attrPath.map((step): MessageInitShape<typeof PromiseAttributeSchema> =>
        typeof step === "number" ? { value: { case: "intValue", value: step } } : { value: { case: "stringValue", value: step } },
      );
      const promise = { nodeId: s.node?.id ?? START_NODE, var: s.variable, attrPath };
      return create(BindingDataSchema, { value: { case: "promise", value: promise }, ...(data.unionTarget ? { union: { targetType: data.unionTarget } } : {}) });
    }
    case "literal":
      return bindingFromLiteral(data.literal);
    case "collection":
      return create(BindingDataSchema, { value: { case: "collection", value: { bindings: data.items.map(buildBinding) } } });
    case "map":
      return create(BindingDataSchema, { value: { case: "map", value: { bindings: Object.fromEntries(data.entries.map(([k, v]) => [k, buildBinding(v)])) } } });
  }
}

function bindingFromLiteral(literal: Literal): BindingData {
  const v = literal.value;
  switch (v.case) {
    case "scalar":
      return create(BindingDataSchema, { value: { case: "scalar", value: v.value } });
    case "collection":
      return create(BindingDataSchema, { value: { case: "collection", value: { bindings: v.value.literals.map(bindingFromLiteral) } } });
    case "map":
      return create(BindingDataSchema, { value: { case: "map", value: { bindings: Object.fromEntries(Object.entries(v.value.literals).map(([k, l]) => [k, bindingFromLiteral(l)])) } } });
    case "offloaded":
      return create(BindingDataSchema, { value: { case: "offloaded", value: v.value } });
    case undefined:
      throw new Error("an empty literal cannot be bound");
  }
}

const active = new AsyncLocalStorage<Scope>();

/** Runs `body` with `scope` as the place new nodes go. */
export function inScope<R>(scope: Scope, body: () => R): R {
  return active.run(scope, body);
}

/** The scope of the body being built; `what` names the caller for the error outside any body. */
export function currentScope(what: string): Scope {
  const scope = active.getStore();
  if (!scope) {
    throw new DefinitionError(`${what} was called outside a workflow body: call it inside workflow(...) or dynamic(...) to add a node; to run it directly use its execute() method`);
  }
  return scope;
}
