import { create } from "@bufbuild/protobuf";
import { VariableMapSchema, type Literal, type VariableMap } from "@skein/idl";
import { DefinitionError } from "../definition-error.js";
import { pendingFor } from "./bindings.js";
import type { CallableEntity } from "./entity.js";
import { currentScope, NodeBuilder, type OutputInfo, type PendingBinding, type Scope, type TargetInit } from "./node.js";
import { NodeHandle, Ref } from "./ref.js";

// Calling a definition inside a body adds a node that runs it and returns references to the
// node's outputs.

/** Describes an entity in messages: `task "train"`. */
export function entityLabel(entity: { readonly kind: CallableEntity["kind"]; readonly name: string }): string {
  const kind = entity.kind === "launchPlan" ? "launch plan" : entity.kind;
  return `${kind} "${entity.name}"`;
}

/**
 * Bindings for every input of `inputs`: the given value, else the omittable default. Unknown and
 * missing inputs are errors naming `path`.
 */
export function bindInputs(
  args: unknown, inputs: VariableMap, omittable: ReadonlyMap<string, Literal>, scope: Scope, path: string, fixed: ReadonlySet<string> = new Set(),
): PendingBinding[] {
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    throw new DefinitionError(`${path}: expected an object of inputs, got ${Array.isArray(args) ? "a list" : String(args)}`);
  }
  const given = args as Record<string, unknown>;
  const declared = inputs.variables;
  for (const name of Object.keys(given)) {
    if (fixed.has(name)) throw new DefinitionError(`${path}: input "${name}" is fixed by the launch plan and cannot be passed`);
    if (!(name in declared)) throw new DefinitionError(`${path}: unknown input "${name}" (inputs: ${Object.keys(declared).join(", ") || "none"})`);
  }
  const bindings: PendingBinding[] = [];
  for (const [name, variable] of Object.entries(declared)) {
    const type = variable.type;
    if (!type) continue;
    const value = given[name];
    if (value !== undefined) bindings.push({ var: name, data: pendingFor(value, type, scope, `${path}: inputs.${name}`) });
    else {
      const fallback = omittable.get(name);
      if (!fallback) throw new DefinitionError(`${path}: missing required input "${name}"`);
      bindings.push({ var: name, data: { kind: "literal", literal: fallback } });
    }
  }
  return bindings;
}

/** The outputs of `entity`'s interface, with their schemas. */
export function outputInfos(entity: CallableEntity): Map<string, OutputInfo> {
  const outputs = new Map<string, OutputInfo>();
  for (const [name, variable] of Object.entries(entity.interface.outputs?.variables ?? {})) {
    if (variable.type) outputs.set(name, { type: variable.type, schema: entity.outputSchemas[name] });
  }
  return outputs;
}

/** The node target that runs `entity`; task nodes carry `overrides` from `.with()`. */
export function targetOf(entity: CallableEntity, node: { taskOverrides: NodeBuilder["taskOverrides"] }): TargetInit {
  switch (entity.kind) {
    case "task":
      return { case: "taskNode", value: { reference: { case: "referenceId", value: entity.id }, overrides: overridesOf(node.taskOverrides) } };
    case "workflow":
      return { case: "workflowNode", value: { reference: { case: "subWorkflowRef", value: entity.id } } };
    case "launchPlan":
      return { case: "workflowNode", value: { reference: { case: "launchplanRef", value: entity.id } } };
  }
}

// Overrides are left unset unless something is overridden, so templates stay minimal.
function overridesOf(overrides: NodeBuilder["taskOverrides"]): NodeBuilder["taskOverrides"] {
  return overrides && (overrides.resources !== undefined || (overrides.containerImage ?? "") !== "") ? overrides : undefined;
}

/** Adds a node running `entity` with `args` to the current body and returns its outputs. */
export function callEntity(entity: CallableEntity, args: unknown, fixed?: ReadonlySet<string>): unknown {
  const label = entityLabel(entity);
  const scope = currentScope(label);
  const graph = scope.graph;
  const node = new NodeBuilder(scope, label, graph.nextId(), outputInfos(entity));
  node.inputs.push(...bindInputs(args ?? {}, entity.interface.inputs ?? create(VariableMapSchema), entity.omittable, scope, `${graph.owner}: node "${node.id}" (${label})`, fixed));
  node.metadata = { name: entity.name };
  if (entity.kind === "task") node.taskOverrides = {};
  node.target = () => targetOf(entity, node);
  graph.entities.add(entity);
  scope.add(node);
  return resultOf(node, entity.singleOutput);
}

/** A node's result: the single output's reference, a frozen record of references, or a handle. */
export function resultOf(node: NodeBuilder, single: boolean): unknown {
  const refs = [...node.outputs].map(([name, info]) => [name, new Ref(node.scope.graph, node, name, info.type, info.schema)] as const);
  if (refs.length === 0) return new NodeHandle(node);
  if (single && refs.length === 1) return refs[0]?.[1];
  return Object.freeze(Object.fromEntries(refs));
}
