import { BlobDimensionality, SimpleType, type LiteralType, type Scalar } from "@skein/idl";
import { assertNever } from "../assert-never.js";
import { blobType, simpleType } from "../types/builders.js";
import { isCastable, isNoneType } from "../types/castable.js";
import { describeType } from "../types/describe-type.js";

// The type the compiler assigns to a bound value. UNKNOWN stands for a value whose type cannot be
// known before run time (a field of a schemaless struct, the output of a node whose target is
// missing): it passes every compile-time check, and the value is checked when it exists.

export const UNKNOWN = "unknown";
export type BoundType = LiteralType | typeof UNKNOWN;

export function describeBound(type: BoundType): string {
  return type === UNKNOWN ? "a value of unknown type" : describeType(type);
}

/** Castability with UNKNOWN accepted leniently. */
export function castsTo(up: BoundType, down: LiteralType): boolean {
  return up === UNKNOWN || isCastable(up, down);
}

/** Two types that accept each other's values. */
export function sameType(a: LiteralType, b: LiteralType): boolean {
  return isCastable(a, b) && isCastable(b, a);
}

/** The type of a constant scalar. */
export function scalarType(scalar: Scalar): BoundType {
  const s = scalar.value;
  switch (s.case) {
    case "primitive":
      return primitiveType(s.value.value.case);
    case "blob": {
      const type = s.value.metadata?.type;
      return type ? blobType(type.format, type.dimensionality === BlobDimensionality.MULTIPART) : blobType();
    }
    case "binary":
      return simpleType(SimpleType.BINARY);
    case "structValue":
      return simpleType(SimpleType.STRUCT);
    case "noneType":
      return simpleType(SimpleType.NONE);
    case "error":
      return simpleType(SimpleType.ERROR);
    case "union":
      return s.value.type ?? UNKNOWN;
    case undefined:
      return UNKNOWN;
    default:
      return assertNever(s, "scalar");
  }
}

type PrimitiveCase = "integer" | "floatValue" | "stringValue" | "boolean" | "datetime" | "duration" | undefined;

function primitiveType(kind: PrimitiveCase): BoundType {
  switch (kind) {
    case "integer":
      return simpleType(SimpleType.INTEGER);
    case "floatValue":
      return simpleType(SimpleType.FLOAT);
    case "stringValue":
      return simpleType(SimpleType.STRING);
    case "boolean":
      return simpleType(SimpleType.BOOLEAN);
    case "datetime":
      return simpleType(SimpleType.DATETIME);
    case "duration":
      return simpleType(SimpleType.DURATION);
    case undefined:
      return UNKNOWN;
    default:
      return assertNever(kind, "primitive");
  }
}

/** A constant as shown in messages: `3`, `"abc"`, `none`, `file s3://...`. */
export function describeScalar(scalar: Scalar): string {
  const s = scalar.value;
  switch (s.case) {
    case "primitive": {
      const p = s.value.value;
      if (p.case === "stringValue") return JSON.stringify(p.value);
      if (p.case === "integer" || p.case === "floatValue" || p.case === "boolean") return String(p.value);
      return p.case ?? "empty primitive";
    }
    case "blob":
      return s.value.uri;
    case "binary":
      return "bytes";
    case "structValue":
      return s.value.json.length > 40 ? `${s.value.json.slice(0, 40)}...` : s.value.json;
    case "noneType":
      return "none";
    case "error":
      return "error";
    case "union":
      return s.value.value?.value.case === "scalar" ? describeScalar(s.value.value.value.value) : "union value";
    case undefined:
      return "empty scalar";
    default:
      return assertNever(s, "scalar");
  }
}

/** The inner type of `optional<T>` (a two-variant union with none), else the type itself. */
export function unwrapOptional(type: LiteralType): { readonly type: LiteralType; readonly optional: boolean } {
  const t = type.type;
  if (t.case !== "unionType" || t.value.variants.length !== 2) return { type, optional: false };
  const [a, b] = t.value.variants;
  if (a && b && isNoneType(b)) return { type: a, optional: true };
  if (a && b && isNoneType(a)) return { type: b, optional: true };
  return { type, optional: false };
}

/** True when an unbound value (none) is acceptable for this type. */
export function acceptsNone(type: LiteralType): boolean {
  return isCastable(simpleType(SimpleType.NONE), type);
}
