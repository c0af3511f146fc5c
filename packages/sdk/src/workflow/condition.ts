import type { ComparisonOperator } from "@skein/idl";
import type { OutputSource } from "./node.js";

// Conditions of branches, as data: comparisons between references (or a reference and a
// constant), combined with and/or. branch.ts turns them into BooleanExpressions.

/** A constant compared with a reference. */
export type Constant = string | number | bigint | boolean | Date;

/** One side of a comparison. */
export type Operand = OutputSource | Constant;

/** A condition, or a boolean reference standing for "it is true". */
export type BranchCondition = Condition | (OutputSource & { readonly __value?: boolean });

export class Condition {
  constructor(readonly expr: ConditionExpr) {}

  /** Both conditions hold. */
  and(other: BranchCondition): Condition {
    return new Condition({ kind: "and", left: this, right: other });
  }

  /** At least one condition holds. */
  or(other: BranchCondition): Condition {
    return new Condition({ kind: "or", left: this, right: other });
  }
}

export type ConditionExpr =
  | { readonly kind: "compare"; readonly op: ComparisonOperator; readonly left: Operand; readonly right: Operand }
  | { readonly kind: "and" | "or"; readonly left: BranchCondition; readonly right: BranchCondition };

export function compare(op: ComparisonOperator, left: Operand, right: Operand): Condition {
  return new Condition({ kind: "compare", op, left, right });
}

/** All conditions hold. */
export function and(first: BranchCondition, second: BranchCondition, ...rest: BranchCondition[]): Condition {
  return rest.reduce<Condition>((acc, next) => acc.and(next), new Condition({ kind: "and", left: first, right: second }));
}

/** At least one condition holds. */
export function or(first: BranchCondition, second: BranchCondition, ...rest: BranchCondition[]): Condition {
  return rest.reduce<Condition>((acc, next) => acc.or(next), new Condition({ kind: "or", left: first, right: second }));
}
