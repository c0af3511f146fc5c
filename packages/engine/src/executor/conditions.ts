import {
  ComparisonOperator,
  LogicalOperator,
  type BooleanExpression,
  type ComparisonExpression,
  type LiteralMap,
  type Operand,
  type Scalar,
} from "@skein/idl";
import { assertNever } from "../assert-never.js";
import { withArticle } from "./literal-values.js";

// Evaluates a branch condition over the branch node's resolved inputs. Values compare by type:
// ints and floats numerically (an int against a float too), strings by code unit, booleans for
// equality only, datetimes and durations chronologically, none equal only to none.

/** The condition's value, or why it could not be evaluated. */
export type ConditionResult = { readonly ok: true; readonly value: boolean } | { readonly ok: false; readonly message: string };

// A scalar reduced to what comparison needs.
type Value =
  | { readonly kind: "int"; readonly v: bigint }
  | { readonly kind: "float"; readonly v: number }
  | { readonly kind: "string"; readonly v: string }
  | { readonly kind: "boolean"; readonly v: boolean }
  | { readonly kind: "datetime" | "duration"; readonly seconds: bigint; readonly nanos: number }
  | { readonly kind: "none" };

const SCALAR_NAMES: Record<string, string> = {
  blob: "file",
  binary: "binary value",
  structValue: "struct",
  error: "error",
  union: "union",
  empty: "empty scalar",
};

type ValueResult = { readonly ok: true; readonly value: Value } | { readonly ok: false; readonly message: string };

/** Evaluates `expr`; `inputs` are the branch node's inputs that `var` operands name. */
export function evaluateCondition(expr: BooleanExpression | undefined, inputs: LiteralMap): ConditionResult {
  const e = expr?.expr;
  switch (e?.case) {
    case "conjunction": {
      const { operator, leftExpression, rightExpression } = e.value;
      if (operator !== LogicalOperator.AND && operator !== LogicalOperator.OR) return { ok: false, message: "the conjunction has no operator" };
      const left = evaluateCondition(leftExpression, inputs);
      if (!left.ok) return left;
      // Short-circuit like the language the condition was written in.
      if (operator === LogicalOperator.AND && !left.value) return left;
      if (operator === LogicalOperator.OR && left.value) return left;
      return evaluateCondition(rightExpression, inputs);
    }
    case "comparison":
      return compare(e.value, inputs);
    case undefined:
      return { ok: false, message: "the condition is empty" };
    default:
      return assertNever(e, "boolean expression");
  }
}

function compare(c: ComparisonExpression, inputs: LiteralMap): ConditionResult {
  const left = operandValue(c.leftValue, inputs);
  if (!left.ok) return left;
  const right = operandValue(c.rightValue, inputs);
  if (!right.ok) return right;
  const a = left.value;
  const b = right.value;
  const op = c.operator;
  if (op === ComparisonOperator.UNSPECIFIED) return { ok: false, message: "the comparison has no operator" };
  const equalityOnly = (equal: boolean): ConditionResult => {
    if (op !== ComparisonOperator.EQ && op !== ComparisonOperator.NEQ) {
      return { ok: false, message: `${withArticle(a.kind)} and ${withArticle(b.kind)} can only be tested for equality` };
    }
    return { ok: true, value: op === ComparisonOperator.EQ ? equal : !equal };
  };
  // Anything may be tested against none (is it absent?); booleans only against booleans.
  if (a.kind === "none" || b.kind === "none") return equalityOnly(a.kind === b.kind);
  if (a.kind === "boolean" && b.kind === "boolean") return equalityOnly(a.v === b.v);
  const order = ordering(a, b);
  if (order === undefined) return { ok: false, message: `cannot compare ${withArticle(a.kind)} with ${withArticle(b.kind)}` };
  return { ok: true, value: applyOperator(op, order) };
}

// -1, 0 or 1; NaN when a float is NaN (every comparison but NEQ is then false).
function ordering(a: Value, b: Value): number | undefined {
  const sign = (x: number): number => (x < 0 ? -1 : x > 0 ? 1 : x === 0 ? 0 : NaN);
  if (a.kind === "int" && b.kind === "int") return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  if ((a.kind === "int" || a.kind === "float") && (b.kind === "int" || b.kind === "float")) return sign(Number(a.v) - Number(b.v));
  if (a.kind === "string" && b.kind === "string") return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  if ((a.kind === "datetime" || a.kind === "duration") && b.kind === a.kind) {
    if (a.seconds !== b.seconds) return a.seconds < b.seconds ? -1 : 1;
    return sign(a.nanos - b.nanos);
  }
  return undefined;
}

function applyOperator(op: ComparisonOperator, order: number): boolean {
  switch (op) {
    case ComparisonOperator.EQ:
      return order === 0;
    case ComparisonOperator.NEQ:
      return order !== 0;
    case ComparisonOperator.GT:
      return order > 0;
    case ComparisonOperator.GTE:
      return order >= 0;
    case ComparisonOperator.LT:
      return order < 0;
    case ComparisonOperator.LTE:
      return order <= 0;
    case ComparisonOperator.UNSPECIFIED:
      return false;
    default:
      return assertNever(op, "comparison operator");
  }
}

function operandValue(operand: Operand | undefined, inputs: LiteralMap): ValueResult {
  const o = operand?.val;
  switch (o?.case) {
    case "var": {
      let literal = inputs.literals[o.value];
      if (literal === undefined) return { ok: false, message: `the branch has no input "${o.value}"` };
      while (literal.value.case === "scalar" && literal.value.value.value.case === "union" && literal.value.value.value.value.value) {
        literal = literal.value.value.value.value.value;
      }
      if (literal.value.case !== "scalar") return { ok: false, message: `input "${o.value}" is a ${literal.value.case ?? "empty value"}, not a scalar` };
      return scalarValue(literal.value.value, `input "${o.value}"`);
    }
    case "scalar":
      return scalarValue(o.value, "a literal operand");
    case undefined:
      return { ok: false, message: "an operand is empty" };
    default:
      return assertNever(o, "operand");
  }
}

function scalarValue(s: Scalar, what: string): ValueResult {
  const v = s.value;
  if (v.case === "noneType") return { ok: true, value: { kind: "none" } };
  if (v.case !== "primitive") return { ok: false, message: `${what} is ${withArticle(SCALAR_NAMES[v.case ?? "empty"] ?? "value")}, which cannot be compared` };
  const p = v.value.value;
  switch (p.case) {
    case "integer":
      return { ok: true, value: { kind: "int", v: p.value } };
    case "floatValue":
      return { ok: true, value: { kind: "float", v: p.value } };
    case "stringValue":
      return { ok: true, value: { kind: "string", v: p.value } };
    case "boolean":
      return { ok: true, value: { kind: "boolean", v: p.value } };
    case "datetime":
    case "duration":
      return { ok: true, value: { kind: p.case, seconds: p.value.seconds, nanos: p.value.nanos } };
    case undefined:
      return { ok: false, message: `${what} is an empty primitive` };
    default:
      return assertNever(p, "primitive");
  }
}
