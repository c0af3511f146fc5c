import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ArrayNodeSchema } from "@skein/idl";
import { z } from "zod";
import { DefinitionError } from "../definition-error.js";
import type { Shape } from "../types/interface.js";
import { acceptsNone, listType, optionalType } from "../types/literal-types.js";
import { pendingFor } from "./bindings.js";
import { entityLabel, outputInfos, resultOf, targetOf } from "./call.js";
import type { Bindable, CallableEntity, Outputs } from "./entity.js";
import { currentScope, NodeBuilder, type OutputInfo, type Overridable } from "./node.js";
import type { Ref } from "./ref.js";

// map(entity, options)(inputs) runs `entity` once per element of its list inputs (an array node).
// Inputs named in `bound` are passed whole to every run; every other input given must be a list
// of the entity's input type, and all of them must have the same length. Each output becomes a
// list in input order; when minSuccesses/minSuccessRatio let runs fail, failed runs give none.

export interface MapOptions<B extends string = never> {
  /** The most runs in flight at once (0 or unset: no limit of its own). */
  readonly concurrency?: number;
  /** The least number of runs that must succeed. */
  readonly minSuccesses?: number;
  /** The least fraction (0..1) of runs that must succeed. */
  readonly minSuccessRatio?: number;
  /** Inputs passed whole to every run instead of being split by element. */
  readonly bound?: readonly B[];
}

type Output<S> = S extends z.ZodType ? z.output<S> : never;

/** The inputs of a mapped call: lists for mapped inputs, whole values for bound ones. */
export type MapArgs<I extends Shape, B extends keyof I> = { readonly [K in Exclude<keyof I, B>]?: Bindable<Output<I[K]>[]> } & {
  readonly [K in B]?: Bindable<Output<I[K]>>;
};

/** The outputs of a mapped call: one list per output. */
export type MapResult<O extends Outputs> = O extends z.ZodType
  ? Ref<z.output<O>[]>
  : O extends Shape
    ? { readonly [K in keyof O]: Ref<Output<O[K]>[]> }
    : unknown;

/** A definition that can be mapped, with its interface types (see task/workflow/launchPlan). */
export interface Mappable<I extends Shape, O extends Outputs> extends CallableEntity {
  readonly __types?: { readonly inputs: I; readonly outputs: O };
}

export function map<I extends Shape, O extends Outputs, const B extends keyof I & string = never>(
  entity: Mappable<I, O>,
  options: MapOptions<B> = {},
): (args: MapArgs<I, B>) => MapResult<O> {
  const label = `map(${entityLabel(entity)})`;
  const criteria = successCriteria(options, label);
  const bound = new Set<string>(options.bound ?? []);
  for (const name of bound) {
    if (!(name in (entity.interface.inputs?.variables ?? {}))) throw new DefinitionError(`${label}: bound names "${name}", which is not an input`);
  }
  const tolerant = criteria.successCriteria?.case === "minSuccesses" || (criteria.successCriteria?.case === "minSuccessRatio" && criteria.successCriteria.value < 1);
  return (args: MapArgs<I, B>) => mapCall(entity, args, bound, criteria, tolerant, label) as MapResult<O>;
}

type Criteria = Pick<MessageInitShape<typeof ArrayNodeSchema>, "parallelismOption" | "successCriteria">;

function successCriteria(options: MapOptions<string>, label: string): Criteria {
  const criteria: Criteria = {};
  const whole = (value: number, what: string) => {
    if (!Number.isInteger(value) || value < 0) throw new DefinitionError(`${label}: ${what} must be a whole number of at least 0, got ${value}`);
  };
  if (options.concurrency !== undefined) {
    whole(options.concurrency, "concurrency");
    criteria.parallelismOption = { case: "parallelism", value: options.concurrency };
  }
  if (options.minSuccesses !== undefined && options.minSuccessRatio !== undefined) throw new DefinitionError(`${label}: give minSuccesses or minSuccessRatio, not both`);
  if (options.minSuccesses !== undefined) {
    whole(options.minSuccesses, "minSuccesses");
    criteria.successCriteria = { case: "minSuccesses", value: options.minSuccesses };
  }
  if (options.minSuccessRatio !== undefined) {
    const ratio = options.minSuccessRatio;
    if (!(ratio >= 0 && ratio <= 1)) throw new DefinitionError(`${label}: minSuccessRatio must be between 0 and 1, got ${ratio}`);
    criteria.successCriteria = { case: "minSuccessRatio", value: ratio };
  }
  return criteria;
}

function mapCall(entity: CallableEntity, args: unknown, bound: Set<string>, criteria: Criteria, tolerant: boolean, label: string): unknown {
  const scope = currentScope(label);
  const graph = scope.graph;
  const node = new NodeBuilder(scope, label, graph.nextId(), listOutputs(outputInfos(entity), tolerant));
  const path = `${graph.owner}: node "${node.id}" (${label})`;
  if (typeof args !== "object" || args === null) throw new DefinitionError(`${path}: expected an object of inputs`);
  const given = args as Record<string, unknown>;
  const declared = entity.interface.inputs?.variables ?? {};
  for (const name of Object.keys(given)) {
    if (!(name in declared)) throw new DefinitionError(`${path}: unknown input "${name}" (inputs: ${Object.keys(declared).join(", ") || "none"})`);
  }
  const boundInputs = new Set(bound);
  for (const [name, variable] of Object.entries(declared)) {
    if (!variable.type) continue;
    const value = given[name];
    if (value === undefined) {
      const fallback = entity.omittable.get(name);
      if (!fallback) throw new DefinitionError(`${path}: missing required input "${name}"`);
      boundInputs.add(name);
      node.inputs.push({ var: name, data: { kind: "literal", literal: fallback } });
      continue;
    }
    const type = bound.has(name) ? variable.type : listType(variable.type);
    node.inputs.push({ var: name, data: pendingFor(value, type, scope, `${path}: inputs.${name}${bound.has(name) ? "" : " (mapped)"}`) });
  }
  if (Object.keys(declared).every((name) => boundInputs.has(name))) {
    throw new DefinitionError(`${path}: no input to map over: pass a list for at least one input not named in bound`);
  }
  const sub: Overridable = { metadata: { name: entity.name }, taskOverrides: entity.kind === "task" ? {} : undefined };
  node.overridable = sub;
  node.metadata = { name: label };
  node.target = () => {
    const subId = `${node.id}-item`.length <= 63 ? `${node.id}-item` : "item";
    return {
      case: "arrayNode",
      value: { ...criteria, boundInputs: [...boundInputs], node: { id: subId, metadata: sub.metadata, target: targetOf(entity, sub) } },
    };
  };
  graph.entities.add(entity);
  scope.add(node);
  return resultOf(node, entity.singleOutput);
}

function listOutputs(outputs: Map<string, OutputInfo>, tolerant: boolean): Map<string, OutputInfo> {
  const result = new Map<string, OutputInfo>();
  for (const [name, info] of outputs) {
    const loose = tolerant && !acceptsNone(info.type);
    const item = loose ? optionalType(info.type) : info.type;
    const schema = info.schema && z.array(loose ? (info.schema as z.ZodType).nullable() : (info.schema as z.ZodType));
    result.set(name, { type: listType(item), schema });
  }
  return result;
}
