import { SimpleType, type LiteralType, type PromiseAttribute } from "@skein/idl";
import { assertNever } from "../assert-never.js";
import { parseJsonSchema } from "../types/json-schema.js";
import { describeType } from "../types/describe-type.js";
import { UNKNOWN } from "./bound-type.js";
import { formatAttrPath } from "./names.js";
import { walkSchema, type AttrResult } from "./schema-type.js";

export type { AttrResult };

/**
 * The type reached by following an attribute path into a value of `type`: integer steps index
 * lists, string steps select map entries, and both walk struct schemas (see `walkSchema`).
 * A schemaless struct accepts any path, giving UNKNOWN. Anything else cannot be indexed.
 */
export function resolveAttrPath(type: LiteralType, path: readonly PromiseAttribute[]): AttrResult {
  let current = type;
  for (let i = 0; i < path.length; i++) {
    const step = path[i]?.value;
    const t = current.type;
    const at = i === 0 ? "" : ` at ${formatAttrPath(path.slice(0, i))}`;
    if (step === undefined || step.case === undefined) return { problem: `step ${i + 1} of the attribute path is empty` };
    switch (t.case) {
      case "collectionType":
        if (step.case !== "intValue") return { problem: `${describeType(current)}${at} is indexed by position, not by key "${step.value}"` };
        current = t.value;
        break;
      case "mapValueType":
        if (step.case !== "stringValue") return { problem: `${describeType(current)}${at} is indexed by key, not by position ${step.value}` };
        current = t.value;
        break;
      case "structType": {
        const root = parseJsonSchema(t.value.jsonSchema);
        if (!root) return { type: UNKNOWN };
        return walkSchema(root, path, i);
      }
      case "simple":
        if (t.value === SimpleType.STRUCT) return { type: UNKNOWN };
        return { problem: `${describeType(current)}${at} cannot be indexed` };
      case "blob":
      case "enumType":
      case "unionType":
      case undefined:
        return { problem: `${describeType(current)}${at} cannot be indexed` };
      default:
        return assertNever(t, "literal type");
    }
  }
  return { type: current };
}
