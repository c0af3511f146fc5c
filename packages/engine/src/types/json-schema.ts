// The common subset of JSON Schema that struct types are checked against: `type` (one name or a
// list), `properties`, `required`, `additionalProperties: false`, `items`, `enum`, `const` and
// local `$ref`s (`#/$defs/X`, `#/definitions/X`). Anything else (anyOf, oneOf, patterns, bounds...)
// is not checked: a schema using it accepts more than it declares, never less.

/** A JSON Schema object, as parsed from `StructType.json_schema`. */
export type JsonSchema = { readonly [key: string]: unknown };

const parsedSchemas = new Map<string, JsonSchema | null>();
const maxCachedSchemas = 512;

/** The parsed schema, or undefined when the text is empty, not JSON or not an object (any value). */
export function parseJsonSchema(text: string): JsonSchema | undefined {
  if (text === "") return undefined;
  let parsed = parsedSchemas.get(text);
  if (parsed === undefined) {
    parsed = parseObject(text);
    if (parsedSchemas.size >= maxCachedSchemas) parsedSchemas.clear();
    parsedSchemas.set(text, parsed);
  }
  return parsed ?? undefined;
}

function parseObject(text: string): JsonSchema | null {
  try {
    const value: unknown = JSON.parse(text);
    return isJsonObject(value) ? value : null;
  } catch {
    return null;
  }
}

/** True for a non-null, non-array object. */
export function isJsonObject(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Follows local `$ref`s; undefined when a reference cannot be resolved (treated as any value). */
export function resolveSchema(node: JsonSchema, root: JsonSchema): JsonSchema | undefined {
  let current = node;
  for (let hops = 0; hops < 32; hops++) {
    const ref = current.$ref;
    if (typeof ref !== "string") return current;
    const target = lookupRef(ref, root);
    if (!target) return undefined;
    current = target;
  }
  return undefined;
}

function lookupRef(ref: string, root: JsonSchema): JsonSchema | undefined {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let at: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isJsonObject(at)) return undefined;
    at = at[key];
  }
  return isJsonObject(at) ? at : undefined;
}

/** The declared type names, or undefined when the schema does not restrict the type. */
export function schemaTypes(node: JsonSchema): readonly string[] | undefined {
  const type = node.type;
  if (typeof type === "string") return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === "string");
  return undefined;
}

/** The `properties` member, or undefined when absent. */
export function schemaProperties(node: JsonSchema): JsonSchema | undefined {
  const props = node.properties;
  return isJsonObject(props) ? props : undefined;
}

/** The `required` names (non-strings ignored). */
export function schemaRequired(node: JsonSchema): readonly string[] {
  const required = node.required;
  return Array.isArray(required) ? required.filter((r): r is string => typeof r === "string") : [];
}

/** The child schema at `key` (such as `items`), when it is an object schema. */
export function childSchema(node: JsonSchema, key: string): JsonSchema | undefined {
  const child = node[key];
  return isJsonObject(child) ? child : undefined;
}

/** True when a value of JSON type `up` is always a valid value of JSON type `down`. */
export function jsonTypeAccepts(down: string, up: string): boolean {
  return down === up || (down === "number" && up === "integer");
}
