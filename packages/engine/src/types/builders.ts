import { create } from "@bufbuild/protobuf";
import { BlobDimensionality, LiteralTypeSchema, SimpleType, type LiteralType } from "@skein/idl";
import { canonicalJson } from "./canonical-json.js";

// Small constructors for literal types, so code and tests read like the types they build.

/** A parameterless scalar type: `simpleType(SimpleType.INTEGER)`. */
export function simpleType(simple: SimpleType): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "simple", value: simple } });
}

/** `list<element>`. */
export function listType(element: LiteralType): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "collectionType", value: element } });
}

/** `map<string, value>`. */
export function mapType(value: LiteralType): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "mapValueType", value } });
}

/** `union<variants...>`, in the given order. */
export function unionType(...variants: LiteralType[]): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "unionType", value: { variants } } });
}

/** `optional<inner>`: a union of `inner` and none. */
export function optionalType(inner: LiteralType): LiteralType {
  return unionType(inner, simpleType(SimpleType.NONE));
}

/** A string restricted to `values`; the first value is the default. */
export function enumType(values: readonly string[]): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "enumType", value: { values: [...values] } } });
}

/** A file (`dir` false) or directory (`dir` true) of the given format; "" means any format. */
export function blobType(format = "", dir = false): LiteralType {
  const dimensionality = dir ? BlobDimensionality.MULTIPART : BlobDimensionality.SINGLE;
  return create(LiteralTypeSchema, { type: { case: "blob", value: { format, dimensionality } } });
}

/** A structured value; the schema is stored as canonical JSON so equal schemas have equal text. */
export function structType(jsonSchema?: object): LiteralType {
  const text = jsonSchema === undefined ? "" : canonicalJson(jsonSchema);
  return create(LiteralTypeSchema, { type: { case: "structType", value: { jsonSchema: text } } });
}

/** A copy of `type` with a structure tag, which tells apart union variants of the same shape. */
export function taggedType(type: LiteralType, tag: string): LiteralType {
  return create(LiteralTypeSchema, { type: type.type, metadata: type.metadata, annotation: type.annotation, structure: { tag } });
}
