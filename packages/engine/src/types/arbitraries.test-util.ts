import { create } from "@bufbuild/protobuf";
import { LiteralTypeSchema, SimpleType, type LiteralType } from "@skein/idl";
import fc from "fast-check";
import { blobType, enumType, listType, mapType, simpleType, structType, taggedType, unionType } from "./builders.js";

// Random literal types for property tests. Kept beside the tests; not exported from the package.

const simpleKinds = [
  SimpleType.NONE, SimpleType.INTEGER, SimpleType.FLOAT, SimpleType.STRING, SimpleType.BOOLEAN,
  SimpleType.DATETIME, SimpleType.DURATION, SimpleType.BINARY, SimpleType.ERROR, SimpleType.STRUCT,
];

const schemas = [
  undefined,
  { type: "object", properties: { a: { type: "integer" } }, required: ["a"] },
  { type: "object", properties: { a: { type: "integer" }, b: { type: "string" } }, required: ["a", "b"] },
  { type: "object", properties: { name: { type: "string" } } },
];

/** A type that is not a union, without none anywhere at its top level. */
export const leafType: fc.Arbitrary<LiteralType> = fc.oneof(
  fc.constantFrom(...simpleKinds.filter((k) => k !== SimpleType.NONE)).map(simpleType),
  fc.tuple(fc.constantFrom("", "csv", "parquet"), fc.boolean()).map(([format, dir]) => blobType(format, dir)),
  fc.uniqueArray(fc.constantFrom("red", "green", "blue"), { minLength: 1 }).map(enumType),
  fc.constantFrom(...schemas).map((s) => structType(s)),
);

/** Any literal type, unions and containers included, up to a small depth. */
export const anyType: fc.Arbitrary<LiteralType> = fc.letrec<{ type: LiteralType }>((tie) => ({
  type: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafType,
    fc.constant(simpleType(SimpleType.NONE)),
    tie("type").map(listType),
    tie("type").map(mapType),
    fc.array(tie("type"), { minLength: 1, maxLength: 3 }).map((vs) => unionType(...vs)),
  ),
})).type;

/** The same type with random metadata, annotations and structure tags added at the top. */
export function decorate(type: LiteralType, note: string): LiteralType {
  const tagged = taggedType(type, note);
  return create(LiteralTypeSchema, {
    type: tagged.type,
    structure: tagged.structure,
    metadata: { fields: { note: { kind: { case: "stringValue", value: note } } } },
    annotation: { annotations: { fields: { note: { kind: { case: "stringValue", value: note } } } } },
  });
}
