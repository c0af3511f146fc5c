import { create } from "@bufbuild/protobuf";
import { LiteralTypeSchema, SimpleType, type LiteralType } from "@skein/idl";
import { describe, expect, it } from "vitest";
import { defaultText, FieldError, parseFieldText } from "./parse-input";

const simple = (t: SimpleType): LiteralType => create(LiteralTypeSchema, { type: { case: "simple", value: t } });
const list = (t: LiteralType): LiteralType => create(LiteralTypeSchema, { type: { case: "collectionType", value: t } });
const map = (t: LiteralType): LiteralType => create(LiteralTypeSchema, { type: { case: "mapValueType", value: t } });
const enumOf = (...values: string[]): LiteralType => create(LiteralTypeSchema, { type: { case: "enumType", value: { values } } });

function problem(field: string, type: LiteralType, text: string): string {
  try {
    parseFieldText(field, type, text);
  } catch (error) {
    expect(error).toBeInstanceOf(FieldError);
    return (error as FieldError).message;
  }
  throw new Error(`${text} was accepted`);
}

describe("parseFieldText", () => {
  it("parses scalars by their declared type", () => {
    const int = parseFieldText("n", simple(SimpleType.INTEGER), " 42 ");
    expect(int.value.case === "scalar" && int.value.value.value.case === "primitive" ? int.value.value.value.value.value : undefined).toEqual({ case: "integer", value: 42n });
    const float = parseFieldText("x", simple(SimpleType.FLOAT), "2.5");
    expect(float.value.case === "scalar" && float.value.value.value.case === "primitive" ? float.value.value.value.value.value.value : undefined).toBe(2.5);
    const when = parseFieldText("t", simple(SimpleType.DATETIME), "2026-01-31T12:00:00Z");
    expect(when.value.case === "scalar" && when.value.value.value.case === "primitive" ? when.value.value.value.value.value.case : undefined).toBe("datetime");
    expect(defaultText(simple(SimpleType.INTEGER), int)).toBe("42");
  });

  it("names the field and the problem for values that do not fit", () => {
    expect(problem("count", simple(SimpleType.INTEGER), "ten")).toBe('count: must be a whole number, not "ten"');
    expect(problem("count", simple(SimpleType.INTEGER), "1.5")).toBe('count: must be a whole number, not "1.5"');
    expect(problem("count", simple(SimpleType.INTEGER), "9223372036854775808")).toBe("count: is outside the 64-bit integer range");
    expect(problem("rate", simple(SimpleType.FLOAT), "")).toBe('rate: must be a number, not ""');
    expect(problem("when", simple(SimpleType.DATETIME), "soon")).toMatch(/^when: must be a date and time/);
    expect(problem("colour", enumOf("red", "green"), "blue")).toBe("colour: must be one of red, green");
    expect(problem("cfg", create(LiteralTypeSchema, { type: { case: "structType", value: {} } }), "{oops")).toMatch(/^cfg: is not valid JSON/);
  });

  it("checks every element of lists and maps, naming the element", () => {
    const ints = list(simple(SimpleType.INTEGER));
    const parsed = parseFieldText("xs", ints, "[1, 2, 3]");
    expect(parsed.value.case === "collection" ? parsed.value.value.literals.length : 0).toBe(3);
    expect(problem("xs", ints, '[1, "b"]')).toBe('xs[1]: must be a whole number, not "b"');
    expect(problem("xs", ints, '{"a": 1}')).toBe("xs: must be a JSON list of integer");
    expect(problem("m", map(simple(SimpleType.FLOAT)), '{"a": "x"}')).toBe('m.a: must be a number, not "x"');
    expect(defaultText(ints, parsed)).toBe('["1","2","3"]');
    expect(parseFieldText("xs", ints, defaultText(ints, parsed))).toEqual(parsed);
  });
});
