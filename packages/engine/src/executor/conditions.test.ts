import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { BooleanExpressionSchema, LiteralSchema, LiteralTypeSchema, SimpleType, type Literal } from "@skein/idl";
import { describe, expect, test } from "vitest";
import { evaluateCondition } from "./conditions.js";
import { floatLiteral, noneLiteral } from "./literal-values.js";
import { and, bool, cmp, int, lit, lmap, or, str, struct, v } from "./test-fixtures.js";

const datetime = (ms: number): Literal =>
  create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "datetime", value: timestampFromMs(ms) } } } } } });
const duration = (ms: number): Literal =>
  create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "duration", value: durationFromMs(ms) } } } } } });
const intType = create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.INTEGER } });
const union = (inner: Literal): Literal => create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "union", value: { value: inner, type: intType } } } } });

const inputs = lmap({
  i: int(3),
  big: int(9007199254740993n),
  f: floatLiteral(2.5),
  s: str("pear"),
  b: bool(true),
  t: datetime(1_000),
  d: duration(500),
  n: noneLiteral(),
  u: union(int(3)),
  st: struct("{}"),
});
const check = (expr: ReturnType<typeof cmp>) => evaluateCondition(expr, inputs);

describe("branch conditions", () => {
  test("ints compare exactly, and against floats numerically", () => {
    expect(check(cmp(v("i"), "==", lit(int(3))))).toEqual({ ok: true, value: true });
    expect(check(cmp(v("big"), ">", lit(int(9007199254740992n))))).toEqual({ ok: true, value: true });
    expect(check(cmp(v("i"), ">", v("f")))).toEqual({ ok: true, value: true });
    expect(check(cmp(v("f"), "<=", lit(floatLiteral(2.5))))).toEqual({ ok: true, value: true });
    expect(check(cmp(v("f"), "!=", lit(int(2))))).toEqual({ ok: true, value: true });
    expect(check(cmp(lit(floatLiteral(NaN)), "==", lit(floatLiteral(NaN))))).toEqual({ ok: true, value: false });
  });

  test("strings order by code unit; booleans only test equality", () => {
    expect(check(cmp(v("s"), "<", lit(str("plum"))))).toEqual({ ok: true, value: true });
    expect(check(cmp(v("s"), ">=", lit(str("pear"))))).toEqual({ ok: true, value: true });
    expect(check(cmp(v("b"), "==", lit(bool(true))))).toEqual({ ok: true, value: true });
    expect(check(cmp(v("b"), ">", lit(bool(false))))).toEqual({ ok: false, message: "a boolean and a boolean can only be tested for equality" });
  });

  test("datetimes and durations compare chronologically", () => {
    expect(check(cmp(v("t"), "<", lit(datetime(1_001))))).toEqual({ ok: true, value: true });
    expect(check(cmp(v("d"), ">", lit(duration(499))))).toEqual({ ok: true, value: true });
    expect(check(cmp(v("t"), "==", v("d")))).toEqual({ ok: false, message: "cannot compare a datetime with a duration" });
  });

  test("none equals only none; unions are compared by the value they hold", () => {
    expect(check(cmp(v("n"), "==", lit(noneLiteral())))).toEqual({ ok: true, value: true });
    expect(check(cmp(v("i"), "!=", v("n")))).toEqual({ ok: true, value: true });
    expect(check(cmp(v("n"), "<", v("i"))).ok).toBe(false);
    expect(check(cmp(v("u"), "==", lit(int(3))))).toEqual({ ok: true, value: true });
  });

  test("AND and OR short-circuit", () => {
    const broken = cmp(v("missing"), "==", lit(int(1)));
    expect(check(and(cmp(v("i"), "==", lit(int(0))), broken))).toEqual({ ok: true, value: false });
    expect(check(or(cmp(v("i"), "==", lit(int(3))), broken))).toEqual({ ok: true, value: true });
    expect(check(and(cmp(v("i"), "==", lit(int(3))), broken))).toEqual({ ok: false, message: 'the branch has no input "missing"' });
  });

  test("mismatched or uncomparable values are errors, not false", () => {
    expect(check(cmp(v("s"), "==", lit(int(1))))).toEqual({ ok: false, message: "cannot compare a string with an int" });
    expect(check(cmp(v("st"), "==", lit(int(1))))).toEqual({ ok: false, message: 'input "st" is a struct, which cannot be compared' });
    expect(evaluateCondition(create(BooleanExpressionSchema), inputs)).toEqual({ ok: false, message: "the condition is empty" });
  });
});
