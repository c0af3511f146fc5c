import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { BlobDimensionality, LiteralSchema, SimpleType, type Literal, type LiteralType, type ScalarSchema } from "@skein/idl";
import { assertNever } from "@skein/engine";
import { describeValue, LiteralConversionError, mismatch } from "./conversion-error.js";
import { durationFromMillis } from "./duration.js";
import { canonicalJson, JsonValueError } from "./exact-json.js";
import { checkJsonSchema } from "./json-schema-check.js";
import { isNoneType } from "./literal-types.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

type ScalarValue = MessageInitShape<typeof ScalarSchema>["value"];

export function scalarLiteral(value: ScalarValue): Literal {
  return create(LiteralSchema, { value: { case: "scalar", value: { value } } });
}

export function noneLiteral(): Literal {
  return scalarLiteral({ case: "noneType", value: {} });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The literal for a JavaScript value of `type`. Integers may be numbers (safe integers) or bigints;
 * durations are milliseconds; datetimes are Dates; maps are plain objects or Maps; files and dirs
 * are `{ uri, format? }`; union values are carried by the first variant that accepts them.
 * Throws {@link LiteralConversionError} naming `path` and the expected type.
 */
export function toLiteral(value: unknown, type: LiteralType, path = "value"): Literal {
  const t = type.type;
  switch (t.case) {
    case "simple":
      return simpleLiteral(value, t.value, type, path);
    case "blob":
      return blobLiteral(value, type, path);
    case "collectionType": {
      if (!Array.isArray(value)) throw mismatch(path, type, value);
      const literals = value.map((item, i) => toLiteral(item, t.value, `${path}[${i}]`));
      return create(LiteralSchema, { value: { case: "collection", value: { literals } } });
    }
    case "mapValueType": {
      const entries = value instanceof Map ? [...(value as Map<unknown, unknown>).entries()] : isPlainObject(value) ? Object.entries(value) : undefined;
      if (!entries) throw mismatch(path, type, value);
      const literals: Record<string, Literal> = {};
      for (const [key, item] of entries) {
        if (typeof key !== "string") throw mismatch(path, type, value, `key ${describeValue(key)} is not a string`);
        Object.defineProperty(literals, key, { value: toLiteral(item, t.value, `${path}.${key}`), enumerable: true, writable: true, configurable: true });
      }
      return create(LiteralSchema, { value: { case: "map", value: { literals } } });
    }
    case "enumType":
      if (typeof value !== "string" || !t.value.values.includes(value)) throw mismatch(path, type, value);
      return scalarLiteral({ case: "primitive", value: { value: { case: "stringValue", value } } });
    case "unionType":
      return unionLiteral(value, t.value.variants, type, path);
    case "structType":
      return structLiteral(value, t.value.jsonSchema, type, path);
    case undefined:
      throw new LiteralConversionError(path, "unknown", "the type is empty (no kind set)");
    default:
      return assertNever(t, "literal type");
  }
}

function simpleLiteral(value: unknown, simple: SimpleType, type: LiteralType, path: string): Literal {
  switch (simple) {
    case SimpleType.UNSPECIFIED:
    case SimpleType.NONE:
      if (value !== null && value !== undefined) throw mismatch(path, type, value);
      return noneLiteral();
    case SimpleType.INTEGER:
      return scalarLiteral({ case: "primitive", value: { value: { case: "integer", value: toInt64(value, type, path) } } });
    case SimpleType.FLOAT:
      if (typeof value !== "number") throw mismatch(path, type, value);
      return scalarLiteral({ case: "primitive", value: { value: { case: "floatValue", value } } });
    case SimpleType.STRING:
      if (typeof value !== "string") throw mismatch(path, type, value);
      return scalarLiteral({ case: "primitive", value: { value: { case: "stringValue", value } } });
    case SimpleType.BOOLEAN:
      if (typeof value !== "boolean") throw mismatch(path, type, value);
      return scalarLiteral({ case: "primitive", value: { value: { case: "boolean", value } } });
    case SimpleType.DATETIME:
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw mismatch(path, type, value);
      return scalarLiteral({ case: "primitive", value: { value: { case: "datetime", value: timestampFromDate(value) } } });
    case SimpleType.DURATION:
      if (typeof value !== "number" || !Number.isFinite(value)) throw mismatch(path, type, value, "durations are milliseconds");
      return scalarLiteral({ case: "primitive", value: { value: { case: "duration", value: durationFromMillis(value) } } });
    case SimpleType.BINARY:
      if (!(value instanceof Uint8Array)) throw mismatch(path, type, value);
      return scalarLiteral({ case: "binary", value: { value, tag: "" } });
    case SimpleType.ERROR: {
      const error = value as { failedNodeId?: unknown; message?: unknown } | null;
      if (!isPlainObject(error) || typeof error.failedNodeId !== "string" || typeof error.message !== "string") throw mismatch(path, type, value);
      return scalarLiteral({ case: "error", value: { failedNodeId: error.failedNodeId, message: error.message } });
    }
    case SimpleType.STRUCT:
      return structLiteral(value, "", type, path);
    default:
      return assertNever(simple, "simple type");
  }
}

function toInt64(value: unknown, type: LiteralType, path: string): bigint {
  if (typeof value === "bigint") {
    if (value < INT64_MIN || value > INT64_MAX) throw mismatch(path, type, value, "outside the 64-bit range");
    return value;
  }
  if (typeof value !== "number" || !Number.isInteger(value)) throw mismatch(path, type, value);
  if (!Number.isSafeInteger(value)) throw mismatch(path, type, value, "not a safe integer, so not exact: use a bigint (t.bigint())");
  return BigInt(value);
}

function blobLiteral(value: unknown, type: LiteralType, path: string): Literal {
  if (type.type.case !== "blob") throw mismatch(path, type, value);
  const declared = type.type.value;
  const blob = value as { uri?: unknown; format?: unknown } | null;
  if (!isPlainObject(blob) || typeof blob.uri !== "string" || blob.uri === "") throw mismatch(path, type, value, "expected { uri, format? }");
  if (blob.format !== undefined && typeof blob.format !== "string") throw mismatch(path, type, value, "format must be a string");
  const format = blob.format ?? declared.format;
  if (declared.format !== "" && format !== "" && format !== declared.format) throw mismatch(path, type, value, `format ${JSON.stringify(format)} is not ${JSON.stringify(declared.format)}`);
  const dimensionality = declared.dimensionality === BlobDimensionality.MULTIPART ? BlobDimensionality.MULTIPART : BlobDimensionality.SINGLE;
  return scalarLiteral({ case: "blob", value: { uri: blob.uri, metadata: { type: { format, dimensionality } } } });
}

function unionLiteral(value: unknown, variants: readonly LiteralType[], type: LiteralType, path: string): Literal {
  const wrap = (literal: Literal, variant: LiteralType) => scalarLiteral({ case: "union", value: { value: literal, type: variant } });
  if (value === null || value === undefined) {
    const none = variants.find(isNoneType);
    if (none) return wrap(noneLiteral(), none);
    throw mismatch(path, type, value);
  }
  const problems: string[] = [];
  for (const variant of variants) {
    if (isNoneType(variant)) continue;
    try {
      return wrap(toLiteral(value, variant, path), variant);
    } catch (error) {
      if (!(error instanceof LiteralConversionError)) throw error;
      problems.push(error.message);
    }
  }
  throw mismatch(path, type, value, problems.length === 1 ? problems[0]?.replace(`${path}: `, "") : undefined);
}

function structLiteral(value: unknown, jsonSchema: string, type: LiteralType, path: string): Literal {
  let json: string;
  try {
    json = canonicalJson(value, path);
  } catch (error) {
    if (error instanceof JsonValueError) throw mismatch(path, type, value, error.message);
    throw error;
  }
  const problem = checkJsonSchema(value, jsonSchema, path);
  if (problem) throw mismatch(path, type, value, problem);
  return scalarLiteral({ case: "structValue", value: { json } });
}
