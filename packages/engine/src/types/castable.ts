import { BlobDimensionality, SimpleType, type BlobType, type EnumType, type LiteralType } from "@skein/idl";
import { assertNever } from "../assert-never.js";
import { isStructSchemaCastable } from "./struct-castable.js";

// Castability decides, at compile time, whether an output of one type may be bound to an input of
// another. Metadata, annotations and structure tags never affect it, except that a structure tag
// breaks a tie between union variants that would otherwise both accept a value.

/**
 * May a value of type `upstream` bind to an input of type `downstream`?
 *
 * - Simple types compare by kind; an unspecified simple type means none.
 * - An enum casts to string; a string casts to an enum (its value is checked at run time); an enum
 *   casts to another enum holding at least all of its values.
 * - Struct types: see `isStructSchemaCastable`; a schemaless struct (simple STRUCT) and any struct
 *   type cast both ways.
 * - Blobs: same dimensionality, and formats equal or either empty.
 * - Lists and maps recurse; a none element type (an empty list or map) casts to any element type.
 * - Into a union: a union casts when each of its variants casts to some downstream variant; any
 *   other type casts when exactly one variant accepts it, or, when several do, exactly one of those
 *   has the upstream's structure tag. None casts to a union with a none variant (an optional).
 * - A union never casts to a non-union type.
 */
export function isCastable(upstream: LiteralType, downstream: LiteralType): boolean {
  const down = downstream.type;
  const up = upstream.type;
  if (up.case === undefined || down.case === undefined) return false;
  if (down.case === "unionType") return castsToUnion(upstream, down.value.variants);
  if (up.case === "unionType") return false;
  switch (down.case) {
    case "simple":
      return castsToSimple(upstream, simpleKind(down.value));
    case "enumType":
      if (up.case === "enumType") return enumIncludes(down.value, up.value);
      return up.case === "simple" && up.value === SimpleType.STRING;
    case "blob":
      return up.case === "blob" && blobCastable(up.value, down.value);
    case "collectionType":
      return up.case === "collectionType" && elementCastable(up.value, down.value);
    case "mapValueType":
      return up.case === "mapValueType" && elementCastable(up.value, down.value);
    case "structType":
      if (up.case === "structType") return isStructSchemaCastable(up.value.jsonSchema, down.value.jsonSchema);
      return up.case === "simple" && up.value === SimpleType.STRUCT;
    default:
      return assertNever(down, "literal type");
  }
}

/** The simple kind with UNSPECIFIED read as NONE. */
export function simpleKind(simple: SimpleType): SimpleType {
  return simple === SimpleType.UNSPECIFIED ? SimpleType.NONE : simple;
}

/** True for the none type (a simple NONE or UNSPECIFIED). */
export function isNoneType(type: LiteralType): boolean {
  return type.type.case === "simple" && simpleKind(type.type.value) === SimpleType.NONE;
}

function castsToSimple(upstream: LiteralType, kind: SimpleType): boolean {
  const up = upstream.type;
  if (up.case === "simple") return simpleKind(up.value) === kind;
  if (up.case === "enumType") return kind === SimpleType.STRING;
  return up.case === "structType" && kind === SimpleType.STRUCT;
}

function castsToUnion(upstream: LiteralType, variants: readonly LiteralType[]): boolean {
  const up = upstream.type;
  if (up.case === "unionType") {
    return up.value.variants.every((u) => variants.some((d) => isCastable(u, d)));
  }
  let match: LiteralType | undefined;
  let matches = 0;
  for (const variant of variants) {
    if (!isCastable(upstream, variant)) continue;
    match = variant;
    matches++;
  }
  if (matches === 1) return match !== undefined;
  if (matches === 0) return false;
  return tagMatches(upstream, variants) === 1;
}

// How many variants that accept `upstream` carry its (non-empty) structure tag.
function tagMatches(upstream: LiteralType, variants: readonly LiteralType[]): number {
  const tag = upstream.structure?.tag ?? "";
  if (tag === "") return 0;
  let count = 0;
  for (const variant of variants) {
    if (variant.structure?.tag === tag && isCastable(upstream, variant)) count++;
  }
  return count;
}

function enumIncludes(down: EnumType, up: EnumType): boolean {
  return up.values.every((v) => down.values.includes(v));
}

function elementCastable(up: LiteralType, down: LiteralType): boolean {
  return isNoneType(up) || isCastable(up, down);
}

/** Same dimensionality (unspecified means single), and formats equal or either empty. */
export function blobCastable(up: BlobType, down: BlobType): boolean {
  if (blobDimensionality(up) !== blobDimensionality(down)) return false;
  return up.format === "" || down.format === "" || up.format === down.format;
}

function blobDimensionality(blob: BlobType): BlobDimensionality {
  return blob.dimensionality === BlobDimensionality.UNSPECIFIED ? BlobDimensionality.SINGLE : blob.dimensionality;
}
