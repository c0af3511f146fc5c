import { create } from "@bufbuild/protobuf";
import { BlobDimensionality, LiteralTypeSchema, SimpleType } from "@skein/idl";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anyType, decorate } from "./arbitraries.test-util.js";
import { blobType, enumType, listType, mapType, optionalType, simpleType, structType, unionType } from "./builders.js";
import { typesEqual } from "./equal.js";

const int = simpleType(SimpleType.INTEGER);
const str = simpleType(SimpleType.STRING);

describe("typesEqual", () => {
  it("compares shapes, ignoring metadata, annotations and tags", () => {
    expect(typesEqual(decorate(listType(int), "a"), listType(int))).toBe(true);
    expect(typesEqual(listType(int), mapType(int))).toBe(false);
    expect(typesEqual(listType(int), listType(str))).toBe(false);
    expect(typesEqual(simpleType(SimpleType.UNSPECIFIED), simpleType(SimpleType.NONE))).toBe(true);
    expect(typesEqual(create(LiteralTypeSchema), create(LiteralTypeSchema))).toBe(true);
    expect(typesEqual(create(LiteralTypeSchema), int)).toBe(false);
  });

  it("compares blobs by format and dimensionality (unspecified is single)", () => {
    const unspecified = create(LiteralTypeSchema, { type: { case: "blob", value: { format: "csv", dimensionality: BlobDimensionality.UNSPECIFIED } } });
    expect(typesEqual(unspecified, blobType("csv"))).toBe(true);
    expect(typesEqual(blobType("csv"), blobType(""))).toBe(false);
    expect(typesEqual(blobType("csv", true), blobType("csv"))).toBe(false);
  });

  it("compares enum values in order and union variants as a set", () => {
    expect(typesEqual(enumType(["a", "b"]), enumType(["a", "b"]))).toBe(true);
    expect(typesEqual(enumType(["a", "b"]), enumType(["b", "a"]))).toBe(false);
    expect(typesEqual(unionType(int, str), unionType(str, int))).toBe(true);
    expect(typesEqual(unionType(int, int), unionType(int, str))).toBe(false);
    expect(typesEqual(optionalType(int), unionType(int))).toBe(false);
  });

  it("compares struct schemas as JSON values; empty and unparseable mean any", () => {
    const textA = create(LiteralTypeSchema, { type: { case: "structType", value: { jsonSchema: `{"type":"object","title":"P"}` } } });
    const textB = create(LiteralTypeSchema, { type: { case: "structType", value: { jsonSchema: `{ "title": "P", "type": "object" }` } } });
    expect(typesEqual(textA, textB)).toBe(true);
    expect(typesEqual(textA, structType({ type: "object", title: "Q" }))).toBe(false);
    expect(typesEqual(structType(), structType({}))).toBe(true);
    expect(typesEqual(structType(), simpleType(SimpleType.STRUCT))).toBe(false);
  });

  it("is reflexive and symmetric", () => {
    fc.assert(fc.property(anyType, anyType, (a, b) => {
      expect(typesEqual(a, a)).toBe(true);
      expect(typesEqual(a, b)).toBe(typesEqual(b, a));
    }));
  });
});
