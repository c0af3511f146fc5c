import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { LiteralSchema, SimpleType, type Literal, type LiteralType } from "@skein/idl";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anyType } from "../types/arbitraries.test-util.js";
import { blobType, enumType, listType, mapType, optionalType, simpleType, structType, taggedType, unionType } from "../types/builders.js";
import { typesEqual } from "../types/equal.js";
import { anyLiteral, literalOfType } from "./arbitraries.test-util.js";
import {
  blobLiteral, boolLiteral, datetimeLiteral, floatLiteral, intLiteral, listLiteral, mapLiteral, noneLiteral, stringLiteral, structLiteral,
  unionLiteral,
} from "./builders.js";
import { checkLiteral, literalFits } from "./check.js";

const int = simpleType(SimpleType.INTEGER);
const float = simpleType(SimpleType.FLOAT);
const str = simpleType(SimpleType.STRING);
const none = simpleType(SimpleType.NONE);

function offloaded(inferredType: LiteralType | undefined): Literal {
  return create(LiteralSchema, { value: { case: "offloaded", value: { uri: "s3://b/o", inferredType } } });
}

describe("checkLiteral: scalars", () => {
  it("accepts matching primitives and names path, type and value otherwise", () => {
    expect(checkLiteral(intLiteral(3), int)).toEqual([]);
    expect(checkLiteral(stringLiteral("3"), int, "inputs.n")).toEqual([`inputs.n: expected int, got string "3"`]);
    expect(checkLiteral(boolLiteral(true), simpleType(SimpleType.BOOLEAN))).toEqual([]);
    expect(checkLiteral(noneLiteral(), none)).toEqual([]);
    expect(checkLiteral(noneLiteral(), simpleType(SimpleType.UNSPECIFIED))).toEqual([]);
    expect(checkLiteral(intLiteral(0), none)).toEqual(["value: expected none, got int 0"]);
    const at = datetimeLiteral(new Date(0));
    expect(at).toEqual(create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "datetime", value: timestampFromDate(new Date(0)) } } } } } }));
    expect(checkLiteral(at, simpleType(SimpleType.DATETIME))).toEqual([]);
    expect(checkLiteral(at, simpleType(SimpleType.DURATION))).toEqual(["value: expected duration, got datetime"]);
  });

  it("never accepts a float as an int, and accepts an int as a float only when exact", () => {
    expect(checkLiteral(floatLiteral(2), int)).toEqual(["value: expected int, got float 2"]);
    expect(checkLiteral(intLiteral(2n ** 53n), float)).toEqual([]);
    expect(checkLiteral(intLiteral(-(2n ** 53n)), float)).toEqual([]);
    expect(checkLiteral(intLiteral(2n ** 53n + 1n), float)).toEqual([
      "value: expected float, got int 9007199254740993, which a float cannot hold exactly",
    ]);
  });

  it("accepts enum values as strings within the value list", () => {
    const colors = enumType(["red", "green"]);
    expect(checkLiteral(stringLiteral("green"), colors)).toEqual([]);
    expect(checkLiteral(stringLiteral("blue"), colors, "c")).toEqual([`c: expected enum{red|green}, got string "blue"`]);
    expect(checkLiteral(intLiteral(1), colors)).toHaveLength(1);
  });

  it("requires a blob uri, the same dimensionality and a compatible format", () => {
    expect(checkLiteral(blobLiteral("s3://b/k", "csv"), blobType("csv"))).toEqual([]);
    expect(checkLiteral(blobLiteral("s3://b/k", "csv"), blobType(""))).toEqual([]);
    expect(checkLiteral(blobLiteral(""), blobType())).toEqual(["value: expected file, got file without uri"]);
    expect(checkLiteral(blobLiteral("s3://b/d/", "", true), blobType())).toEqual(["value: expected file, got dir s3://b/d/"]);
    expect(checkLiteral(blobLiteral("s3://b/k", "csv"), blobType("parquet"))).toEqual([`value: expected file(parquet), got file s3://b/k (format "csv")`]);
  });
});

describe("checkLiteral: containers and paths", () => {
  it("reports every bad element with its path", () => {
    const grid = listLiteral([
      mapLiteral({ lr: floatLiteral(0.1) }),
      mapLiteral({ lr: floatLiteral(0.2) }),
      mapLiteral({ lr: stringLiteral("x"), "odd key": stringLiteral("y") }),
    ]);
    expect(checkLiteral(grid, listType(mapType(float)), "inputs.grid")).toEqual([
      `inputs.grid[2].lr: expected float, got string "x"`,
      `inputs.grid[2]["odd key"]: expected float, got string "y"`,
    ]);
    expect(checkLiteral(intLiteral(1), listType(int))).toEqual(["value: expected list<int>, got int 1"]);
    expect(checkLiteral(listLiteral([]), mapType(int))).toEqual(["value: expected map<string, int>, got list of 0"]);
  });
});

describe("checkLiteral: structs", () => {
  const point = structType({
    title: "Point", type: "object",
    properties: { x: { type: "integer" }, y: { type: "number" }, tags: { type: "array", items: { type: "string" } }, kind: { enum: ["a", "b"] }, p: { $ref: "#/$defs/P" } },
    required: ["x", "y"], $defs: { P: { type: "object", properties: { q: { type: "boolean" } }, additionalProperties: false } },
  });

  it("validates required properties, types, items, enums and refs", () => {
    expect(checkLiteral(structLiteral(`{"x":1,"y":2,"tags":["a"],"kind":"a","p":{"q":true}}`), point)).toEqual([]);
    expect(checkLiteral(structLiteral(`{"x":1.5,"tags":["a",2],"kind":"c","p":{"q":1,"r":0}}`), point, "pt")).toEqual([
      "pt.y: expected number, got nothing (required property missing)",
      "pt.x: expected integer, got number 1.5",
      "pt.tags[1]: expected string, got integer 2",
      `pt.kind: expected one of ["a","b"], got string "c"`,
      "pt.p.q: expected boolean, got integer 1",
      "pt.p.r: unexpected property (the schema allows no others)",
    ]);
  });

  it("requires valid JSON with an object at the top level for schemaless structs", () => {
    expect(checkLiteral(structLiteral(`{"any":[1]}`), simpleType(SimpleType.STRUCT))).toEqual([]);
    expect(checkLiteral(structLiteral(`{"any":[1]}`), structType())).toEqual([]);
    expect(checkLiteral(structLiteral(`[1]`), structType())).toEqual(["value: expected struct, got a struct whose JSON top level is not an object"]);
    expect(checkLiteral(structLiteral(`{oops`), point)).toEqual(["value: expected struct Point, got a struct whose JSON text does not parse"]);
    expect(checkLiteral(stringLiteral("{}"), point)).toEqual([`value: expected struct Point, got string "{}"`]);
    expect(checkLiteral(structLiteral(`[1]`), structType({ type: "array", items: { type: "integer" } }))).toEqual([]);
  });
});

describe("checkLiteral: unions and offloaded values", () => {
  it("accepts a plain value exactly one variant takes, including none for an optional", () => {
    expect(checkLiteral(noneLiteral(), optionalType(int))).toEqual([]);
    expect(checkLiteral(intLiteral(1), optionalType(int))).toEqual([]);
    expect(checkLiteral(stringLiteral("a"), optionalType(int))).toEqual([`value: expected optional<int>, got string "a"`]);
    expect(checkLiteral(stringLiteral("a"), unionType(str, enumType(["a"])))).toEqual([
      `value: expected union<string|enum{a}>, got string "a", which matches 2 variants (ambiguous; wrap it in a union value naming its variant)`,
    ]);
  });

  it("checks a union value against the variant it names, told apart by tag", () => {
    const u = unionType(taggedType(str, "A"), taggedType(str, "B"), int);
    expect(checkLiteral(unionLiteral(stringLiteral("x"), taggedType(str, "B")), u)).toEqual([]);
    expect(checkLiteral(unionLiteral(intLiteral(1), str), unionType(str, int))).toEqual([`value: expected string, got int 1`]);
    expect(checkLiteral(unionLiteral(stringLiteral("x"), str), u)).toEqual([
      "value: expected union<string|string|int>, got union value of variant string, which is none of its variants",
    ]);
    expect(checkLiteral(unionLiteral(boolLiteral(true), simpleType(SimpleType.BOOLEAN)), u)).toHaveLength(1);
  });

  it("accepts offloaded values whose inferred type is castable", () => {
    expect(checkLiteral(offloaded(listType(int)), listType(int))).toEqual([]);
    expect(checkLiteral(offloaded(listType(int)), listType(str), "big")).toEqual(["big: expected list<string>, got offloaded value of type list<int>"]);
    expect(checkLiteral(offloaded(undefined), int)).toEqual(["value: expected int, got offloaded value without an inferred type"]);
  });
});

// Types whose union variants are pairwise distinct, so a union value always names one variant.
const distinctType = anyType.filter(function distinct(t: LiteralType): boolean {
  const v = t.type;
  if (v.case === "collectionType" || v.case === "mapValueType") return distinct(v.value);
  if (v.case !== "unionType") return true;
  const vs = v.value.variants;
  return vs.every(distinct) && vs.every((a, i) => vs.every((b, j) => i === j || !typesEqual(a, b)));
});

describe("checkLiteral: properties", () => {
  it("accepts every value generated from a type", () => {
    fc.assert(fc.property(distinctType.chain((t) => fc.tuple(fc.constant(t), literalOfType(t))), ([type, literal]) => {
      expect(checkLiteral(literal, type)).toEqual([]);
    }));
  });

  it("agrees with literalFits, and prefixes every problem with the path", () => {
    fc.assert(fc.property(anyLiteral, anyType, (literal, type) => {
      const problems = checkLiteral(literal, type, "in.x");
      expect(problems.length === 0).toBe(literalFits(literal, type));
      for (const p of problems) expect(p.startsWith("in.x")).toBe(true);
    }));
  });
});
