import { canonicalJson } from "./canonical-json.js";
import {
  childSchema, isJsonObject, jsonTypeAccepts, parseJsonSchema, resolveSchema, schemaProperties, schemaRequired, schemaTypes,
  type JsonSchema,
} from "./json-schema.js";

/**
 * Whether values of the struct schema `upText` always fit the struct schema `downText`: the schemas
 * are the same, or the downstream schema is a supertype (each property it requires is declared
 * upstream, and every property declared by both has compatible types). An empty or unparseable
 * schema on either side is a generic struct, castable both ways. Where the upstream schema does not
 * say enough to decide (no `type`, no `properties`), the cast is allowed and the value is checked
 * at run time.
 */
export function isStructSchemaCastable(upText: string, downText: string): boolean {
  if (upText === downText) return true;
  const up = parseJsonSchema(upText);
  const down = parseJsonSchema(downText);
  if (!up || !down) return true;
  return schemaAccepts({ node: up, root: up }, { node: down, root: down }, 0);
}

interface At {
  readonly node: JsonSchema;
  readonly root: JsonSchema;
}

// Deeper than this, recursive schemas are assumed compatible rather than followed forever.
const maxDepth = 32;

function schemaAccepts(upAt: At, downAt: At, depth: number): boolean {
  if (depth > maxDepth) return true;
  const up = resolveSchema(upAt.node, upAt.root);
  const down = resolveSchema(downAt.node, downAt.root);
  if (!up || !down) return true;

  const downTypes = schemaTypes(down);
  const upTypes = schemaTypes(up);
  if (downTypes && upTypes && !upTypes.every((u) => downTypes.some((d) => jsonTypeAccepts(d, u)))) return false;
  if (!enumAccepts(up, down)) return false;

  const objects = (!downTypes || downTypes.includes("object")) && (!upTypes || upTypes.includes("object"));
  if (objects && !objectAccepts(up, upAt.root, down, downAt.root, depth)) return false;

  const upItems = childSchema(up, "items");
  const downItems = childSchema(down, "items");
  if (upItems && downItems) {
    return schemaAccepts({ node: upItems, root: upAt.root }, { node: downItems, root: downAt.root }, depth + 1);
  }
  return true;
}

// Downstream enum/const values restrict; an upstream that declares its own must stay within them.
// An upstream without a declared set may still produce valid values: that is checked at run time.
function enumAccepts(up: JsonSchema, down: JsonSchema): boolean {
  const allowed = allowedValues(down);
  if (!allowed) return true;
  const produced = allowedValues(up);
  if (!produced) return true;
  const set = new Set(allowed.map((v) => canonicalJson(v)));
  return produced.every((v) => set.has(canonicalJson(v)));
}

function allowedValues(node: JsonSchema): readonly unknown[] | undefined {
  if (Object.hasOwn(node, "const")) return [node.const];
  return Array.isArray(node.enum) ? node.enum : undefined;
}

function objectAccepts(up: JsonSchema, upRoot: JsonSchema, down: JsonSchema, downRoot: JsonSchema, depth: number): boolean {
  const upProps = schemaProperties(up);
  const downProps = schemaProperties(down);
  if (!upProps) return true;
  for (const name of schemaRequired(down)) {
    if (!Object.hasOwn(upProps, name)) return false;
  }
  if (down.additionalProperties === false) {
    for (const name of Object.keys(upProps)) if (!downProps || !Object.hasOwn(downProps, name)) return false;
  }
  if (!downProps) return true;
  for (const name of Object.keys(downProps)) {
    const upProp = upProps[name];
    const downProp = downProps[name];
    if (!isJsonObject(upProp) || !isJsonObject(downProp)) continue;
    if (!schemaAccepts({ node: upProp, root: upRoot }, { node: downProp, root: downRoot }, depth + 1)) return false;
  }
  return true;
}
