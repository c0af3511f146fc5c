import { create } from "@bufbuild/protobuf";
import { BlobDimensionality, LiteralTypeSchema, SimpleType, type LiteralType } from "@skein/idl";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anyType, decorate, leafType } from "./arbitraries.test-util.js";
import { blobType, enumType, listType, mapType, optionalType, simpleType, structType, taggedType, unionType } from "./builders.js";
import { isCastable } from "./castable.js";
import { describeType } from "./describe-type.js";
import { typesEqual } from "./equal.js";

const int = simpleType(SimpleType.INTEGER);
const float = simpleType(SimpleType.FLOAT);
const str = simpleType(SimpleType.STRING);
const none = simpleType(SimpleType.NONE);
const struct = simpleType(SimpleType.STRUCT);

function cast(up: LiteralType, down: LiteralType): boolean {
  return isCastable(up, down);
}

describe("isCastable: simple types", () => {
  it("compares simple types by kind", () => {
    expect(cast(int, int)).toBe(true);
    expect(cast(int, float)).toBe(false);
    expect(cast(float, int)).toBe(false);
    expect(cast(str, simpleType(SimpleType.BOOLEAN))).toBe(false);
  });

  it("reads an unspecified simple type as none", () => {
    expect(cast(simpleType(SimpleType.UNSPECIFIED), none)).toBe(true);
    expect(cast(none, simpleType(SimpleType.UNSPECIFIED))).toBe(true);
    expect(cast(simpleType(SimpleType.UNSPECIFIED), int)).toBe(false);
  });

  it("ignores metadata, annotations and structure tags", () => {
    expect(cast(decorate(int, "a"), decorate(int, "b"))).toBe(true);
    expect(cast(decorate(listType(str), "x"), listType(str))).toBe(true);
  });

  it("rejects a type with no kind on either side", () => {
    const empty = create(LiteralTypeSchema, {});
    expect(cast(empty, int)).toBe(false);
    expect(cast(int, empty)).toBe(false);
  });
});

describe("isCastable: enums", () => {
  const colors = enumType(["red", "green"]);
  it("casts enum to string always and string to enum (checked at run time)", () => {
    expect(cast(colors, str)).toBe(true);
    expect(cast(str, colors)).toBe(true);
    expect(cast(int, colors)).toBe(false);
    expect(cast(colors, int)).toBe(false);
  });

  it("casts an enum to one holding all of its values", () => {
    expect(cast(colors, enumType(["green", "red", "blue"]))).toBe(true);
    expect(cast(enumType(["red", "green", "blue"]), colors)).toBe(false);
  });
});

describe("isCastable: structs", () => {
  const point = structType({ title: "Point", type: "object", properties: { x: { type: "integer" }, y: { type: "integer" } }, required: ["x", "y"] });
  const xOnly = structType({ type: "object", properties: { x: { type: "number" } }, required: ["x"] });
  const xString = structType({ type: "object", properties: { x: { type: "string" } }, required: ["x"] });

  it("casts a schema to itself and to a supertype, not to a subtype", () => {
    expect(cast(point, point)).toBe(true);
    expect(cast(point, xOnly)).toBe(true);
    expect(cast(xOnly, point)).toBe(false);
    expect(cast(point, xString)).toBe(false);
  });

  it("treats empty or unparseable schemas as generic structs", () => {
    expect(cast(point, structType())).toBe(true);
    expect(cast(structType(), point)).toBe(true);
    const broken = create(LiteralTypeSchema, { type: { case: "structType", value: { jsonSchema: "{not json" } } });
    expect(cast(broken, point)).toBe(true);
    expect(cast(point, broken)).toBe(true);
  });

  it("lets a schemaless struct and any struct type cast both ways", () => {
    expect(cast(struct, point)).toBe(true);
    expect(cast(point, struct)).toBe(true);
    expect(cast(point, str)).toBe(false);
    expect(cast(str, point)).toBe(false);
  });

  it("follows local $refs, nested objects, arrays and additionalProperties", () => {
    const defs = { $defs: { P: { type: "object", properties: { v: { type: "integer" } }, required: ["v"] } } };
    const refUp = structType({ ...defs, type: "object", properties: { p: { $ref: "#/$defs/P" }, l: { type: "array", items: { type: "integer" } } }, required: ["p"] });
    const nestedDown = structType({ type: "object", properties: { p: { type: "object", properties: { v: { type: "number" } }, required: ["v"] } } });
    const badNested = structType({ type: "object", properties: { p: { type: "object", properties: { v: { type: "string" } } } } });
    const strList = structType({ type: "object", properties: { l: { type: "array", items: { type: "string" } } } });
    const closed = structType({ type: "object", properties: { p: {} }, additionalProperties: false });
    expect(cast(refUp, nestedDown)).toBe(true);
    expect(cast(refUp, badNested)).toBe(false);
    expect(cast(refUp, strList)).toBe(false);
    expect(cast(refUp, closed)).toBe(false);
  });

  it("requires upstream JSON enums to stay within downstream ones", () => {
    const down = structType({ type: "object", properties: { c: { enum: ["a", "b"] } } });
    expect(cast(structType({ type: "object", properties: { c: { enum: ["a"] } } }), down)).toBe(true);
    expect(cast(structType({ type: "object", properties: { c: { const: "z" } } }), down)).toBe(false);
  });
});

describe("isCastable: blobs and containers", () => {
  it("matches blob dimensionality and formats when both are set", () => {
    expect(cast(blobType("csv"), blobType(""))).toBe(true);
    expect(cast(blobType(""), blobType("csv"))).toBe(true);
    expect(cast(blobType("csv"), blobType("parquet"))).toBe(false);
    expect(cast(blobType("csv", true), blobType("csv", false))).toBe(false);
    const unspecified = create(LiteralTypeSchema, { type: { case: "blob", value: { format: "", dimensionality: BlobDimensionality.UNSPECIFIED } } });
    expect(cast(unspecified, blobType("csv"))).toBe(true);
    expect(cast(blobType("", true), unspecified)).toBe(false);
  });

  it("recurses into lists and maps and accepts none element types (empty containers)", () => {
    expect(cast(listType(enumType(["a"])), listType(str))).toBe(true);
    expect(cast(listType(int), listType(float))).toBe(false);
    expect(cast(mapType(int), mapType(int))).toBe(true);
    expect(cast(mapType(int), listType(int))).toBe(false);
    expect(cast(listType(none), listType(mapType(int)))).toBe(true);
    expect(cast(mapType(none), mapType(str))).toBe(true);
  });
});

describe("isCastable: unions", () => {
  it("casts none and the inner type to an optional", () => {
    expect(cast(none, optionalType(int))).toBe(true);
    expect(cast(int, optionalType(int))).toBe(true);
    expect(cast(str, optionalType(int))).toBe(false);
    expect(cast(none, unionType(int, str))).toBe(false);
  });

  it("accepts a value exactly one variant takes, and breaks ties by structure tag", () => {
    expect(cast(str, unionType(int, str))).toBe(true);
    const ambiguous = unionType(taggedType(str, "A"), taggedType(enumType(["x"]), "B"));
    expect(cast(str, ambiguous)).toBe(false);
    expect(cast(taggedType(str, "A"), ambiguous)).toBe(true);
    expect(cast(taggedType(str, "C"), ambiguous)).toBe(false);
    const sameTag = unionType(taggedType(str, "A"), taggedType(enumType(["x"]), "A"));
    expect(cast(taggedType(str, "A"), sameTag)).toBe(false);
  });

  it("casts a union into a union covering each of its variants", () => {
    expect(cast(unionType(int, str), unionType(str, float, int))).toBe(true);
    expect(cast(optionalType(int), optionalType(int))).toBe(true);
    expect(cast(unionType(int, str), optionalType(int))).toBe(false);
  });

  it("never casts a union into a non-union type", () => {
    expect(cast(unionType(int), int)).toBe(false);
    expect(cast(optionalType(str), str)).toBe(false);
  });
});

describe("isCastable: properties", () => {
  it("is reflexive", () => {
    fc.assert(fc.property(anyType, (t) => cast(t, t)));
  });

  it("holds between structurally equal types", () => {
    fc.assert(fc.property(anyType, anyType, (a, b) => !typesEqual(a, b) || cast(a, b)));
  });

  it("ignores metadata and annotations", () => {
    fc.assert(fc.property(anyType, anyType, fc.string(), (a, b, note) => {
      const strip = (t: LiteralType) => create(LiteralTypeSchema, { type: t.type, structure: t.structure });
      const withNotes = (t: LiteralType) => create(LiteralTypeSchema, { ...t, metadata: decorate(t, note).metadata, annotation: decorate(t, note).annotation });
      return cast(withNotes(a), withNotes(b)) === cast(strip(a), strip(b));
    }));
  });

  it("casts every non-none leaf into its optional, and lists and maps as their elements do", () => {
    fc.assert(fc.property(leafType, leafType, (a, b) => {
      expect(cast(a, optionalType(a)), describeType(a)).toBe(true);
      expect(cast(listType(a), listType(b))).toBe(cast(a, b));
      expect(cast(mapType(a), mapType(b))).toBe(cast(a, b));
    }));
  });

  it("never casts a union into a non-union, and casts into a one-variant union as into the variant", () => {
    fc.assert(fc.property(anyType, anyType, (a, b) => {
      if (b.type.case !== "unionType") expect(cast(unionType(a), b)).toBe(false);
      if (a.type.case !== "unionType") expect(cast(a, unionType(b))).toBe(cast(a, b));
    }));
  });
});
