import { canonicalJson } from "./exact-json.js";

// Checks a struct value against its JSON Schema, for the keywords zod emits: type, properties,
// required, additionalProperties, items, prefixItems, enum, const, anyOf, oneOf, minimum/maximum
// and local $refs. Other keywords (patterns, lengths...) are not checked: the task's own zod schema
// enforces them when it parses the value.

type Schema = { readonly [key: string]: unknown };

const parsed = new Map<string, Schema | undefined>();

function parseSchema(text: string): Schema | undefined {
  if (!parsed.has(text)) {
    if (parsed.size > 256) parsed.clear();
    const value: unknown = text === "" ? undefined : JSON.parse(text);
    parsed.set(text, isObject(value) ? value : undefined);
  }
  return parsed.get(text);
}

function isObject(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The first problem of `value` against the schema text, as "path: problem", or undefined when it conforms. */
export function checkJsonSchema(value: unknown, schemaText: string, path: string): string | undefined {
  const root = parseSchema(schemaText);
  return root ? check(value, root, root, path) : undefined;
}

function check(value: unknown, schema: Schema, root: Schema, path: string): string | undefined {
  const ref = schema.$ref;
  if (typeof ref === "string") {
    const target = resolve(ref, root);
    if (!target) return `${path}: schema reference ${ref} cannot be resolved`;
    return check(value, target, root, path);
  }
  return checkType(value, schema, path) ?? checkConstants(value, schema, path) ?? checkAlternatives(value, schema, root, path) ?? checkMembers(value, schema, root, path);
}

function resolve(ref: string, root: Schema): Schema | undefined {
  if (ref === "#") return root;
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  const defs = match ? root[match[1] ?? ""] : undefined;
  const target = isObject(defs) ? defs[match?.[2] ?? ""] : undefined;
  return isObject(target) ? target : undefined;
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "bigint") return "integer";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function checkType(value: unknown, schema: Schema, path: string): string | undefined {
  const declared = schema.type;
  if (declared === undefined) return undefined;
  const allowed = Array.isArray(declared) ? declared : [declared];
  const actual = jsonTypeOf(value);
  const ok = allowed.includes(actual) || (actual === "integer" && allowed.includes("number"));
  if (!ok) return `${path}: expected ${allowed.join(" or ")}, got ${actual}`;
  const min = schema.minimum;
  const max = schema.maximum;
  if ((typeof value === "number" || typeof value === "bigint") && typeof min === "number" && value < min) return `${path}: ${value} is below the minimum ${min}`;
  if ((typeof value === "number" || typeof value === "bigint") && typeof max === "number" && value > max) return `${path}: ${value} is above the maximum ${max}`;
  return undefined;
}

function checkConstants(value: unknown, schema: Schema, path: string): string | undefined {
  if (schema.const !== undefined && canonicalJson(schema.const) !== canonicalJson(value)) return `${path}: expected ${JSON.stringify(schema.const)}`;
  const options = schema.enum;
  if (Array.isArray(options)) {
    const text = canonicalJson(value);
    if (!options.some((option) => canonicalJson(option) === text)) return `${path}: expected one of ${options.map((o) => JSON.stringify(o)).join(", ")}`;
  }
  return undefined;
}

function checkAlternatives(value: unknown, schema: Schema, root: Schema, path: string): string | undefined {
  for (const keyword of ["anyOf", "oneOf"] as const) {
    const alternatives = schema[keyword];
    if (!Array.isArray(alternatives)) continue;
    const problems = alternatives.filter(isObject).map((alt) => check(value, alt, root, path));
    if (!problems.includes(undefined)) return problems[0] ?? `${path}: matches none of the alternatives`;
  }
  return undefined;
}

function checkMembers(value: unknown, schema: Schema, root: Schema, path: string): string | undefined {
  if (Array.isArray(value)) {
    const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
    for (let i = 0; i < value.length; i++) {
      const itemSchema: unknown = i < prefix.length ? prefix[i] : schema.items;
      const problem = isObject(itemSchema) ? check(value[i], itemSchema, root, `${path}[${i}]`) : undefined;
      if (problem) return problem;
    }
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  for (const key of required) {
    if (typeof key === "string" && value[key] === undefined) return `${path}: missing required field ${JSON.stringify(key)}`;
  }
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) continue;
    const memberSchema = Object.hasOwn(properties, key) ? properties[key] : schema.additionalProperties;
    if (memberSchema === false) return `${path}: unexpected field ${JSON.stringify(key)}`;
    const problem = isObject(memberSchema) ? check(member, memberSchema, root, `${path}.${key}`) : undefined;
    if (problem) return problem;
  }
  return undefined;
}
