import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { LiteralSchema, SimpleType, type Literal, type LiteralType } from "@skein/idl";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromLiteral, LiteralConversionError, toLiteral } from "./convert.js";
import { literalTypeOf } from "./literal-type-of.js";
import { blobType, enumType, listType, mapType, optionalType, simpleType, structType, unionType } from "./literal-types.js";
import { t } from "./t.js";

const INT = simpleType(SimpleType.INTEGER);
const FLOAT = simpleType(SimpleType.FLOAT);
const STRING = simpleType(SimpleType.STRING);

interface Case {
  readonly type: LiteralType;
  readonly value: unknown;
}

interface Kind {
  readonly type: LiteralType;
  readonly value: fc.Arbitrary<unknown>;
}

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const NONE = simpleType(SimpleType.NONE);

// Leaf types whose JavaScript values never overlap, so a union of them carries each value in the
// variant it came from.
const disjointLeaves: Kind[] = [
  { type: INT, value: int64 },
  { type: STRING, value: fc.string({ unit: "binary" }) },
  { type: simpleType(SimpleType.BOOLEAN), value: fc.boolean() },
  { type: simpleType(SimpleType.DATETIME), value: fc.date({ noInvalidDate: true }) },
  { type: simpleType(SimpleType.BINARY), value: fc.uint8Array({ maxLength: 8 }) },
];

const leaves: Kind[] = [
  ...disjointLeaves,
  { type: FLOAT, value: fc.double() },
  { type: simpleType(SimpleType.DURATION), value: fc.integer({ min: -1e12, max: 1e12 }) },
  { type: NONE, value: fc.constant(null) },
  { type: enumType(["red", "green", "blue"]), value: fc.constantFrom("red", "green", "blue") },
  { type: blobType("", false), value: fc.webUrl().map((uri) => ({ uri })) },
  { type: blobType("", true), value: fc.webUrl().map((uri) => ({ uri })) },
  { type: blobType("csv", false), value: fc.webUrl().map((uri) => ({ uri, format: "csv" })) },
  { type: simpleType(SimpleType.STRUCT), value: fc.jsonValue({ maxDepth: 2 }) },
  { type: structType(""), value: fc.record({ a: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), b: fc.string() }) },
];

const disjointUnion = unionType([...disjointLeaves.map((k) => k.type), NONE]);

function kinds(depth: number): fc.Arbitrary<Kind> {
  const leaf = fc.constantFrom(...leaves);
  if (depth === 0) return leaf;
  const inner = kinds(depth - 1);
  return fc.oneof(
    leaf,
    inner.map((k) => ({ type: listType(k.type), value: fc.array(k.value, { maxLength: 3 }) })),
    inner.map((k) => ({ type: mapType(k.type), value: fc.dictionary(fc.string(), k.value, { maxKeys: 3 }) })),
    inner.map((k) => ({ type: optionalType(k.type), value: fc.option(k.value, { nil: null }) })),
    fc.constant({ type: disjointUnion, value: fc.oneof(...disjointLeaves.map((k) => k.value), fc.constant(null)) }),
  );
}

const cases: fc.Arbitrary<Case> = kinds(3).chain((kind) => kind.value.map((value) => ({ type: kind.type, value })));

// fromLiteral reads integers as bigints and struct JSON integers beyond 2^53 as bigints, so
// compare with every integral number as a bigint.
function comparable(value: unknown): unknown {
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value === "object" && value !== null && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
  }
  return value;
}

describe("toLiteral / fromLiteral", () => {
  it("round-trips every value exactly, through the binary wire form too", () => {
    fc.assert(
      fc.property(cases, ({ type, value }) => {
        const literal = toLiteral(value, type);
        const wire = fromBinary(LiteralSchema, toBinary(LiteralSchema, literal));
        // Compared as bytes: message equality treats NaN as unequal to itself.
        expect(toBinary(LiteralSchema, wire)).toEqual(toBinary(LiteralSchema, literal));
        const back = fromLiteral(wire, type);
        expect(comparable(back)).toEqual(comparable(value));
        expect(toBinary(LiteralSchema, toLiteral(back, type))).toEqual(toBinary(LiteralSchema, literal));
      }),
      { numRuns: 400 },
    );
  });

  it("carries integers exactly: numbers must be safe, bigints cover 64 bits", () => {
    expect(fromLiteral(toLiteral(2n ** 63n - 1n, INT), INT)).toBe(2n ** 63n - 1n);
    expect(fromLiteral(toLiteral(42, INT), INT)).toBe(42n);
    expect(() => toLiteral(2 ** 60, INT, "inputs.n")).toThrow(/^inputs\.n: expected int, got 1152921504606847000 \(not a safe integer, so not exact: use a bigint \(t\.bigint\(\)\)\)$/);
    expect(() => toLiteral(2n ** 63n, INT)).toThrow(/outside the 64-bit range/);
    expect(() => toLiteral(1.5, INT)).toThrow("value: expected int, got 1.5");
  });

  it("writes struct values as canonical JSON with exact integers", () => {
    const literal = toLiteral({ b: [1, 2.5, 2n ** 64n], a: { z: null, y: 1e21 }, c: undefined }, structType(""));
    const scalar = literal.value.case === "scalar" ? literal.value.value.value : undefined;
    expect(scalar).toMatchObject({ case: "structValue", value: { json: '{"a":{"y":1000000000000000000000,"z":null},"b":[1,2.5,18446744073709551616]}' } });
    expect(fromLiteral(literal, structType(""))).toEqual({ a: { y: 10n ** 21n, z: null }, b: [1, 2.5, 2n ** 64n] });
  });

  it("validates struct values against their JSON Schema", () => {
    const type = literalTypeOf(t.struct({ n: t.int(), tag: t.enum(["a", "b"]), more: t.list(t.string()).optional() }, { title: "S" }));
    expect(() => toLiteral({ n: 1, tag: "a" }, type)).not.toThrow();
    expect(() => toLiteral({ n: "1", tag: "a" }, type, "in.s")).toThrow('in.s: expected struct S, got an object (in.s.n: expected integer, got string)');
    expect(() => toLiteral({ tag: "a" }, type)).toThrow(/missing required field "n"/);
    expect(() => toLiteral({ n: 1, tag: "c" }, type)).toThrow(/expected one of "a", "b"/);
    expect(() => toLiteral({ n: 1, tag: "a", extra: 1 }, type)).toThrow(/unexpected field "extra"/);
    expect(() => toLiteral({ n: 1, tag: "a", more: [1] }, type)).toThrow(/in\w*\.more\[0\]|value\.more\[0\]/);
    expect(() => toLiteral({ d: new Date(0) }, structType(""))).toThrow(/a Date has no JSON form/);
  });

  it("names the path and the expected type on mismatches", () => {
    const type = mapType(listType(optionalType(INT)));
    expect(() => toLiteral({ a: [1, "x"] }, type, "inputs.m")).toThrow(LiteralConversionError);
    expect(() => toLiteral({ a: [1, "x"] }, type, "inputs.m")).toThrow('inputs.m.a[1]: expected optional<int>, got "x"');
    expect(() => toLiteral("x", enumType(["a", "b"]))).toThrow('value: expected enum{a|b}, got "x"');
    expect(() => toLiteral({ uri: "s3://b/k", format: "json" }, blobType("csv", false))).toThrow(/format "json" is not "csv"/);
    expect(() => toLiteral({ path: "x" }, blobType("", true))).toThrow("value: expected dir, got an object (expected { uri, format? })");
    expect(() => toLiteral(new Date(Number.NaN), simpleType(SimpleType.DATETIME))).toThrow("expected datetime, got an invalid Date");
    expect(() => toLiteral(5, STRING)).toThrow("value: expected string, got 5");
    expect(() => toLiteral(undefined, INT)).toThrow("value: expected int, got nothing (undefined)");
  });

  it("picks the first union variant that accepts the value, and none for null/undefined", () => {
    const type = unionType([INT, FLOAT, simpleType(SimpleType.NONE)]);
    const variantOf = (literal: Literal) => (literal.value.case === "scalar" && literal.value.value.value.case === "union" ? literal.value.value.value.value.type?.type : undefined);
    expect(variantOf(toLiteral(3, type))).toEqual({ case: "simple", value: SimpleType.INTEGER });
    expect(variantOf(toLiteral(3.5, type))).toEqual({ case: "simple", value: SimpleType.FLOAT });
    expect(variantOf(toLiteral(undefined, type))).toEqual({ case: "simple", value: SimpleType.NONE });
    expect(() => toLiteral("x", unionType([INT, FLOAT]))).toThrow('value: expected union<int|float>, got "x"');
  });

  it("reads durations to the nanosecond and rejects literals of another type", () => {
    const DURATION = simpleType(SimpleType.DURATION);
    expect(fromLiteral(toLiteral(1.000001, DURATION), DURATION)).toBeCloseTo(1.000001, 9);
    expect(fromLiteral(toLiteral(-1500, DURATION), DURATION)).toBe(-1500);
    expect(() => fromLiteral(toLiteral("x", STRING), INT, "outputs.o0")).toThrow("outputs.o0: expected int, got a stringValue primitive");
    expect(() => fromLiteral(toLiteral([1], listType(INT)), INT)).toThrow("value: expected int, got collection");
    expect(() => fromLiteral(toLiteral("c", STRING), enumType(["a", "b"]))).toThrow('value: "c" is not one of a, b');
    const tagged = toLiteral(1, unionType([INT, STRING]));
    expect(() => fromLiteral(tagged, unionType([FLOAT, STRING]))).toThrow("tagged int, which is not a variant of union<float|string>");
  });

  it("reads untagged values into a union by the first variant that reads them", () => {
    expect(fromLiteral(toLiteral("x", STRING), unionType([INT, STRING]))).toBe("x");
    expect(fromLiteral(toLiteral(null, simpleType(SimpleType.NONE)), optionalType(INT))).toBeNull();
  });
});
