import { SimpleType, type LiteralType } from "@skein/idl";
import { z } from "zod";
import { typeTags } from "./annotations.js";
import { canonicalJson } from "./exact-json.js";
import { blobType, enumType, listType, mapType, optionalType, sameType, simpleType, structType, unionType } from "./literal-types.js";
import { assertNever, describeType } from "@skein/engine";

/** Thrown for a zod schema that has no Skein literal type; names where it is and what it is. */
export class UnsupportedSchemaError extends Error {
  constructor(
    readonly path: string,
    readonly schemaKind: string,
    hint: string,
  ) {
    super(`${path}: ${schemaKind} has no Skein type${hint ? `; ${hint}` : ""}`);
    this.name = "UnsupportedSchemaError";
  }
}

const hints: Partial<Record<string, string>> = {
  tuple: "use t.list() or t.struct()",
  literal: "use t.enum([...])",
  pipe: "transforms and pipes are not part of an interface: transform inside the task instead",
  transform: "transforms are not part of an interface: transform inside the task instead",
  intersection: "merge the objects into one t.struct()",
  map: "use t.map() (string keys)",
  set: "use t.list()",
  any: "give the value a concrete type (t.struct({...}) for JSON objects)",
  unknown: "give the value a concrete type (t.struct({...}) for JSON objects)",
};

const cache = new WeakMap<z.core.$ZodType, LiteralType>();

/** The literal type a zod schema maps to; throws {@link UnsupportedSchemaError} naming what does not map. */
export function literalTypeOf(schema: z.core.$ZodType, path = "value"): LiteralType {
  const known = cache.get(schema);
  if (known) return known;
  const type = mapSchema(schema, path, false);
  cache.set(schema, type);
  return type;
}

function unsupported(path: string, kind: string): UnsupportedSchemaError {
  return new UnsupportedSchemaError(path, `z.${kind}()`, hints[kind] ?? "");
}

// `inStruct` is true inside a t.struct, whose values must be plain JSON.
function mapSchema(schema: z.core.$ZodType, path: string, inStruct: boolean): LiteralType {
  const tag = typeTags.get(schema);
  if (tag) {
    switch (tag.kind) {
      case "duration":
        return simpleType(SimpleType.DURATION);
      case "bytes":
        if (inStruct) throw new UnsupportedSchemaError(path, "t.bytes()", "bytes have no JSON form inside a t.struct(); pass them as a separate input");
        return simpleType(SimpleType.BINARY);
      case "error":
        return simpleType(SimpleType.ERROR);
      case "file":
      case "dir":
        return blobType(tag.format, tag.kind === "dir");
    }
  }
  const s = schema as z.core.$ZodTypes;
  const def = s._zod.def;
  switch (def.type) {
    case "string":
      return simpleType(SimpleType.STRING);
    case "number":
      return simpleType(isIntegerFormat((s as z.ZodNumber).format) ? SimpleType.INTEGER : SimpleType.FLOAT);
    case "bigint":
      return simpleType(SimpleType.INTEGER);
    case "boolean":
      return simpleType(SimpleType.BOOLEAN);
    case "date":
      if (inStruct) throw new UnsupportedSchemaError(path, "t.datetime()", "datetimes have no JSON form inside a t.struct(); use an ISO 8601 t.string() or a separate input");
      return simpleType(SimpleType.DATETIME);
    case "null":
      return simpleType(SimpleType.NONE);
    case "enum":
      return enumOf(def.entries, path);
    case "optional":
    case "nullable":
      return optionalType(mapSchema(def.innerType, path, inStruct));
    case "default":
    case "prefault":
    case "readonly":
      return mapSchema(def.innerType, path, inStruct);
    case "array":
      return listType(mapSchema(def.element, `${path}[]`, inStruct));
    case "record":
      if (def.keyType._zod.def.type !== "string") throw new UnsupportedSchemaError(path, "a z.record() with non-string keys", "map keys are strings: use t.map()");
      return mapType(mapSchema(def.valueType, `${path}{}`, inStruct));
    case "union":
      return unionOf(def.options, path, inStruct);
    case "object":
      return structOf(s, def.shape, path);
    case "any":
    case "unknown":
    case "catch":
    case "custom":
    case "file":
    case "function":
    case "intersection":
    case "lazy":
    case "literal":
    case "map":
    case "nan":
    case "never":
    case "nonoptional":
    case "pipe":
    case "promise":
    case "set":
    case "success":
    case "symbol":
    case "template_literal":
    case "transform":
    case "tuple":
    case "undefined":
    case "void":
      throw unsupported(path, def.type);
    default:
      return assertNever(def, "zod schema");
  }
}

function isIntegerFormat(format: string | null): boolean {
  return format === "safeint" || format === "int32" || format === "uint32";
}

function enumOf(entries: Readonly<Record<string, string | number>>, path: string): LiteralType {
  const values = Object.values(entries);
  const strings = values.filter((v): v is string => typeof v === "string");
  if (strings.length !== values.length || strings.length === 0) {
    throw new UnsupportedSchemaError(path, "an enum with non-string values", "use t.enum() with string values");
  }
  return enumType(strings);
}

function unionOf(options: readonly z.core.$ZodType[], path: string, inStruct: boolean): LiteralType {
  const variants = options.map((option, i) => mapSchema(option, `${path}|${i}`, inStruct));
  for (let i = 0; i < variants.length; i++) {
    for (let j = i + 1; j < variants.length; j++) {
      const [a, b] = [variants[i], variants[j]];
      if (a && b && sameType(a, b)) {
        throw new UnsupportedSchemaError(path, `a union whose variants ${i} and ${j} are both ${describeType(a)}`, "union variants must have different types");
      }
    }
  }
  return unionType(variants);
}

function structOf(schema: z.core.$ZodType, shape: z.core.$ZodShape, path: string): LiteralType {
  // Every field must itself map (and be JSON) before the JSON Schema is worth generating.
  for (const [key, field] of Object.entries(shape)) mapSchema(field, `${path}.${key}`, true);
  const jsonSchema = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    unrepresentable: "any",
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === "bigint") {
        ctx.jsonSchema.type = "integer";
        ctx.jsonSchema.format = "int64";
      }
    },
  });
  return structType(canonicalJson(jsonSchema));
}
