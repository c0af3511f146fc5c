import { SimpleType, type Literal, type LiteralType } from "@skein/idl";
import { fileURLToPath } from "node:url";
import { parseJsonValue } from "../types/cli-value.js";
import { fromLiteral } from "../types/convert.js";
import { canonicalJson } from "../types/exact-json.js";

// The files protocol of container tasks, shared by the definition (which checks the templates)
// and the runner (which carries it out):
//   - before the process starts, each input is written to `<inputDir>/<name>` as JSON text of its
//     value: numbers and booleans as themselves (integers exactly), strings quoted, datetimes as
//     ISO 8601 strings, durations as milliseconds, bytes as base64 strings, files and directories
//     as their URI strings, lists/maps/structs as JSON, none as null;
//   - the process writes each output to `<outputDir>/<name>` in the same JSON form (a path
//     string is accepted for a file or directory);
//   - `command` and `args` may contain `{{.inputs.<name>}}` (the value as plain text: strings
//     unquoted, local files as paths, containers as JSON), `{{.inputDir}}` and `{{.outputDir}}`.

/** The problems of the placeholders in `text` (unknown placeholders, unknown inputs). */
export function placeholderProblems(text: string, inputs: readonly string[]): string[] {
  const problems: string[] = [];
  for (const match of text.matchAll(/\{\{([^}]*)\}\}/g)) {
    const inner = match[1]?.trim() ?? "";
    const input = /^\.inputs\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(inner)?.[1];
    if (input !== undefined ? !inputs.includes(input) : inner !== ".inputDir" && inner !== ".outputDir") {
      problems.push(`${match[0]} is not {{.inputs.<name>}} of a declared input, {{.inputDir}} or {{.outputDir}}`);
    }
  }
  return problems;
}

/** The JSON value of a literal, in the protocol's form. */
function jsonValue(value: unknown, type: LiteralType): unknown {
  const t = type.type;
  if (value === null) return null;
  if (t.case === "collectionType" && Array.isArray(value)) return value.map((item) => jsonValue(item, t.value));
  if (t.case === "mapValueType") return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, jsonValue(v, t.value)]));
  if (t.case === "blob") return (value as { uri: string }).uri;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  return value;
}

/** The text of the file `<inputDir>/<name>` for an input literal. */
export function inputFileText(literal: Literal, type: LiteralType): string {
  return canonicalJson(jsonValue(fromLiteral(literal, type), unionFree(literal, type)));
}

/** The text substituted for `{{.inputs.<name>}}`. */
export function inputArgText(literal: Literal, type: LiteralType): string {
  const value = fromLiteral(literal, type);
  if (typeof value === "string") return value;
  if (type.type.case === "blob") {
    const uri = (value as { uri: string }).uri;
    return uri.startsWith("file://") ? fileURLToPath(uri) : uri;
  }
  if (type.type.case === "simple" && type.type.value === SimpleType.NONE) return "";
  const json = jsonValue(value, unionFree(literal, type));
  return typeof json === "string" ? json : canonicalJson(json);
}

/** The output literal read from the file `<outputDir>/<name>`. */
export function parseOutputFile(text: string, type: LiteralType, name: string): Literal {
  return parseJsonValue(text, type, `outputs.${name}`);
}

// A union value is written as the value of the variant it carries.
function unionFree(literal: Literal, type: LiteralType): LiteralType {
  if (type.type.case !== "unionType") return type;
  const v = literal.value;
  const carried = v.case === "scalar" && v.value.value.case === "union" ? v.value.value.value.type : undefined;
  return carried ?? type;
}
