import { SimpleType, type PromiseAttribute } from "@skein/idl";
import { enumType, listType, optionalType, simpleType, structType } from "../types/builders.js";
import {
  childSchema, isJsonObject, resolveSchema, schemaProperties, schemaTypes, type JsonSchema,
} from "../types/json-schema.js";
import { UNKNOWN, type BoundType } from "./bound-type.js";
import { formatAttrPath, listNames } from "./names.js";

// Attribute paths into struct values follow the struct's JSON Schema: a string step selects a
// property (or the `additionalProperties` schema), an integer step selects `prefixItems[i]` or
// `items`. The schema reached at the end becomes the type of the bound value:
//   integer -> int, number -> float, string -> string (enum{...} when it lists string values),
//   boolean -> boolean, null -> none, array -> list<items>, object -> struct (the sub-schema,
//   carrying the root's $defs), a type list or anyOf/oneOf with null -> optional<...>.
// Where the schema says too little, the result is UNKNOWN and the value is checked at run time.

export type AttrResult = { readonly type: BoundType } | { readonly problem: string };

const maxDepth = 32;

/** Follows `path`, from step `start` on, through the schema `root` of the value reached there. */
export function walkSchema(root: JsonSchema, path: readonly PromiseAttribute[], start = 0): AttrResult {
  let node = root;
  for (let i = start; i < path.length; i++) {
    const at = resolveSchema(node, root);
    if (!at) return { type: UNKNOWN };
    const step = path[i]?.value;
    const types = schemaTypes(at);
    const where = i === 0 ? "" : ` at ${formatAttrPath(path.slice(0, i))}`;
    const problem = (text: string): AttrResult => ({ problem: `${text}${where}` });
    if (step?.case === "stringValue") {
      if (types && !types.includes("object")) return problem(`${describeSchema(at)} has no field "${step.value}"`);
      const props = schemaProperties(at);
      const child = props?.[step.value];
      const extra = at.additionalProperties;
      if (isJsonObject(child)) node = child;
      else if (child === undefined && isJsonObject(extra)) node = extra;
      else if (child === undefined && (props || extra === false)) {
        return problem(`the struct has no field "${step.value}" (fields: ${listNames(Object.keys(props ?? {}))})`);
      } else return { type: UNKNOWN };
    } else if (step?.case === "intValue") {
      if (types && !types.includes("array")) return problem(`${describeSchema(at)} has no element [${step.value}]`);
      const prefix = Array.isArray(at.prefixItems) ? (at.prefixItems as unknown[])[step.value] : undefined;
      const items = childSchema(at, "items");
      if (isJsonObject(prefix)) node = prefix;
      else if (items) node = items;
      else return { type: UNKNOWN };
    } else {
      return problem("an attribute path step is empty");
    }
  }
  return { type: schemaToType(node, root, 0) };
}

/** The literal type of the values a (sub-)schema describes. */
export function schemaToType(node: JsonSchema, root: JsonSchema, depth: number): BoundType {
  if (depth > maxDepth) return UNKNOWN;
  const at = resolveSchema(node, root);
  if (!at) return UNKNOWN;
  const optional = nullableVariant(at);
  if (optional) {
    const inner = schemaToType(optional, root, depth + 1);
    return inner === UNKNOWN ? UNKNOWN : optionalType(inner);
  }
  const values = at.enum;
  if (Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === "string")) {
    return enumType(values);
  }
  const types = schemaTypes(at);
  if (!types) return schemaProperties(at) ? structType(withDefs(at, root)) : UNKNOWN;
  const nonNull = types.filter((t) => t !== "null");
  if (nonNull.length === 0) return types.length > 0 ? simpleType(SimpleType.NONE) : UNKNOWN;
  if (nonNull.length > 1) return UNKNOWN;
  const inner = namedType(nonNull[0] ?? "", at, root, depth);
  if (inner === UNKNOWN || nonNull.length === types.length) return inner;
  return optionalType(inner);
}

function namedType(name: string, at: JsonSchema, root: JsonSchema, depth: number): BoundType {
  switch (name) {
    case "integer":
      return simpleType(SimpleType.INTEGER);
    case "number":
      return simpleType(SimpleType.FLOAT);
    case "string":
      return simpleType(SimpleType.STRING);
    case "boolean":
      return simpleType(SimpleType.BOOLEAN);
    case "array": {
      const items = childSchema(at, "items");
      const element = items ? schemaToType(items, root, depth + 1) : UNKNOWN;
      return element === UNKNOWN ? UNKNOWN : listType(element);
    }
    case "object":
      return structType(withDefs(at, root));
    default:
      return UNKNOWN;
  }
}

// `anyOf: [X, {type: "null"}]` (or oneOf), the usual shape of an optional field.
function nullableVariant(at: JsonSchema): JsonSchema | undefined {
  const options = Array.isArray(at.anyOf) ? at.anyOf : Array.isArray(at.oneOf) ? at.oneOf : undefined;
  if (options?.length !== 2) return undefined;
  const [a, b] = options as unknown[];
  if (isNullSchema(b) && isJsonObject(a)) return a;
  if (isNullSchema(a) && isJsonObject(b)) return b;
  return undefined;
}

function isNullSchema(value: unknown): boolean {
  return isJsonObject(value) && value.type === "null";
}

// A sub-schema keeps the root's definitions so its local references still resolve.
function withDefs(node: JsonSchema, root: JsonSchema): JsonSchema {
  if (node === root) return node;
  const out: Record<string, unknown> = { ...node };
  if (root.$defs !== undefined && out.$defs === undefined) out.$defs = root.$defs;
  if (root.definitions !== undefined && out.definitions === undefined) out.definitions = root.definitions;
  return out;
}

function describeSchema(at: JsonSchema): string {
  const types = schemaTypes(at);
  return types ? `a JSON ${types.join("|")}` : "the value";
}
