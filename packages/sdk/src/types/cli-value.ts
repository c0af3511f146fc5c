import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import { BlobDimensionality, LiteralSchema, SimpleType, type Literal, type LiteralType } from "@skein/idl";
import { assertNever } from "@skein/engine";
import { LiteralConversionError, mismatch } from "./conversion-error.js";
import { noneLiteral, scalarLiteral, toLiteral } from "./convert.js";
import { parseDuration } from "./duration.js";
import { parseExactJson, type ExactJson } from "./exact-json.js";
import { toUri } from "./files.js";
import { isNoneType } from "./literal-types.js";

// Command-line values: each flag's text is read according to the input's type. Scalars are
// written plainly (`--epochs 10`, `--wait 1h30m`, `--data ./train.csv`); lists, maps and structs as
// JSON, whose members follow the same rules (datetimes, durations and paths as strings).

/**
 * The literal for JSON text of `type` (the container-task output files): members follow the
 * command-line rules (datetimes, durations and paths as strings). Errors name `path`.
 */
export function parseJsonValue(text: string, type: LiteralType, path: string): Literal {
  return fromJson(parseJson(text, type, path), type, path);
}

/** The literal for flag text; errors read `--<input>: expected <type>, got "<text>"`. */
export function parseCliValue(text: string, type: LiteralType, inputName: string): Literal {
  return fromText(text, type, `--${inputName}`);
}

const intPattern = /^[+-]?\d+$/;
const floatPattern = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const specialFloats: Readonly<Record<string, number>> = { nan: Number.NaN, inf: Infinity, "+inf": Infinity, "-inf": -Infinity, infinity: Infinity, "+infinity": Infinity, "-infinity": -Infinity };
const booleans: Readonly<Record<string, boolean>> = { true: true, false: false, "1": true, "0": false, yes: true, no: false };
const isoDate = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function fromText(text: string, type: LiteralType, path: string): Literal {
  const t = type.type;
  switch (t.case) {
    case "simple":
      return simpleFromText(text, t.value, type, path);
    case "blob":
      return toLiteral(blobFromText(text, type, path), type, path);
    case "enumType":
      if (!t.value.values.includes(text)) throw mismatch(path, type, text, `one of ${t.value.values.join(", ")}`);
      return toLiteral(text, type, path);
    case "unionType":
      return firstVariant(text, t.value.variants, type, path, fromText);
    case "collectionType":
    case "mapValueType":
    case "structType":
      return fromJson(parseJson(text, type, path), type, path);
    case undefined:
      throw mismatch(path, type, text);
    default:
      return assertNever(t, "literal type");
  }
}

function simpleFromText(text: string, simple: SimpleType, type: LiteralType, path: string): Literal {
  const value = simpleValue(text, simple, type, path);
  return toLiteral(value, type, path);
}

function simpleValue(text: string, simple: SimpleType, type: LiteralType, path: string): unknown {
  switch (simple) {
    case SimpleType.UNSPECIFIED:
    case SimpleType.NONE:
      if (text === "" || text.toLowerCase() === "none") return null;
      break;
    case SimpleType.INTEGER:
      if (intPattern.test(text)) return BigInt(text);
      break;
    case SimpleType.FLOAT: {
      const special = specialFloats[text.toLowerCase()];
      if (special !== undefined) return special;
      if (floatPattern.test(text)) return Number(text);
      break;
    }
    case SimpleType.STRING:
      return text;
    case SimpleType.BOOLEAN: {
      const flag = booleans[text.toLowerCase()];
      if (flag !== undefined) return flag;
      break;
    }
    case SimpleType.DATETIME: {
      const date = parseIsoDate(text);
      if (date) return date;
      break;
    }
    case SimpleType.DURATION: {
      const ms = parseDuration(text);
      if (ms !== undefined) return ms;
      break;
    }
    case SimpleType.BINARY:
      if (base64.test(text)) return new Uint8Array(Buffer.from(text, "base64"));
      throw mismatch(path, type, text, "bytes are written as base64");
    case SimpleType.ERROR:
    case SimpleType.STRUCT:
      return parseJson(text, type, path);
    default:
      return assertNever(simple, "simple type");
  }
  throw mismatch(path, type, text);
}

/** A Date for ISO 8601 text; without an offset the time is UTC. */
function parseIsoDate(text: string): Date | undefined {
  const match = isoDate.exec(text);
  if (!match) return undefined;
  const [, year, month, day] = match;
  const zoned = match[7] === undefined ? `${text}Z` : text;
  const date = new Date(zoned.replace(" ", "T"));
  if (Number.isNaN(date.getTime())) return undefined;
  // Reject dates that do not exist (2024-02-30) instead of rolling them over.
  const probe = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return probe.getUTCMonth() === Number(month) - 1 && probe.getUTCDate() === Number(day) ? date : undefined;
}

function blobFromText(text: string, type: LiteralType, path: string): { uri: string } {
  const dir = type.type.case === "blob" && type.type.value.dimensionality === BlobDimensionality.MULTIPART;
  if (text === "") throw mismatch(path, type, text, "a path or URI is required");
  const uri = toUri(text);
  if (!uri.startsWith("file://")) return { uri };
  let isDir: boolean;
  try {
    isDir = statSync(fileURLToPath(uri)).isDirectory();
  } catch {
    throw mismatch(path, type, text, `${fileURLToPath(uri)} does not exist`);
  }
  if (isDir !== dir) throw mismatch(path, type, text, `${fileURLToPath(uri)} is ${isDir ? "a directory" : "a file"}`);
  return { uri };
}

function parseJson(text: string, type: LiteralType, path: string): ExactJson {
  try {
    return parseExactJson(text);
  } catch (error) {
    throw mismatch(path, type, text, `not JSON: ${(error as Error).message}`);
  }
}

function firstVariant<V>(value: V, variants: readonly LiteralType[], type: LiteralType, path: string, read: (value: V, variant: LiteralType, path: string) => Literal): Literal {
  const wrap = (literal: Literal, variant: LiteralType) => scalarLiteral({ case: "union", value: { value: literal, type: variant } });
  const none = variants.find(isNoneType);
  if (none && (value === null || value === "" || (typeof value === "string" && value.toLowerCase() === "none"))) return wrap(noneLiteral(), none);
  for (const variant of variants) {
    if (isNoneType(variant)) continue;
    try {
      return wrap(read(value, variant, path), variant);
    } catch (error) {
      if (!(error instanceof LiteralConversionError)) throw error;
    }
  }
  throw mismatch(path, type, value);
}

function fromJson(value: ExactJson, type: LiteralType, path: string): Literal {
  const t = type.type;
  switch (t.case) {
    case "collectionType": {
      if (!Array.isArray(value)) throw mismatch(path, type, value);
      const literals = value.map((item, i) => fromJson(item, t.value, `${path}[${i}]`));
      return create(LiteralSchema, { value: { case: "collection", value: { literals } } });
    }
    case "mapValueType": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw mismatch(path, type, value);
      const literals: Record<string, Literal> = {};
      for (const [key, item] of Object.entries(value)) {
        Object.defineProperty(literals, key, { value: fromJson(item, t.value, `${path}.${key}`), enumerable: true, writable: true, configurable: true });
      }
      return create(LiteralSchema, { value: { case: "map", value: { literals } } });
    }
    case "unionType":
      return firstVariant(value, t.value.variants, type, path, fromJson);
    case "simple":
      return simpleFromJson(value, t.value, type, path);
    case "blob":
      if (typeof value === "string") return fromText(value, type, path);
      return toLiteral(value, type, path);
    case "enumType":
    case "structType":
    case undefined:
      return toLiteral(value, type, path);
    default:
      return assertNever(t, "literal type");
  }
}

// Inside JSON, numbers and booleans are themselves; datetimes, durations and bytes are strings
// written as on the command line.
function simpleFromJson(value: ExactJson, simple: SimpleType, type: LiteralType, path: string): Literal {
  if (typeof value === "string" && (simple === SimpleType.DATETIME || simple === SimpleType.DURATION || simple === SimpleType.BINARY)) {
    return simpleFromText(value, simple, type, path);
  }
  if (typeof value === "bigint" && simple === SimpleType.FLOAT) return toLiteral(Number(value), type, path);
  return toLiteral(value, type, path);
}
