import { BlobDimensionality, type Literal, type LiteralMap, type Primitive, type Scalar } from "@skein/idl";
import { assertNever } from "../assert-never.js";
import { compareCodePoints } from "../types/canonical-json.js";
import { describeType } from "../types/describe-type.js";

// The canonical text of a literal: the input of cache-key digests. Equal values give equal text and
// different values different text. Map keys are sorted; metadata is left out; a literal that carries
// a producer hash (or an offloaded literal) stands for its hash alone, so large values are never
// walked. Integers are written as exact decimal digits. Built by string concatenation, with no
// intermediate objects, because it runs for every cacheable node.

/** The canonical JSON text of one literal. */
export function canonicalLiteralJson(literal: Literal): string {
  return writeLiteral(literal);
}

/** The canonical JSON text of a set of named literals, leaving out the names in `ignore`. */
export function canonicalLiteralMapJson(map: LiteralMap, ignore: readonly string[] = []): string {
  return writeEntries(map.literals, ignore);
}

function writeEntries(entries: { [key: string]: Literal }, ignore: readonly string[]): string {
  const keys = Object.keys(entries);
  if (keys.length > 1) keys.sort(compareCodePoints);
  let out = "{";
  let first = true;
  for (const key of keys) {
    const value = entries[key];
    if (value === undefined || (ignore.length > 0 && ignore.includes(key))) continue;
    out += (first ? "" : ",") + JSON.stringify(key) + ":" + writeLiteral(value);
    first = false;
  }
  return out + "}";
}

function writeLiteral(literal: Literal): string {
  if (literal.hash !== "") return `{"hash":${JSON.stringify(literal.hash)}}`;
  const v = literal.value;
  switch (v.case) {
    case "scalar":
      return writeScalar(v.value);
    case "collection": {
      let out = `{"list":[`;
      const items = v.value.literals;
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (item) out += (i > 0 ? "," : "") + writeLiteral(item);
      }
      return out + "]}";
    }
    case "map":
      return `{"map":${writeEntries(v.value.literals, [])}}`;
    case "offloaded":
      return v.value.hash !== "" ? `{"hash":${JSON.stringify(v.value.hash)}}` : `{"uri":${JSON.stringify(v.value.uri)}}`;
    case undefined:
      return "null";
    default:
      return assertNever(v, "literal value");
  }
}

function writeScalar(scalar: Scalar): string {
  const s = scalar.value;
  switch (s.case) {
    case "primitive":
      return writePrimitive(s.value);
    case "blob": {
      const type = s.value.metadata?.type;
      const dir = type?.dimensionality === BlobDimensionality.MULTIPART;
      return `{"blob":{"dir":${dir},"format":${JSON.stringify(type?.format ?? "")},"uri":${JSON.stringify(s.value.uri)}}}`;
    }
    case "binary":
      return `{"binary":{"tag":${JSON.stringify(s.value.tag)},"value":"${Buffer.from(s.value.value).toString("base64")}"}}`;
    case "structValue":
      // The JSON text is canonical by contract (StructValue), so it is taken verbatim.
      return `{"struct":${JSON.stringify(s.value.json)}}`;
    case "noneType":
      return `{"none":true}`;
    case "error":
      return `{"error":{"message":${JSON.stringify(s.value.message)},"node":${JSON.stringify(s.value.failedNodeId)}}}`;
    case "union": {
      // The variant is named by its description and structure tag; its metadata is not part of the value.
      const type = s.value.type;
      const value = s.value.value ? writeLiteral(s.value.value) : "null";
      return `{"union":{"tag":${JSON.stringify(type?.structure?.tag ?? "")},"type":${JSON.stringify(describeType(type))},"value":${value}}}`;
    }
    case undefined:
      return "null";
    default:
      return assertNever(s, "scalar value");
  }
}

function writePrimitive(primitive: Primitive): string {
  const p = primitive.value;
  switch (p.case) {
    case "integer":
      return `{"int":${p.value.toString()}}`;
    case "floatValue":
      return `{"float":${writeFloat(p.value)}}`;
    case "stringValue":
      return `{"str":${JSON.stringify(p.value)}}`;
    case "boolean":
      return p.value ? `{"bool":true}` : `{"bool":false}`;
    case "datetime":
      return `{"datetime":[${p.value.seconds.toString()},${p.value.nanos}]}`;
    case "duration":
      return `{"duration":[${p.value.seconds.toString()},${p.value.nanos}]}`;
    case undefined:
      return "null";
    default:
      return assertNever(p, "primitive value");
  }
}

// Shortest round-trip text; the non-finite values and negative zero (not JSON numbers) as strings.
function writeFloat(value: number): string {
  if (Number.isFinite(value)) return Object.is(value, -0) ? `"-0"` : String(value);
  return `"${String(value)}"`;
}
