import { BlobDimensionality, type Literal, type Primitive, type Scalar } from "@skein/idl";
import { assertNever } from "../assert-never.js";
import { describeType } from "../types/describe-type.js";

/**
 * A literal as users see it in messages: `int 3`, `string "abc"`, `list of 2`, `file s3://b/k`,
 * `none`. Long strings are shortened; nested values are summarized, not printed.
 */
export function describeLiteral(literal: Literal): string {
  const v = literal.value;
  switch (v.case) {
    case "scalar":
      return describeScalar(v.value);
    case "collection":
      return `list of ${v.value.literals.length}`;
    case "map":
      return `map of ${Object.keys(v.value.literals).length}`;
    case "offloaded":
      return `offloaded value of type ${describeType(v.value.inferredType)}`;
    case undefined:
      return "nothing";
    default:
      return assertNever(v, "literal value");
  }
}

function describeScalar(scalar: Scalar): string {
  const s = scalar.value;
  switch (s.case) {
    case "primitive":
      return describePrimitive(s.value);
    case "blob": {
      const kind = s.value.metadata?.type?.dimensionality === BlobDimensionality.MULTIPART ? "dir" : "file";
      return s.value.uri === "" ? `${kind} without uri` : `${kind} ${s.value.uri}`;
    }
    case "binary":
      return `bytes (${s.value.value.length})`;
    case "structValue":
      return "struct";
    case "noneType":
      return "none";
    case "error":
      return `error from node "${s.value.failedNodeId}"`;
    case "union":
      return `union value of variant ${describeType(s.value.type)}`;
    case undefined:
      return "empty scalar";
    default:
      return assertNever(s, "scalar value");
  }
}

function describePrimitive(primitive: Primitive): string {
  const p = primitive.value;
  switch (p.case) {
    case "integer":
      return `int ${p.value.toString()}`;
    case "floatValue":
      return `float ${p.value}`;
    case "stringValue":
      return `string ${quote(p.value)}`;
    case "boolean":
      return `boolean ${p.value}`;
    case "datetime":
      return "datetime";
    case "duration":
      return "duration";
    case undefined:
      return "empty primitive";
    default:
      return assertNever(p, "primitive value");
  }
}

/** A JSON-quoted string, shortened to about 40 characters. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
}
