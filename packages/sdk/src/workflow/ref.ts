import { ComparisonOperator, type LiteralType } from "@skein/idl";
import { describeType } from "@skein/engine";
import type { z } from "zod";
import { DefinitionError } from "../definition-error.js";
import { literalTypeOf } from "../types/literal-type-of.js";
import { compare, type Condition, type Constant } from "./condition.js";
import type { Graph, NodeBuilder, OutputSource } from "./node.js";
import { applyOverrides, type NodeOverrides } from "./overrides.js";

/** Something a node can be ordered after: a node's result (ref, handle, or record of refs). */
export type NodeResultLike = Ref | NodeHandle | { readonly [name: string]: Ref };

/** A node created in a body, for ordering, naming and per-node overrides. */
export class NodeHandle {
  constructor(readonly node: NodeBuilder) {}

  /** Runs this node only after `others` finished, even without data between them. */
  after(...others: NodeResultLike[]): this {
    addUpstream(this.node, others);
    return this;
  }

  /** Sets the node id (instead of the generated n0, n1, ...). */
  named(id: string): this {
    this.node.scope.graph.rename(this.node, id);
    return this;
  }

  /** Overrides settings of this node only: display name, retries, timeout, cache, resources, image. */
  with(overrides: NodeOverrides): this {
    applyOverrides(this.node, overrides);
    return this;
  }
}

function addUpstream(node: NodeBuilder, others: readonly NodeResultLike[]): void {
  for (const other of others) {
    for (const dep of nodesOf(other)) {
      if (dep === node) throw new DefinitionError(`${node.scope.graph.owner}: node "${node.id}" cannot run after itself`);
      if (!node.scope.sees(dep.scope)) throw new DefinitionError(`${node.scope.graph.owner}: node "${node.id}" cannot wait for node "${dep.id}", which is nested in a branch arm`);
      node.upstream.add(dep);
    }
  }
}

function nodesOf(other: NodeResultLike): NodeBuilder[] {
  if (other instanceof NodeHandle) return [other.node];
  if (other instanceof Ref) {
    if (!other.node) throw new DefinitionError(`${other.graph.owner}: a workflow input is not a node and cannot be waited for`);
    return [other.node];
  }
  return Object.values(other).flatMap(nodesOf);
}

/**
 * A value that a node will produce (or a workflow input): bind it to inputs of other nodes, index
 * into it, compare it in branch conditions. `T` is the JavaScript type of the value.
 */
export class Ref<T = unknown> implements OutputSource {
  /** Marks the value type (covariant); never set. */
  declare readonly __value?: T;

  constructor(
    readonly graph: Graph,
    /** The producing node; undefined for a workflow input (start-node). */
    readonly node: NodeBuilder | undefined,
    readonly variable: string,
    readonly type: LiteralType,
    readonly schema: z.core.$ZodType | undefined,
    readonly attrPath: readonly (string | number)[] = [],
  ) {}

  /** Runs the producing node only after `others` finished (see NodeHandle.after). */
  after(...others: NodeResultLike[]): this {
    addUpstream(this.requireNode("after"), others);
    return this;
  }

  /** Sets the producing node's id. */
  named(id: string): this {
    const node = this.requireNode("named");
    node.scope.graph.rename(node, id);
    return this;
  }

  /** Overrides settings of the producing node. */
  with(overrides: NodeOverrides): this {
    applyOverrides(this.requireNode("with"), overrides);
    return this;
  }

  /** `n0.o0` / `inputs.name`, with its attribute path, for messages. */
  describe(): string {
    const base = this.node ? `${this.node.id}.${this.variable}` : `inputs.${this.variable}`;
    return base + this.attrPath.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("");
  }

  /** The field `key` of a struct, or the entry `key` of a map. */
  get<K extends keyof NonNullable<T> & string>(key: K): Ref<NonNullable<T>[K]> {
    const schema = this.schema && unwrap(this.schema);
    const def = schema?._zod.def as z.core.$ZodTypes["_zod"]["def"] | undefined;
    let next: { schema: z.core.$ZodType | undefined; type: LiteralType } | undefined;
    if (def?.type === "object") {
      const field = def.shape[key];
      if (!field) this.badPath(`.${key}`, `no such field (fields: ${Object.keys(def.shape).join(", ")})`);
      next = { schema: field, type: literalTypeOf(field) };
    } else if (def?.type === "record") {
      next = { schema: def.valueType, type: literalTypeOf(def.valueType) };
    } else if (this.type.type.case === "mapValueType") {
      next = { schema: undefined, type: this.type.type.value };
    }
    if (!next) this.badPath(`.${key}`, "only structs and maps have fields");
    return new Ref(this.graph, this.node, this.variable, next.type, next.schema, [...this.attrPath, key]);
  }

  /** The element at `index` of a list. */
  at(index: number): Ref<T extends readonly (infer E)[] ? E : never> {
    if (!Number.isInteger(index) || index < 0) this.badPath(`[${index}]`, "a list index is a whole number from 0");
    const schema = this.schema && unwrap(this.schema);
    const def = schema?._zod.def as z.core.$ZodTypes["_zod"]["def"] | undefined;
    if (def?.type === "array") return new Ref(this.graph, this.node, this.variable, literalTypeOf(def.element), def.element, [...this.attrPath, index]);
    if (this.type.type.case === "collectionType") return new Ref(this.graph, this.node, this.variable, this.type.type.value, undefined, [...this.attrPath, index]);
    return this.badPath(`[${index}]`, "only lists have elements");
  }

  gt(other: Ref<T> | Constant): Condition {
    return compare(ComparisonOperator.GT, this, other);
  }
  gte(other: Ref<T> | Constant): Condition {
    return compare(ComparisonOperator.GTE, this, other);
  }
  lt(other: Ref<T> | Constant): Condition {
    return compare(ComparisonOperator.LT, this, other);
  }
  lte(other: Ref<T> | Constant): Condition {
    return compare(ComparisonOperator.LTE, this, other);
  }
  eq(other: Ref<T> | Constant): Condition {
    return compare(ComparisonOperator.EQ, this, other);
  }
  neq(other: Ref<T> | Constant): Condition {
    return compare(ComparisonOperator.NEQ, this, other);
  }

  private requireNode(method: string): NodeBuilder {
    if (this.node) return this.node;
    throw new DefinitionError(`${this.graph.owner}: ${this.describe()} is a workflow input, not a node: .${method}() applies to node results`);
  }

  private badPath(step: string, problem: string): never {
    throw new DefinitionError(`${this.graph.owner}: cannot read ${this.describe()}${step} (${describeType(this.type)}): ${problem}`);
  }
}

// Defaults and read-only wrappers do not change what can be indexed.
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  const def = (schema as z.core.$ZodTypes)._zod.def;
  return def.type === "default" || def.type === "prefault" || def.type === "readonly" ? unwrap(def.innerType) : schema;
}
