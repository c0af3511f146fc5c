import { canonicalJson } from "../types/canonical-json.js";
import {
  childSchema, isJsonObject, resolveSchema, schemaProperties, schemaRequired, schemaTypes, type JsonSchema,
} from "../types/json-schema.js";
import { quote } from "./describe-literal.js";
import { indexPath, memberPath } from "./path.js";

// Checks a parsed JSON value against the common subset of JSON Schema (see types/json-schema.ts).
// With `problems` undefined it only answers yes or no, stopping at the first problem.

/** True when `value` fits `schema`; each problem found is pushed to `problems` when given. */
export function checkJsonValue(value: unknown, schema: JsonSchema, root: JsonSchema, path: string, problems: string[] | undefined): boolean {
  const node = resolveSchema(schema, root);
  if (!node) return true;
  const types = schemaTypes(node);
  if (types && !types.some((t) => jsonTypeMatches(t, value))) {
    problems?.push(`${path}: expected ${types.join(" or ")}, got ${describeJson(value)}`);
    return false;
  }
  if (!inAllowedValues(value, node)) {
    problems?.push(`${path}: expected one of ${allowedText(node)}, got ${describeJson(value)}`);
    return false;
  }
  if (isJsonObject(value)) return checkObject(value, node, root, path, problems);
  if (Array.isArray(value)) {
    const items = childSchema(node, "items");
    if (!items) return true;
    let ok = true;
    for (let i = 0; i < value.length && (ok || problems); i++) {
      ok = checkJsonValue(value[i], items, root, indexPath(path, i), problems) && ok;
    }
    return ok;
  }
  return true;
}

function checkObject(value: JsonSchema, node: JsonSchema, root: JsonSchema, path: string, problems: string[] | undefined): boolean {
  const props = schemaProperties(node);
  let ok = true;
  for (const name of schemaRequired(node)) {
    if (Object.hasOwn(value, name)) continue;
    const prop = props?.[name];
    const expected = isJsonObject(prop) ? describeSchema(prop, root) : "a value";
    problems?.push(`${memberPath(path, name)}: expected ${expected}, got nothing (required property missing)`);
    if (!problems) return false;
    ok = false;
  }
  const extra = node.additionalProperties;
  for (const key of Object.keys(value)) {
    const prop = props?.[key];
    const sub = isJsonObject(prop) ? prop : isJsonObject(extra) && !(props && Object.hasOwn(props, key)) ? extra : undefined;
    if (sub) {
      ok = checkJsonValue(value[key], sub, root, memberPath(path, key), problems) && ok;
    } else if (extra === false && !(props && Object.hasOwn(props, key))) {
      problems?.push(`${memberPath(path, key)}: unexpected property (the schema allows no others)`);
      ok = false;
    }
    if (!ok && !problems) return false;
  }
  return ok;
}

function jsonTypeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case "object":
      return isJsonObject(value);
    case "array":
      return Array.isArray(value);
    case "string":
      return typeof value === "string";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    default:
      return true; // An unknown type name restricts nothing we can check.
  }
}

function inAllowedValues(value: unknown, node: JsonSchema): boolean {
  if (Object.hasOwn(node, "const")) return canonicalJson(node.const) === canonicalJson(value);
  if (!Array.isArray(node.enum)) return true;
  const text = canonicalJson(value);
  return node.enum.some((allowed) => canonicalJson(allowed) === text);
}

function allowedText(node: JsonSchema): string {
  return Object.hasOwn(node, "const") ? canonicalJson([node.const]) : canonicalJson(node.enum);
}

/** A schema as the expected side of a message: its type names, or "a value". */
function describeSchema(schema: JsonSchema, root: JsonSchema): string {
  const node = resolveSchema(schema, root);
  const types = node ? schemaTypes(node) : undefined;
  return types ? types.join(" or ") : "a value";
}

/** A JSON value as the actual side of a message. */
export function describeJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `array of ${value.length}`;
  if (typeof value === "string") return `string ${quote(value)}`;
  if (typeof value === "number") return Number.isInteger(value) ? `integer ${value}` : `number ${value}`;
  if (typeof value === "boolean") return `boolean ${value}`;
  return typeof value; // "object"; JSON.parse produces nothing else.
}
