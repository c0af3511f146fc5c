import type { z } from "zod";

// fromLiteral returns one canonical JavaScript form per literal type (integers as bigints, none as
// null). A schema may want another form of the same value: t.int() wants a number, an optional
// field wants undefined rather than null, a t.bigint() field inside a struct wants a bigint where
// JSON gave a number. `adaptToSchema` reshapes the value the schema's way before it parses it.

/** `value` reshaped to the JavaScript form `schema` expects; values that cannot be reshaped are left for the schema to reject. */
export function adaptToSchema(value: unknown, schema: z.core.$ZodType): unknown {
  if (value === null && !acceptsNull(schema)) return undefined;
  const def = (schema as z.core.$ZodTypes)._zod.def;
  if (def.type === "number") {
    // An integer beyond the safe range becomes an unsafe number, which t.int() rejects with a
    // pointer to t.bigint(): digits are never lost silently.
    return typeof value === "bigint" ? Number(value) : value;
  }
  if (def.type === "bigint") return typeof value === "number" && Number.isSafeInteger(value) ? BigInt(value) : value;
  if (def.type === "optional" || def.type === "nullable" || def.type === "default" || def.type === "prefault" || def.type === "readonly") {
    return value === undefined || value === null ? value : adaptToSchema(value, def.innerType);
  }
  if (def.type === "array") return Array.isArray(value) ? value.map((item) => adaptToSchema(item, def.element)) : value;
  if (def.type === "record") return isRecord(value) ? mapValues(value, (item) => adaptToSchema(item, def.valueType)) : value;
  if (def.type === "object") return isRecord(value) ? adaptObject(value, def.shape) : value;
  if (def.type === "union") return adaptUnion(value, def.options);
  return value;
}

function acceptsNull(schema: z.core.$ZodType): boolean {
  const def = (schema as z.core.$ZodTypes)._zod.def;
  if (def.type === "nullable" || def.type === "null" || def.type === "any" || def.type === "unknown") return true;
  if (def.type === "optional" || def.type === "default" || def.type === "prefault" || def.type === "readonly") return acceptsNull(def.innerType);
  if (def.type === "union") return def.options.some(acceptsNull);
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Uint8Array);
}

function mapValues(value: Record<string, unknown>, fn: (item: unknown) => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fn(item)]));
}

function adaptObject(value: Record<string, unknown>, shape: Readonly<Record<string, z.core.$ZodType>>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...value };
  for (const [key, field] of Object.entries(shape)) {
    if (Object.hasOwn(value, key)) Object.defineProperty(result, key, { value: adaptToSchema(value[key], field), enumerable: true, writable: true, configurable: true });
  }
  return result;
}

// The first option whose reshaped value it accepts.
function adaptUnion(value: unknown, options: readonly z.core.$ZodType[]): unknown {
  for (const option of options) {
    const candidate = adaptToSchema(value, option);
    if ((option as z.ZodType).safeParse(candidate).success) return candidate;
  }
  return value;
}
