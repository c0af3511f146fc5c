import { create, equals } from "@bufbuild/protobuf";
import { BlobDimensionality, LiteralTypeSchema, SimpleType, type LiteralType } from "@skein/idl";

// Small constructors and predicates for literal types, so the mapping code reads like the types.

export function simpleType(simple: SimpleType): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "simple", value: simple } });
}

export function listType(element: LiteralType): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "collectionType", value: element } });
}

export function mapType(value: LiteralType): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "mapValueType", value } });
}

export function enumType(values: readonly string[]): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "enumType", value: { values: [...values] } } });
}

export function blobType(format: string, dir: boolean): LiteralType {
  const dimensionality = dir ? BlobDimensionality.MULTIPART : BlobDimensionality.SINGLE;
  return create(LiteralTypeSchema, { type: { case: "blob", value: { format, dimensionality } } });
}

export function structType(jsonSchema: string): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "structType", value: { jsonSchema } } });
}

/**
 * A union of `variants`, flattened: nested unions contribute their variants and duplicates are
 * dropped, so `optional(optional(x))` and `union(a, union(a, b))` stay small.
 */
export function unionType(variants: readonly LiteralType[]): LiteralType {
  const flat: LiteralType[] = [];
  for (const variant of variants) {
    const members = variant.type.case === "unionType" ? variant.type.value.variants : [variant];
    for (const member of members) if (!flat.some((known) => equals(LiteralTypeSchema, known, member))) flat.push(member);
  }
  return create(LiteralTypeSchema, { type: { case: "unionType", value: { variants: flat } } });
}

export function optionalType(inner: LiteralType): LiteralType {
  return unionType([inner, simpleType(SimpleType.NONE)]);
}

/** True for the type of the absent value (NONE, or UNSPECIFIED which readers treat as NONE). */
export function isNoneType(type: LiteralType): boolean {
  return type.type.case === "simple" && (type.type.value === SimpleType.NONE || type.type.value === SimpleType.UNSPECIFIED);
}

/** True when `type` accepts the absent value: it is none, or a union with a none variant. */
export function acceptsNone(type: LiteralType): boolean {
  if (isNoneType(type)) return true;
  return type.type.case === "unionType" && type.type.value.variants.some(isNoneType);
}

export function sameType(a: LiteralType, b: LiteralType): boolean {
  return equals(LiteralTypeSchema, a, b);
}
