import { BlobDimensionality, type LiteralType } from "@skein/idl";
import { assertNever } from "../assert-never.js";
import { canonicalJson } from "./canonical-json.js";
import { simpleKind } from "./castable.js";
import { parseJsonSchema } from "./json-schema.js";

/**
 * Structural equality of two types: the same shape, ignoring metadata, annotations and structure
 * tags. Unspecified simple types equal none, unspecified blob dimensionality equals single, struct
 * schemas are compared as JSON values (member order ignored), enum values in order (the first is
 * the default), and union variants as a set.
 */
export function typesEqual(a: LiteralType, b: LiteralType): boolean {
  const x = a.type;
  const y = b.type;
  switch (x.case) {
    case "simple":
      return y.case === "simple" && simpleKind(x.value) === simpleKind(y.value);
    case "blob":
      return y.case === "blob" && x.value.format === y.value.format && dimensionality(x.value.dimensionality) === dimensionality(y.value.dimensionality);
    case "collectionType":
      return y.case === "collectionType" && typesEqual(x.value, y.value);
    case "mapValueType":
      return y.case === "mapValueType" && typesEqual(x.value, y.value);
    case "enumType":
      return y.case === "enumType" && sameStrings(x.value.values, y.value.values);
    case "unionType":
      return y.case === "unionType" && sameVariants(x.value.variants, y.value.variants);
    case "structType":
      return y.case === "structType" && sameSchema(x.value.jsonSchema, y.value.jsonSchema);
    case undefined:
      return y.case === undefined;
    default:
      return assertNever(x, "literal type");
  }
}

function dimensionality(d: BlobDimensionality): BlobDimensionality {
  return d === BlobDimensionality.UNSPECIFIED ? BlobDimensionality.SINGLE : d;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

// Each variant of `a` pairs with a distinct equal variant of `b`.
function sameVariants(a: readonly LiteralType[], b: readonly LiteralType[]): boolean {
  if (a.length !== b.length) return false;
  const used = new Array<boolean>(b.length).fill(false);
  return a.every((va) => {
    const i = b.findIndex((vb, j) => !used[j] && typesEqual(va, vb));
    if (i < 0) return false;
    used[i] = true;
    return true;
  });
}

function sameSchema(a: string, b: string): boolean {
  if (a === b) return true;
  // Empty and unparseable schemas both mean "any JSON value".
  return canonicalJson(parseJsonSchema(a) ?? {}) === canonicalJson(parseJsonSchema(b) ?? {});
}
