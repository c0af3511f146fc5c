import { timestampDate } from "@bufbuild/protobuf/wkt";
import { SimpleType, type Literal, type LiteralType, type Primitive, type Scalar } from "@skein/idl";
import { assertNever, describeType } from "@skein/engine";
import { LiteralConversionError } from "./conversion-error.js";
import { millisFromDuration } from "./duration.js";
import { parseExactJson } from "./exact-json.js";
import { isNoneType, sameType } from "./literal-types.js";

/**
 * The JavaScript value of a literal of `type`, in canonical form: integers are bigints, floats and
 * durations (milliseconds) numbers, datetimes Dates, bytes Uint8Arrays, none null, maps plain
 * objects, files and dirs `{ uri, format? }`, structs parsed exactly (integers beyond 2^53 as
 * bigints). Throws {@link LiteralConversionError} when the literal does not hold a `type`.
 */
export function fromLiteral(literal: Literal, type: LiteralType, path = "value"): unknown {
  const v = literal.value;
  const t = type.type;
  if (v.case === "offloaded") throw new LiteralConversionError(path, describeType(type), `the value is offloaded to ${v.value.uri}; load it before converting`);
  if (t.case === "collectionType") {
    if (v.case !== "collection") throw wrongLiteral(path, type, literal);
    return v.value.literals.map((item, i) => fromLiteral(item, t.value, `${path}[${i}]`));
  }
  if (t.case === "mapValueType") {
    if (v.case !== "map") throw wrongLiteral(path, type, literal);
    return Object.fromEntries(Object.entries(v.value.literals).map(([key, item]) => [key, fromLiteral(item, t.value, `${path}.${key}`)]));
  }
  if (t.case === "unionType") return fromUnion(literal, t.value.variants, type, path);
  if (v.case !== "scalar") throw wrongLiteral(path, type, literal);
  return fromScalar(v.value, type, path);
}

function fromScalar(scalar: Scalar, type: LiteralType, path: string): unknown {
  const s = scalar.value;
  const t = type.type;
  switch (t.case) {
    case "simple":
      return fromSimple(scalar, t.value, type, path);
    case "blob": {
      if (s.case !== "blob") break;
      const format = s.value.metadata?.type?.format ?? "";
      return format === "" ? { uri: s.value.uri } : { uri: s.value.uri, format };
    }
    case "enumType": {
      const text = primitiveOf(scalar, "stringValue");
      if (text === undefined) break;
      if (!t.value.values.includes(text)) throw new LiteralConversionError(path, describeType(type), `${JSON.stringify(text)} is not one of ${t.value.values.join(", ")}`);
      return text;
    }
    case "structType":
      if (s.case !== "structValue") break;
      return parseStruct(s.value.json, type, path);
    case "collectionType":
    case "mapValueType":
    case "unionType":
    case undefined:
      break;
    default:
      return assertNever(t, "literal type");
  }
  throw wrongScalar(path, type, scalar);
}

function fromSimple(scalar: Scalar, simple: SimpleType, type: LiteralType, path: string): unknown {
  const s = scalar.value;
  switch (simple) {
    case SimpleType.UNSPECIFIED:
    case SimpleType.NONE:
      if (s.case === "noneType") return null;
      break;
    case SimpleType.INTEGER:
      return primitiveOf(scalar, "integer") ?? failScalar(path, type, scalar);
    case SimpleType.FLOAT:
      return primitiveOf(scalar, "floatValue") ?? failScalar(path, type, scalar);
    case SimpleType.STRING:
      return primitiveOf(scalar, "stringValue") ?? failScalar(path, type, scalar);
    case SimpleType.BOOLEAN:
      return primitiveOf(scalar, "boolean") ?? failScalar(path, type, scalar);
    case SimpleType.DATETIME: {
      const timestamp = primitiveOf(scalar, "datetime");
      return timestamp ? timestampDate(timestamp) : failScalar(path, type, scalar);
    }
    case SimpleType.DURATION: {
      const duration = primitiveOf(scalar, "duration");
      return duration ? millisFromDuration(duration) : failScalar(path, type, scalar);
    }
    case SimpleType.BINARY:
      if (s.case === "binary") return s.value.value;
      break;
    case SimpleType.ERROR:
      if (s.case === "error") return { failedNodeId: s.value.failedNodeId, message: s.value.message };
      break;
    case SimpleType.STRUCT:
      if (s.case === "structValue") return parseStruct(s.value.json, type, path);
      break;
    default:
      return assertNever(simple, "simple type");
  }
  return failScalar(path, type, scalar);
}

type PrimitiveCase = NonNullable<Primitive["value"]["case"]>;
type PrimitiveOf<C extends PrimitiveCase> = Extract<Primitive["value"], { case: C }>["value"];

function primitiveOf<C extends PrimitiveCase>(scalar: Scalar, kind: C): PrimitiveOf<C> | undefined {
  const s = scalar.value;
  if (s.case !== "primitive" || s.value.value.case !== kind) return undefined;
  return s.value.value.value as PrimitiveOf<C> | undefined;
}

function fromUnion(literal: Literal, variants: readonly LiteralType[], type: LiteralType, path: string): unknown {
  const v = literal.value;
  if (v.case === "scalar" && v.value.value.case === "union") {
    const carried = v.value.value.value;
    const variant = carried.type && variants.find((candidate) => carried.type && sameType(candidate, carried.type));
    if (!variant || !carried.value) {
      throw new LiteralConversionError(path, describeType(type), `the union value is tagged ${describeType(carried.type)}, which is not a variant of ${describeType(type)}`);
    }
    return fromLiteral(carried.value, variant, path);
  }
  // An untagged value: the first variant that reads it carries it.
  if (v.case === "scalar" && v.value.value.case === "noneType" && variants.some(isNoneType)) return null;
  for (const variant of variants) {
    try {
      return fromLiteral(literal, variant, path);
    } catch (error) {
      if (!(error instanceof LiteralConversionError)) throw error;
    }
  }
  throw wrongLiteral(path, type, literal);
}

function parseStruct(json: string, type: LiteralType, path: string): unknown {
  try {
    return parseExactJson(json);
  } catch (error) {
    throw new LiteralConversionError(path, describeType(type), `the struct value is not JSON: ${(error as Error).message}`);
  }
}

function literalKind(literal: Literal): string {
  const v = literal.value;
  return v.case === "scalar" ? scalarKind(v.value) : (v.case ?? "an empty literal");
}

function scalarKind(scalar: Scalar): string {
  const s = scalar.value;
  if (s.case === "primitive") return `a ${s.value.value.case ?? "empty"} primitive`;
  return s.case === undefined ? "an empty scalar" : `a ${s.case} scalar`;
}

function wrongLiteral(path: string, type: LiteralType, literal: Literal): LiteralConversionError {
  const expected = describeType(type);
  return new LiteralConversionError(path, expected, `expected ${expected}, got ${literalKind(literal)}`);
}

function wrongScalar(path: string, type: LiteralType, scalar: Scalar): LiteralConversionError {
  const expected = describeType(type);
  return new LiteralConversionError(path, expected, `expected ${expected}, got ${scalarKind(scalar)}`);
}

function failScalar(path: string, type: LiteralType, scalar: Scalar): never {
  throw wrongScalar(path, type, scalar);
}
