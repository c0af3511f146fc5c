import { create } from "@bufbuild/protobuf";
import { BlobDimensionality, LiteralTypeSchema, SimpleType } from "@skein/idl";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anyType } from "./arbitraries.test-util.js";
import { blobType, listType, optionalType, simpleType, taggedType } from "./builders.js";
import { canonicalTypeJson } from "./canonical-type.js";
import { typesEqual } from "./equal.js";

describe("canonicalTypeJson", () => {
  it("writes what type checking sees: kinds and tags, not metadata or annotations", () => {
    const int = simpleType(SimpleType.INTEGER);
    expect(canonicalTypeJson(optionalType(int))).toBe(`{"union":[{"simple":2},{"simple":1}]}`);
    expect(canonicalTypeJson(listType(taggedType(int, "Count")))).toBe(`{"list":{"tag":"Count","type":{"simple":2}}}`);
    const noted = create(LiteralTypeSchema, { type: int.type, metadata: { fields: { a: { kind: { case: "boolValue", value: true } } } }, annotation: { annotations: {} } });
    expect(canonicalTypeJson(noted)).toBe(canonicalTypeJson(int));
    expect(canonicalTypeJson(undefined)).toBe("null");
  });

  it("writes equivalent spellings the same", () => {
    expect(canonicalTypeJson(simpleType(SimpleType.UNSPECIFIED))).toBe(canonicalTypeJson(simpleType(SimpleType.NONE)));
    const unspecified = create(LiteralTypeSchema, { type: { case: "blob", value: { format: "csv", dimensionality: BlobDimensionality.UNSPECIFIED } } });
    expect(canonicalTypeJson(unspecified)).toBe(canonicalTypeJson(blobType("csv")));
    expect(canonicalTypeJson(blobType("csv", true))).not.toBe(canonicalTypeJson(blobType("csv")));
  });

  it("gives equal text only to structurally equal types", () => {
    fc.assert(fc.property(anyType, anyType, (a, b) => {
      if (canonicalTypeJson(a) === canonicalTypeJson(b)) expect(typesEqual(a, b)).toBe(true);
    }));
  });
});
