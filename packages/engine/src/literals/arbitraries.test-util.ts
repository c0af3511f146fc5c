import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { BlobDimensionality, LiteralSchema, SimpleType, type Literal, type LiteralType } from "@skein/idl";
import fc from "fast-check";
import { assertNever } from "../assert-never.js";
import { enumType, listType, simpleType, structType, taggedType } from "../types/builders.js";
import { parseJsonSchema, schemaProperties, schemaRequired, type JsonSchema } from "../types/json-schema.js";
import {
  blobLiteral, boolLiteral, floatLiteral, intLiteral, listLiteral, mapLiteral, noneLiteral, stringLiteral, structLiteral,
  unionLiteral,
} from "./builders.js";

// Random literal values for property tests. Kept beside the tests; not exported from the package.

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const timestampish = fc.record({ seconds: fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }), nanos: fc.integer({ min: 0, max: 999_999_999 }) });

// Union variant types whose descriptions all differ, so a variant is identified by its description.
const variants = [simpleType(SimpleType.INTEGER), taggedType(simpleType(SimpleType.STRING), "S"), enumType(["a", "b"]), listType(simpleType(SimpleType.FLOAT)), structType()];

function primitive(init: MessageInitShape<typeof LiteralSchema>): Literal {
  return create(LiteralSchema, init);
}

/**
 * Scalar literals of every kind. Floats leave out NaN (never equal to itself) and negative zero
 * (equal to zero for protobuf equality, distinct for hashing), so protobuf equality can be the oracle.
 */
export const scalarLiteral: fc.Arbitrary<Literal> = fc.oneof(
  int64.map(intLiteral),
  fc.double({ noNaN: true }).map((x) => floatLiteral(x === 0 ? 0 : x)),
  fc.string().map(stringLiteral),
  fc.boolean().map(boolLiteral),
  timestampish.map((t) => primitive({ value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "datetime", value: t } } } } } })),
  timestampish.map((t) => primitive({ value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "duration", value: t } } } } } })),
  fc.tuple(fc.webUrl(), fc.constantFrom("", "csv"), fc.boolean()).map(([uri, format, dir]) => blobLiteral(uri, format, dir)),
  fc.tuple(fc.uint8Array({ maxLength: 8 }), fc.constantFrom("", "msgpack")).map(([value, tag]) =>
    primitive({ value: { case: "scalar", value: { value: { case: "binary", value: { value, tag } } } } })),
  fc.json().map(structLiteral),
  fc.constant(noneLiteral()),
  fc.tuple(fc.string(), fc.string()).map(([failedNodeId, message]) =>
    primitive({ value: { case: "scalar", value: { value: { case: "error", value: { failedNodeId, message } } } } })),
);

/** Any literal value, nested up to a small depth; never with `hash` or metadata set. */
export const anyLiteral: fc.Arbitrary<Literal> = fc.letrec<{ literal: Literal }>((tie) => ({
  literal: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalarLiteral,
    fc.array(tie("literal"), { maxLength: 4 }).map(listLiteral),
    fc.dictionary(fc.string({ maxLength: 6 }), tie("literal"), { maxKeys: 4 }).map(mapLiteral),
    fc.tuple(tie("literal"), fc.constantFrom(...variants)).map(([value, variant]) => unionLiteral(value, variant)),
  ),
})).literal;

/** Named inputs: a record of distinct names to literals. */
export const namedLiterals: fc.Arbitrary<Record<string, Literal>> = fc.dictionary(
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/),
  anyLiteral,
  { maxKeys: 6 },
);

/**
 * Literals that fit `type`: plain values for plain types, and for unions a value of a random variant
 * wrapped in a union literal naming it. Struct values follow the schema's properties and required
 * names for the subset the generators in types/arbitraries use.
 */
export function literalOfType(type: LiteralType): fc.Arbitrary<Literal> {
  const t = type.type;
  switch (t.case) {
    case "simple":
      return simpleValue(t.value);
    case "blob":
      return fc.webUrl().map((uri) => blobLiteral(uri, t.value.format, t.value.dimensionality === BlobDimensionality.MULTIPART));
    case "enumType":
      return fc.constantFrom(...t.value.values).map(stringLiteral);
    case "collectionType":
      return fc.array(literalOfType(t.value), { maxLength: 3 }).map(listLiteral);
    case "mapValueType":
      return fc.dictionary(fc.string({ maxLength: 4 }), literalOfType(t.value), { maxKeys: 3 }).map(mapLiteral);
    case "unionType":
      return fc.constantFrom(...t.value.variants).chain((variant) => literalOfType(variant).map((value) => unionLiteral(value, variant)));
    case "structType":
      return jsonOfSchema(parseJsonSchema(t.value.jsonSchema)).map((value) => structLiteral(JSON.stringify(value)));
    case undefined:
      throw new Error("literalOfType: a type without a kind has no values");
    default:
      return assertNever(t);
  }
}

function simpleValue(kind: SimpleType): fc.Arbitrary<Literal> {
  switch (kind) {
    case SimpleType.UNSPECIFIED:
    case SimpleType.NONE:
      return fc.constant(noneLiteral());
    case SimpleType.INTEGER:
      return int64.map(intLiteral);
    case SimpleType.FLOAT:
      return fc.oneof(fc.double(), fc.integer().map((n) => BigInt(n))).map((x) => (typeof x === "bigint" ? intLiteral(x) : floatLiteral(x)));
    case SimpleType.STRING:
      return fc.string().map(stringLiteral);
    case SimpleType.BOOLEAN:
      return fc.boolean().map(boolLiteral);
    case SimpleType.DATETIME:
      return timestampish.map((t) => primitive({ value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "datetime", value: t } } } } } }));
    case SimpleType.DURATION:
      return timestampish.map((t) => primitive({ value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "duration", value: t } } } } } }));
    case SimpleType.BINARY:
      return fc.uint8Array({ maxLength: 4 }).map((value) => primitive({ value: { case: "scalar", value: { value: { case: "binary", value: { value, tag: "" } } } } }));
    case SimpleType.ERROR:
      return fc.string().map((message) => primitive({ value: { case: "scalar", value: { value: { case: "error", value: { failedNodeId: "n", message } } } } }));
    case SimpleType.STRUCT:
      return jsonOfSchema(undefined).map((value) => structLiteral(JSON.stringify(value)));
    default:
      return assertNever(kind);
  }
}

// A JSON object fitting a schema of the tested subset (typed properties, required names).
function jsonOfSchema(schema: JsonSchema | undefined): fc.Arbitrary<Record<string, unknown>> {
  const props = schema ? schemaProperties(schema) : undefined;
  if (!schema || !props) return fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue(), { maxKeys: 3 });
  const required = schemaRequired(schema);
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, prop] of Object.entries(props)) fields[name] = jsonOfType((prop as JsonSchema).type);
  return fc.record(fields, { requiredKeys: required.filter((r) => r in fields) });
}

function jsonOfType(type: unknown): fc.Arbitrary<unknown> {
  if (type === "integer") return fc.integer();
  if (type === "number") return fc.double({ noNaN: true, noDefaultInfinity: true });
  if (type === "string") return fc.string();
  if (type === "boolean") return fc.boolean();
  return fc.jsonValue();
}
