import { SimpleType, type Literal, type LiteralType, type Scalar } from "@skein/idl";
import { assertNever } from "../assert-never.js";
import { blobCastable, isCastable, simpleKind } from "../types/castable.js";
import { describeType } from "../types/describe-type.js";
import { parseJsonSchema } from "../types/json-schema.js";
import { describeLiteral } from "./describe-literal.js";
import { checkJsonValue } from "./json-check.js";
import { indexPath, memberPath } from "./path.js";
import { selectUnionVariant } from "./union-variant.js";

// Checks a literal against a type at run time. Every check takes `problems`: given, it collects each
// problem as "<path>: expected <type>, got <value>"; undefined, it only answers yes or no and stops
// at the first problem without building any message (used to count matching union variants).
//
// Decisions: an int is accepted where a float is expected when the float holds it exactly
// (|n| <= 2^53); a float is never accepted as an int. A struct value's top level must be a JSON
// object unless its schema declares another top-level type. An offloaded value is accepted when its
// inferred type is castable to the expected type (its content is not fetched).

const maxExactFloatInt = 2n ** 53n;

/** Every problem of `literal` against `type`, empty when it fits. */
export function checkLiteral(literal: Literal, type: LiteralType, path = "value"): string[] {
  const problems: string[] = [];
  check(literal, type, path, problems);
  return problems;
}

/** True when `literal` fits `type` (no messages are built). */
export function literalFits(literal: Literal, type: LiteralType): boolean {
  return check(literal, type, "", undefined);
}

function check(literal: Literal, type: LiteralType, path: string, problems: string[] | undefined): boolean {
  const v = literal.value;
  if (v.case === "offloaded") {
    const inferred = v.value.inferredType;
    if (inferred && isCastable(inferred, type)) return true;
    return fail(problems, path, type, inferred ? literal : "offloaded value without an inferred type");
  }
  const t = type.type;
  switch (t.case) {
    case "simple":
      return checkSimple(literal, simpleKind(t.value), type, path, problems);
    case "enumType": {
      const text = stringOf(literal);
      return (text !== undefined && t.value.values.includes(text)) || fail(problems, path, type, literal);
    }
    case "blob": {
      const blob = scalarOf(literal)?.value;
      if (blob?.case !== "blob" || blob.value.uri === "") return fail(problems, path, type, literal);
      const actual = blob.value.metadata?.type;
      if (!actual || blobCastable(actual, t.value)) return true;
      return fail(problems, path, type, literal, actual.format === "" ? "" : ` (format "${actual.format}")`);
    }
    case "collectionType": {
      if (v.case !== "collection") return fail(problems, path, type, literal);
      let ok = true;
      const items = v.value.literals;
      for (let i = 0; i < items.length && (ok || problems); i++) {
        const item = items[i];
        if (item) ok = check(item, t.value, problems ? indexPath(path, i) : "", problems) && ok;
      }
      return ok;
    }
    case "mapValueType": {
      if (v.case !== "map") return fail(problems, path, type, literal);
      let ok = true;
      const entries = v.value.literals;
      for (const key of Object.keys(entries)) {
        const item = entries[key];
        if (item) ok = check(item, t.value, problems ? memberPath(path, key) : "", problems) && ok;
        if (!ok && !problems) return false;
      }
      return ok;
    }
    case "unionType":
      return checkUnion(literal, type, t.value.variants, path, problems);
    case "structType":
      return checkStruct(literal, t.value.jsonSchema, type, path, problems);
    case undefined:
      return fail(problems, path, type, literal);
    default:
      return assertNever(t, "literal type");
  }
}

function checkSimple(literal: Literal, kind: SimpleType, type: LiteralType, path: string, problems: string[] | undefined): boolean {
  const s = scalarOf(literal)?.value;
  const p = s?.case === "primitive" ? s.value.value : undefined;
  let ok: boolean;
  switch (kind) {
    case SimpleType.UNSPECIFIED:
    case SimpleType.NONE:
      ok = s?.case === "noneType";
      break;
    case SimpleType.INTEGER:
      ok = p?.case === "integer";
      break;
    case SimpleType.FLOAT:
      if (p?.case === "integer" && (p.value > maxExactFloatInt || p.value < -maxExactFloatInt)) {
        return fail(problems, path, type, literal, ", which a float cannot hold exactly");
      }
      ok = p?.case === "floatValue" || p?.case === "integer";
      break;
    case SimpleType.STRING:
      ok = p?.case === "stringValue";
      break;
    case SimpleType.BOOLEAN:
      ok = p?.case === "boolean";
      break;
    case SimpleType.DATETIME:
      ok = p?.case === "datetime";
      break;
    case SimpleType.DURATION:
      ok = p?.case === "duration";
      break;
    case SimpleType.BINARY:
      ok = s?.case === "binary";
      break;
    case SimpleType.ERROR:
      ok = s?.case === "error";
      break;
    case SimpleType.STRUCT:
      return checkStruct(literal, "", type, path, problems);
    default:
      return assertNever(kind, "simple type");
  }
  return ok || fail(problems, path, type, literal);
}

function checkUnion(literal: Literal, type: LiteralType, variants: readonly LiteralType[], path: string, problems: string[] | undefined): boolean {
  const s = scalarOf(literal)?.value;
  if (s?.case === "union") {
    const variant = s.value.type ? selectUnionVariant(s.value.type, variants) : undefined;
    if (!variant) return fail(problems, path, type, literal, ", which is none of its variants");
    if (!s.value.value) return fail(problems, path, type, "a union value without a value");
    return check(s.value.value, variant, path, problems);
  }
  let matches = 0;
  for (const variant of variants) if (check(literal, variant, "", undefined)) matches++;
  if (matches === 1) return true;
  const why = matches === 0 ? "" : `, which matches ${matches} variants (ambiguous; wrap it in a union value naming its variant)`;
  return fail(problems, path, type, literal, why);
}

function checkStruct(literal: Literal, schemaText: string, type: LiteralType, path: string, problems: string[] | undefined): boolean {
  const s = scalarOf(literal)?.value;
  if (s?.case !== "structValue") return fail(problems, path, type, literal);
  let value: unknown;
  try {
    value = JSON.parse(s.value.json);
  } catch {
    return fail(problems, path, type, "a struct whose JSON text does not parse");
  }
  const schema = parseJsonSchema(schemaText);
  if (!schema || schema.type === undefined) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return fail(problems, path, type, "a struct whose JSON top level is not an object");
    }
  }
  return !schema || checkJsonValue(value, schema, schema, path, problems);
}

function scalarOf(literal: Literal): Scalar | undefined {
  return literal.value.case === "scalar" ? literal.value.value : undefined;
}

function stringOf(literal: Literal): string | undefined {
  const s = scalarOf(literal)?.value;
  return s?.case === "primitive" && s.value.value.case === "stringValue" ? s.value.value.value : undefined;
}

// Records a problem; `got` is the offending literal (described only when messages are wanted).
function fail(problems: string[] | undefined, path: string, type: LiteralType, got: Literal | string, why = ""): false {
  if (problems) {
    const actual = typeof got === "string" ? got : describeLiteral(got);
    problems.push(`${path}: expected ${describeType(type)}, got ${actual}${why}`);
  }
  return false;
}
