import { assertNever } from "../assert-never.js";
import { SimpleType, type Literal, type LiteralType } from "@skein/idl";
import { describeKind, literalKind, withArticle } from "./literal-values.js";

// A light check that a signal's value has the type the gate declared: simple types, lists and
// maps are checked; richer types (blobs, enums, unions, schemas) are left to the consumer.

const SIMPLE_KINDS: Partial<Record<SimpleType, string>> = {
  [SimpleType.NONE]: "none",
  [SimpleType.INTEGER]: "int",
  [SimpleType.FLOAT]: "float",
  [SimpleType.STRING]: "string",
  [SimpleType.BOOLEAN]: "boolean",
  [SimpleType.DATETIME]: "datetime",
  [SimpleType.DURATION]: "duration",
  [SimpleType.BINARY]: "binary",
  [SimpleType.ERROR]: "error",
  [SimpleType.STRUCT]: "struct",
};

/** Why `value` does not fit `type`, or undefined when it fits (or is not checked). */
export function signalTypeProblem(value: Literal, type: LiteralType | undefined): string | undefined {
  const t = type?.type;
  switch (t?.case) {
    case "simple": {
      const want = SIMPLE_KINDS[t.value];
      const got = literalKind(value);
      return want === undefined || want === got ? undefined : `expected ${withArticle(want)}, got ${withArticle(got)}`;
    }
    case "collectionType": {
      if (value.value.case !== "collection") return `expected a list, got ${describeKind(value)}`;
      for (const [i, item] of value.value.value.literals.entries()) {
        const problem = signalTypeProblem(item, t.value);
        if (problem) return `item ${i}: ${problem}`;
      }
      return undefined;
    }
    case "mapValueType": {
      if (value.value.case !== "map") return `expected a map, got ${describeKind(value)}`;
      for (const [key, item] of Object.entries(value.value.value.literals)) {
        const problem = signalTypeProblem(item, t.value);
        if (problem) return `key "${key}": ${problem}`;
      }
      return undefined;
    }
    case "blob":
    case "enumType":
    case "unionType":
    case "structType":
    case undefined:
      return undefined;
    default:
      return assertNever(t, "literal type");
  }
}
