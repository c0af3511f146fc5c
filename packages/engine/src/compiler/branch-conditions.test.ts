import { create } from "@bufbuild/protobuf";
import { BooleanExpressionSchema, ComparisonOperator, LogicalOperator, type BooleanExpression, type LiteralType } from "@skein/idl";
import { describe, expect, it } from "vitest";
import { enumType, listType, optionalType } from "../types/builders.js";
import { UNKNOWN, type BoundType } from "./bound-type.js";
import { checkCondition } from "./branch-conditions.js";
import { BOOL, FLOAT, INT, STR, comparison } from "../test-support/compiler-fixtures.js";

const { EQ, NEQ, GT, LT } = ComparisonOperator;

function problems(expr: BooleanExpression | undefined, inputs: Record<string, LiteralType | typeof UNKNOWN>): string[] {
  const out: string[] = [];
  checkCondition(expr, new Map<string, BoundType>(Object.entries(inputs)), (p, operand) => out.push(operand ? `${operand}: ${p}` : p));
  return out;
}

const none = (op: ComparisonOperator, v: string): BooleanExpression =>
  create(BooleanExpressionSchema, {
    expr: { case: "comparison", value: { operator: op, leftValue: { val: { case: "var", value: v } }, rightValue: { val: { case: "scalar", value: { value: { case: "noneType", value: {} } } } } } },
  });

describe("checkCondition", () => {
  it("accepts numbers with numbers, text with text, datetimes, booleans for equality", () => {
    expect(problems(comparison(GT, { var: "i" }, { var: "f" }), { i: INT, f: FLOAT })).toEqual([]);
    expect(problems(comparison(LT, { var: "s" }, "zz"), { s: STR })).toEqual([]);
    expect(problems(comparison(EQ, { var: "color" }, "red"), { color: enumType(["red", "blue"]) })).toEqual([]);
    expect(problems(comparison(NEQ, { var: "b" }, { var: "c" }), { b: BOOL, c: BOOL })).toEqual([]);
    expect(problems(comparison(GT, { var: "u" }, 3), { u: UNKNOWN })).toEqual([]);
  });

  it("rejects ordering booleans, comparing lists, enum values that do not exist", () => {
    expect(problems(comparison(GT, { var: "b" }, { var: "c" }), { b: BOOL, c: BOOL })).toEqual(["b: booleans compare only with == and !="]);
    expect(problems(comparison(EQ, { var: "xs" }, 1), { xs: listType(INT) })).toEqual([
      'xs: "xs" (list<int>) cannot be compared: only numbers, strings, enums, booleans, datetimes and durations can',
    ]);
    expect(problems(comparison(EQ, { var: "color" }, "green"), { color: enumType(["red", "blue"]) })).toEqual([
      'color: "green" is not a value of the enum (values: red, blue)',
    ]);
  });

  it("tests none only for (in)equality against optional values", () => {
    expect(problems(none(EQ, "m"), { m: optionalType(INT) })).toEqual([]);
    expect(problems(none(GT, "m"), { m: optionalType(INT) })).toEqual(['m: none can only be tested with == or != against an optional value, not "m" (optional<int>)']);
    expect(problems(none(EQ, "i"), { i: INT })).toEqual(['i: none can only be tested with == or != against an optional value, not "i" (int)']);
    expect(problems(comparison(GT, { var: "m" }, 2), { m: optionalType(INT) })).toEqual([]);
  });

  it("walks conjunctions and reports empty parts and missing operators", () => {
    const expr = create(BooleanExpressionSchema, {
      expr: { case: "conjunction", value: { operator: LogicalOperator.UNSPECIFIED, leftExpression: comparison(ComparisonOperator.UNSPECIFIED, { var: "i" }, 1) } },
    });
    expect(problems(expr, { i: INT })).toEqual(["a conjunction has no operator (AND or OR)", "a comparison has no operator", "the condition is empty"]);
    expect(problems(undefined, {})).toEqual(["the condition is empty"]);
  });
});
