import type { LiteralType } from "@skein/idl";
import { describeType, isCastable } from "@skein/engine";
import { DefinitionError } from "../definition-error.js";
import { LiteralConversionError, toLiteral } from "../types/convert.js";
import { Condition } from "./condition.js";
import type { PendingData, Scope } from "./node.js";
import { NodeHandle, Ref } from "./ref.js";

// From the values given to a call (constants, references, lists and maps holding references) to
// pending bindings, checking each against the input's type as early as the body runs.

function containsRef(value: unknown): boolean {
  if (value instanceof Ref) return true;
  if (Array.isArray(value)) return value.some(containsRef);
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).some(containsRef);
  return false;
}

/** The pending binding of `value` to an input of `type`; `path` ("workflow "wf": node "n1": inputs.x") names it in errors. */
export function pendingFor(value: unknown, type: LiteralType, scope: Scope, path: string): PendingData {
  if (value instanceof Ref) return promiseFor(value, type, scope, path);
  if (value instanceof NodeHandle) throw new DefinitionError(`${path}: got node "${value.node.id}", which has no outputs to bind`);
  if (value instanceof Condition) throw new DefinitionError(`${path}: got a condition; conditions go to when(...), not to inputs`);
  if (containsRef(value)) {
    const t = type.type;
    if (t.case === "collectionType" && Array.isArray(value)) {
      return { kind: "collection", items: value.map((item, i) => pendingFor(item, t.value, scope, `${path}[${i}]`)) };
    }
    if (t.case === "mapValueType" && typeof value === "object" && value !== null) {
      return { kind: "map", entries: Object.entries(value).map(([k, item]) => [k, pendingFor(item, t.value, scope, `${path}.${k}`)] as const) };
    }
    throw new DefinitionError(`${path}: references can be placed inside lists and maps only, not in a ${describeType(type)}; bind the reference directly`);
  }
  try {
    return { kind: "literal", literal: toLiteral(value, type, path) };
  } catch (error) {
    if (error instanceof LiteralConversionError) throw new DefinitionError(error.message);
    throw error;
  }
}

function promiseFor(ref: Ref, type: LiteralType, scope: Scope, path: string): PendingData {
  if (ref.graph !== scope.graph) {
    throw new DefinitionError(`${path}: ${ref.describe()} comes from the body of ${ref.graph.owner}; a body can only use its own inputs and nodes`);
  }
  if (ref.node && !scope.sees(ref.node.scope)) {
    throw new DefinitionError(`${path}: ${ref.describe()} is produced inside a branch arm; use the result of the branch instead`);
  }
  if (!isCastable(ref.type, type)) {
    throw new DefinitionError(`${path}: expected ${describeType(type)}, got ${ref.describe()} (${describeType(ref.type)})`);
  }
  const wrap = type.type.case === "unionType" && ref.type.type.case !== "unionType";
  return wrap ? { kind: "promise", source: ref, unionTarget: type } : { kind: "promise", source: ref };
}
