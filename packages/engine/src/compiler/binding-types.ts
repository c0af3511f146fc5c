import { SimpleType, type BindingData, type LiteralType, type OutputReference, type Scalar } from "@skein/idl";
import { assertNever } from "../assert-never.js";
import { listType, mapType, simpleType } from "../types/builders.js";
import { isCastable } from "../types/castable.js";
import { describeType } from "../types/describe-type.js";
import { castsTo, describeBound, describeScalar, sameType, scalarType, UNKNOWN, unwrapOptional, type BoundType } from "./bound-type.js";
import { formatReference } from "./names.js";

// Type checking of binding data against the type an input expects. Promises are resolved first
// (once, reporting missing nodes and outputs); these functions only read the resolved types.

/** The resolved type of a promise; UNKNOWN when it could not be resolved. */
export type TypeOf = (ref: OutputReference) => BoundType;

/** Why a binding does not fit: where inside the bound value, what was expected, what was found. */
export interface TypeProblem {
  readonly at: string;
  readonly expected: LiteralType;
  readonly got: string;
}

/** Calls `visit` for every promise in the binding, collections and maps included. */
export function forEachPromise(data: BindingData, visit: (ref: OutputReference) => void): void {
  const v = data.value;
  if (v.case === "promise") visit(v.value);
  else if (v.case === "collection") for (const item of v.value.bindings) forEachPromise(item, visit);
  else if (v.case === "map") for (const item of Object.values(v.value.bindings)) forEachPromise(item, visit);
}

/** `expected string, got int from n0.o0`, led by the position inside the value when nested. */
export function describeProblem(problem: TypeProblem): string {
  const at = problem.at === "" ? "" : `at ${problem.at}: `;
  return `${at}expected ${describeType(problem.expected)}, got ${problem.got}`;
}

/** The first reason the binding cannot be bound to `expected`, or undefined when it fits. */
export function bindingProblem(data: BindingData, expected: LiteralType, typeOf: TypeOf, at = ""): TypeProblem | undefined {
  const target = data.union?.targetType;
  if (target) {
    if (!isCastable(target, expected)) return { at, expected, got: `a value wrapped as ${describeType(target)}` };
    return valueProblem(data, target, typeOf, at);
  }
  return valueProblem(data, expected, typeOf, at);
}

function valueProblem(data: BindingData, expected: LiteralType, typeOf: TypeOf, at: string): TypeProblem | undefined {
  const v = data.value;
  switch (v.case) {
    case "promise": {
      const type = typeOf(v.value);
      if (castsTo(type, expected)) return undefined;
      return { at, expected, got: `${describeBound(type)} from ${formatReference(v.value.nodeId, v.value.var, v.value.attrPath)}` };
    }
    case "scalar":
      return scalarProblem(v.value, expected, at);
    case "offloaded": {
      const type = v.value.inferredType ?? UNKNOWN;
      return castsTo(type, expected) ? undefined : { at, expected, got: `${describeBound(type)} (offloaded constant)` };
    }
    case "collection":
    case "map":
      return containerProblem(data, expected, typeOf, at);
    case undefined:
      return { at, expected, got: "an empty binding" };
    default:
      return assertNever(v, "binding data");
  }
}

function scalarProblem(scalar: Scalar, expected: LiteralType, at: string): TypeProblem | undefined {
  const type = scalarType(scalar);
  if (!castsTo(type, expected)) return { at, expected, got: `${describeBound(type)} constant ${describeScalar(scalar)}` };
  // A string constant bound to an enum must be one of its values.
  const inner = unwrapOptional(expected).type.type;
  const p = scalar.value.case === "primitive" ? scalar.value.value.value : undefined;
  if (inner.case === "enumType" && p?.case === "stringValue" && !inner.value.values.includes(p.value)) {
    return { at, expected, got: `${JSON.stringify(p.value)}, which is not one of its values` };
  }
  return undefined;
}

function containerProblem(data: BindingData, expected: LiteralType, typeOf: TypeOf, at: string): TypeProblem | undefined {
  const v = data.value;
  const t = expected.type;
  if (v.case === "collection" && t.case === "collectionType") {
    for (let i = 0; i < v.value.bindings.length; i++) {
      const item = v.value.bindings[i];
      const problem = item && bindingProblem(item, t.value, typeOf, `${at}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (v.case === "map" && t.case === "mapValueType") {
    for (const [key, item] of Object.entries(v.value.bindings)) {
      const problem = bindingProblem(item, t.value, typeOf, `${at}[${JSON.stringify(key)}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  const got = describeBound(inferBindingType(data, typeOf));
  if (t.case === "unionType") {
    const fits = t.value.variants.filter((variant) => !bindingProblem(data, variant, typeOf, at)).length;
    if (fits === 1) return undefined;
    if (fits > 1) return { at, expected, got: `${got}, which fits several variants (set union.target_type)` };
  }
  return { at, expected, got };
}

/** The type of the value a binding produces, as far as it can be known at compile time. */
export function inferBindingType(data: BindingData, typeOf: TypeOf): BoundType {
  const target = data.union?.targetType;
  if (target) return target;
  const v = data.value;
  switch (v.case) {
    case "promise":
      return typeOf(v.value);
    case "scalar":
      return scalarType(v.value);
    case "offloaded":
      return v.value.inferredType ?? UNKNOWN;
    case "collection": {
      const element = commonType(v.value.bindings, typeOf);
      return element === UNKNOWN ? UNKNOWN : listType(element);
    }
    case "map": {
      const value = commonType(Object.values(v.value.bindings), typeOf);
      return value === UNKNOWN ? UNKNOWN : mapType(value);
    }
    case undefined:
      return UNKNOWN;
    default:
      return assertNever(v, "binding data");
  }
}

// The one type all items share; none for no items (an empty list fits any list type).
function commonType(items: readonly BindingData[], typeOf: TypeOf): BoundType {
  let common: LiteralType | undefined;
  for (const item of items) {
    const type = inferBindingType(item, typeOf);
    if (type === UNKNOWN) return UNKNOWN;
    if (!common) common = type;
    else if (!sameType(common, type)) return UNKNOWN;
  }
  return common ?? simpleType(SimpleType.NONE);
}
