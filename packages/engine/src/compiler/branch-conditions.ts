import { ComparisonOperator, LogicalOperator, SimpleType, type BooleanExpression, type Operand } from "@skein/idl";
import { assertNever } from "../assert-never.js";
import { describeBound, describeScalar, scalarType, UNKNOWN, unwrapOptional, type BoundType } from "./bound-type.js";
import { listNames } from "./names.js";

// Branch conditions compare inputs of the branch node (by binding name) and constants. Only
// values of one kind compare: numbers (int, float), text (string, enum), booleans (== and !=
// only), datetimes, durations. None compares for (in)equality with an optional value.

/** Reports a problem of the condition, naming the operand when one is concerned. */
export type ConditionReport = (problem: string, operand?: string) => void;

type Kind = "number" | "text" | "boolean" | "datetime" | "duration" | "none";

interface OperandInfo {
  readonly type: BoundType;
  readonly label: string;
  readonly var?: string;
  readonly text?: string;
}

export function checkCondition(expr: BooleanExpression | undefined, inputs: ReadonlyMap<string, BoundType>, report: ConditionReport): void {
  const e = expr?.expr;
  if (!e || e.case === undefined) {
    report("the condition is empty");
    return;
  }
  if (e.case === "conjunction") {
    const c = e.value;
    if (c.operator === LogicalOperator.UNSPECIFIED) report("a conjunction has no operator (AND or OR)");
    checkCondition(c.leftExpression, inputs, report);
    checkCondition(c.rightExpression, inputs, report);
    return;
  }
  const c = e.value;
  if (c.operator === ComparisonOperator.UNSPECIFIED) report("a comparison has no operator");
  const left = operandInfo(c.leftValue, inputs, report);
  const right = operandInfo(c.rightValue, inputs, report);
  if (left && right) compare(left, right, c.operator, report);
}

function operandInfo(operand: Operand | undefined, inputs: ReadonlyMap<string, BoundType>, report: ConditionReport): OperandInfo | undefined {
  const v = operand?.val;
  if (!v || v.case === undefined) {
    report("a comparison operand is empty");
    return undefined;
  }
  if (v.case === "scalar") {
    const p = v.value.value.case === "primitive" ? v.value.value.value.value : undefined;
    return { type: scalarType(v.value), label: describeScalar(v.value), text: p?.case === "stringValue" ? p.value : undefined };
  }
  const type = inputs.get(v.value);
  if (type === undefined) {
    report(`the operand "${v.value}" is not an input of the branch node (inputs: ${listNames(inputs.keys())})`, v.value);
    return undefined;
  }
  return { type, label: `"${v.value}" (${describeBound(type)})`, var: v.value };
}

function compare(left: OperandInfo, right: OperandInfo, op: ComparisonOperator, report: ConditionReport): void {
  if (left.type === UNKNOWN || right.type === UNKNOWN) return;
  const operand = left.var ?? right.var;
  const l = kindOf(left.type);
  const r = kindOf(right.type);
  if (!l || !r) {
    const bad = l ? right : left;
    report(`${bad.label} cannot be compared: only numbers, strings, enums, booleans, datetimes and durations can`, bad.var);
    return;
  }
  const equality = op === ComparisonOperator.EQ || op === ComparisonOperator.NEQ;
  if (l.kind === "none" || r.kind === "none") {
    const other = l.kind === "none" ? r : l;
    if (!equality || !(other.optional || other.kind === "none")) {
      report(`none can only be tested with == or != against an optional value, not ${l.kind === "none" ? right.label : left.label}`, operand);
    }
    return;
  }
  if (l.kind !== r.kind) {
    report(`cannot compare ${left.label} with ${right.label}`, operand);
    return;
  }
  if (l.kind === "boolean" && !equality) report(`booleans compare only with == and !=`, operand);
  const values = l.values ?? r.values;
  const text = left.text ?? right.text;
  if (values && text !== undefined && !values.includes(text)) {
    report(`${JSON.stringify(text)} is not a value of the enum (values: ${values.join(", ")})`, operand);
  }
}

function kindOf(type: Exclude<BoundType, typeof UNKNOWN>): { kind: Kind; optional: boolean; values?: readonly string[] } | undefined {
  const { type: inner, optional } = unwrapOptional(type);
  const t = inner.type;
  if (t.case === "enumType") return { kind: "text", optional, values: t.value.values };
  if (t.case !== "simple") return undefined;
  const simple = t.value;
  switch (simple) {
    case SimpleType.INTEGER:
    case SimpleType.FLOAT:
      return { kind: "number", optional };
    case SimpleType.STRING:
      return { kind: "text", optional };
    case SimpleType.BOOLEAN:
      return { kind: "boolean", optional };
    case SimpleType.DATETIME:
      return { kind: "datetime", optional };
    case SimpleType.DURATION:
      return { kind: "duration", optional };
    case SimpleType.NONE:
    case SimpleType.UNSPECIFIED:
      return { kind: "none", optional };
    case SimpleType.BINARY:
    case SimpleType.ERROR:
    case SimpleType.STRUCT:
      return undefined;
    default:
      return assertNever(simple, "simple type");
  }
}
