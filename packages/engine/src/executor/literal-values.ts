import { create } from "@bufbuild/protobuf";
import { assertNever } from "../assert-never.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  ErrorKind,
  ExecutionErrorSchema,
  LiteralMapSchema,
  LiteralSchema,
  type ExecutionError,
  type Literal,
  type LiteralMap,
  type ScalarSchema,
} from "@skein/idl";

// The few literal and error values the engine itself makes (array outputs, failure-node errors,
// struct fields read through an attribute path).

function scalar(value: MessageInitShape<typeof ScalarSchema>["value"]): Literal {
  return create(LiteralSchema, { value: { case: "scalar", value: { value } } });
}

export function noneLiteral(): Literal {
  return scalar({ case: "noneType", value: {} });
}

export function intLiteral(value: bigint): Literal {
  return scalar({ case: "primitive", value: { value: { case: "integer", value } } });
}

export function floatLiteral(value: number): Literal {
  return scalar({ case: "primitive", value: { value: { case: "floatValue", value } } });
}

export function stringLiteral(value: string): Literal {
  return scalar({ case: "primitive", value: { value: { case: "stringValue", value } } });
}

export function booleanLiteral(value: boolean): Literal {
  return scalar({ case: "primitive", value: { value: { case: "boolean", value } } });
}

export function structLiteral(json: string): Literal {
  return scalar({ case: "structValue", value: { json } });
}

/** The value a failure node's `err` input receives. */
export function errorLiteral(failedNodeId: string, message: string): Literal {
  return scalar({ case: "error", value: { failedNodeId, message } });
}

export function collectionLiteral(literals: Literal[]): Literal {
  return create(LiteralSchema, { value: { case: "collection", value: { literals } } });
}

export function mapLiteral(literals: Record<string, Literal>): Literal {
  return create(LiteralSchema, { value: { case: "map", value: { literals } } });
}

export function literalMap(literals: Record<string, Literal>): LiteralMap {
  return create(LiteralMapSchema, { literals });
}

/** A user-facing error (the workflow's data or code is at fault, not the platform). */
export function userError(code: string, message: string): ExecutionError {
  return create(ExecutionErrorSchema, { code, message, kind: ErrorKind.USER });
}

/** The same error with another code (keeps kind, message and the rest). */
export function withCode(error: ExecutionError, code: string): ExecutionError {
  return { ...error, code };
}

/** `a`/`an` and a noun: "an int", "a list". */
export function withArticle(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** A literal's kind with its article, for messages: "an int", "a collection". */
export function describeKind(literal: Literal): string {
  return withArticle(literalKind(literal));
}

/** A short name for a literal's shape, for messages: `int`, `collection`, `struct`... */
export function literalKind(literal: Literal): string {
  const v = literal.value;
  if (v.case !== "scalar") return v.case ?? "empty literal";
  const s = v.value.value;
  if (s.case !== "primitive") return s.case === "structValue" ? "struct" : s.case === "noneType" ? "none" : (s.case ?? "empty scalar");
  switch (s.value.value.case) {
    case "integer":
      return "int";
    case "floatValue":
      return "float";
    case "stringValue":
      return "string";
    case "boolean":
      return "boolean";
    case "datetime":
      return "datetime";
    case "duration":
      return "duration";
    case undefined:
      return "empty primitive";
    default:
      return assertNever(s.value.value, "primitive");
  }
}
