import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { enumName } from "../format";
import { LiteralSchema, SimpleType, type Literal, type LiteralType } from "@skein/idl";

/** A form value that does not fit its input's type; `field` is the input's name (with a path inside lists and maps). */
export class FieldError extends Error {
  override name = "FieldError";
  constructor(readonly field: string, problem: string) {
    super(`${field}: ${problem}`);
  }
}

/** How the form edits a type: one text box, a checkbox, a choice, or JSON text for composite values. */
export type Editor = "text" | "integer" | "float" | "checkbox" | "select" | "json" | "datetime" | "duration" | "none";

export function editorFor(type: LiteralType | undefined): Editor {
  const t = type?.type;
  switch (t?.case) {
    case "simple":
      switch (t.value) {
        case SimpleType.INTEGER: return "integer";
        case SimpleType.FLOAT: return "float";
        case SimpleType.BOOLEAN: return "checkbox";
        case SimpleType.DATETIME: return "datetime";
        case SimpleType.DURATION: return "duration";
        case SimpleType.NONE: return "none";
        case SimpleType.STRUCT: return "json";
        case SimpleType.STRING:
        case SimpleType.BINARY:
        case SimpleType.ERROR:
        case SimpleType.UNSPECIFIED:
          return "text";
      }
      break;
    case "enumType":
      return "select";
    case "collectionType":
    case "mapValueType":
    case "structType":
    case "unionType":
      return "json";
    case "blob":
      return "text";
    case undefined:
      return "text";
  }
  return "text";
}

/** A short name of a type for labels: `integer`, `list<string>`, `enum(red|green)`. */
export function typeLabel(type: LiteralType | undefined): string {
  const t = type?.type;
  switch (t?.case) {
    case "simple":
      return enumName(SimpleType, t.value).toLowerCase();
    case "blob":
      return `file${t.value.format === "" ? "" : ` (${t.value.format})`}`;
    case "collectionType":
      return `list<${typeLabel(t.value)}>`;
    case "mapValueType":
      return `map<string, ${typeLabel(t.value)}>`;
    case "enumType":
      return `enum(${t.value.values.join("|")})`;
    case "unionType":
      return t.value.variants.map(typeLabel).join(" | ");
    case "structType":
      return "struct";
    case undefined:
      return "unknown";
  }
}

/** Parses one form field's text into a literal of `type`, or throws a FieldError naming `field`. */
export function parseFieldText(field: string, type: LiteralType | undefined, text: string): Literal {
  const editor = editorFor(type);
  if (editor === "json") {
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      throw new FieldError(field, `is not valid JSON (a ${typeLabel(type)} is written as JSON)`);
    }
    return fromJson(field, type, value);
  }
  if (editor === "checkbox") {
    if (text !== "true" && text !== "false") throw new FieldError(field, `must be true or false, not ${JSON.stringify(text)}`);
    return fromJson(field, type, text === "true");
  }
  return fromJson(field, type, text);
}

/** Converts a JSON value (or the raw text of a scalar field) into a literal of `type`. */
export function fromJson(field: string, type: LiteralType | undefined, value: unknown): Literal {
  const t = type?.type;
  switch (t?.case) {
    case "simple":
      return simple(field, t.value, value);
    case "enumType": {
      if (typeof value !== "string" || !t.value.values.includes(value)) throw new FieldError(field, `must be one of ${t.value.values.join(", ")}`);
      return primitive({ case: "stringValue", value });
    }
    case "collectionType": {
      if (!Array.isArray(value)) throw new FieldError(field, `must be a JSON list of ${typeLabel(t.value)}`);
      const item = t.value;
      return create(LiteralSchema, { value: { case: "collection", value: { literals: value.map((v: unknown, i) => fromJson(`${field}[${i}]`, item, v)) } } });
    }
    case "mapValueType": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw new FieldError(field, `must be a JSON object of ${typeLabel(t.value)}`);
      const valueType = t.value;
      const literals = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromJson(`${field}.${k}`, valueType, v)]));
      return create(LiteralSchema, { value: { case: "map", value: { literals } } });
    }
    case "structType":
      return struct(field, value);
    case "unionType": {
      const problems: string[] = [];
      for (const variant of t.value.variants) {
        try {
          const inner = fromJson(field, variant, value);
          return create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "union", value: { value: inner, type: variant } } } } });
        } catch (error) {
          if (!(error instanceof FieldError)) throw error;
          problems.push(error.message);
        }
      }
      throw new FieldError(field, `fits none of ${typeLabel(type)}`);
    }
    case "blob": {
      if (typeof value !== "string" || value.trim() === "") throw new FieldError(field, "must be the URI of a file");
      return create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "blob", value: { uri: value.trim(), metadata: { type: t.value } } } } } });
    }
    case undefined:
      throw new FieldError(field, "has no declared type");
  }
}

function primitive(value: { case: "integer"; value: bigint } | { case: "floatValue"; value: number } | { case: "stringValue"; value: string } | { case: "boolean"; value: boolean } | { case: "datetime"; value: ReturnType<typeof timestampFromMs> } | { case: "duration"; value: { seconds: bigint; nanos: number } }): Literal {
  return create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value } } } } });
}

function struct(field: string, value: unknown): Literal {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new FieldError(field, "must be a JSON object");
  return create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "structValue", value: { json: JSON.stringify(value) } } } } });
}

function simple(field: string, type: SimpleType, value: unknown): Literal {
  switch (type) {
    case SimpleType.INTEGER: {
      const text = typeof value === "number" && Number.isInteger(value) ? String(value) : typeof value === "string" ? value.trim() : undefined;
      if (text === undefined || !/^-?\d+$/.test(text)) throw new FieldError(field, `must be a whole number, not ${JSON.stringify(value)}`);
      const n = BigInt(text);
      if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) throw new FieldError(field, "is outside the 64-bit integer range");
      return primitive({ case: "integer", value: n });
    }
    case SimpleType.FLOAT: {
      const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
      if (!Number.isFinite(n)) throw new FieldError(field, `must be a number, not ${JSON.stringify(value)}`);
      return primitive({ case: "floatValue", value: n });
    }
    case SimpleType.STRING:
      if (typeof value !== "string") throw new FieldError(field, "must be a string");
      return primitive({ case: "stringValue", value });
    case SimpleType.BOOLEAN:
      if (typeof value !== "boolean") throw new FieldError(field, "must be true or false");
      return primitive({ case: "boolean", value });
    case SimpleType.DATETIME: {
      const ms = typeof value === "string" ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(ms)) throw new FieldError(field, `must be a date and time (e.g. 2026-01-31T12:00:00Z), not ${JSON.stringify(value)}`);
      return primitive({ case: "datetime", value: timestampFromMs(ms) });
    }
    case SimpleType.DURATION: {
      const match = typeof value === "string" ? /^(\d+(?:\.\d+)?)s?$/.exec(value.trim()) : null;
      if (match === null) throw new FieldError(field, `must be a duration in seconds (e.g. 90s), not ${JSON.stringify(value)}`);
      const seconds = Number(match[1]);
      return primitive({ case: "duration", value: { seconds: BigInt(Math.floor(seconds)), nanos: Math.round((seconds % 1) * 1e9) } });
    }
    case SimpleType.NONE:
      return create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "noneType", value: {} } } } });
    case SimpleType.STRUCT:
      return struct(field, value);
    case SimpleType.BINARY:
    case SimpleType.ERROR:
    case SimpleType.UNSPECIFIED:
      throw new FieldError(field, `has type ${enumName(SimpleType, type).toLowerCase()}, which the form cannot enter`);
  }
}

/** The text a form field starts with for a default literal (the inverse of parseFieldText). */
export function defaultText(type: LiteralType | undefined, literal: Literal | undefined): string {
  if (literal === undefined) return editorFor(type) === "checkbox" ? "false" : "";
  const json = toJson(literal);
  if (editorFor(type) === "json") return JSON.stringify(json);
  return typeof json === "string" ? json : JSON.stringify(json);
}

function toJson(literal: Literal): unknown {
  const v = literal.value;
  switch (v.case) {
    case "collection":
      return v.value.literals.map(toJson);
    case "map":
      return Object.fromEntries(Object.entries(v.value.literals).map(([k, l]) => [k, toJson(l)]));
    case "offloaded":
      return v.value.uri;
    case undefined:
      return null;
    case "scalar": {
      const s = v.value.value;
      switch (s.case) {
        case "primitive": {
          const p = s.value.value;
          switch (p.case) {
            case "integer": return p.value.toString();
            case "floatValue": return p.value;
            case "stringValue": return p.value;
            case "boolean": return p.value;
            case "datetime": return new Date(Number(p.value.seconds) * 1000 + p.value.nanos / 1e6).toISOString();
            case "duration": return `${Number(p.value.seconds) + p.value.nanos / 1e9}s`;
            case undefined: return null;
          }
          break;
        }
        case "structValue":
          return JSON.parse(s.value.json) as unknown;
        case "blob":
          return s.value.uri;
        case "union":
          return s.value.value === undefined ? null : toJson(s.value.value);
        case "noneType":
        case "binary":
        case "error":
        case undefined:
          return null;
      }
    }
  }
  return null;
}
