import type { Literal, PromiseAttribute } from "@skein/idl";
import { assertNever } from "../assert-never.js";
import { canonicalJson, parseJsonText, type JsonValue } from "./json-text.js";
import { booleanLiteral, describeKind, floatLiteral, intLiteral, noneLiteral, stringLiteral, structLiteral } from "./literal-values.js";

// Applies a promise's attribute path (`o0["a"][0]`) to an upstream output: an int indexes a
// collection, a string keys a map, and either walks into a struct value's JSON. A JSON leaf
// becomes a typed literal: integers stay exact int64s, other numbers floats, objects and arrays
// structs of canonical JSON.

/** The value found, or why there is none. */
export type AttrPathResult = { readonly ok: true; readonly value: Literal } | { readonly ok: false; readonly message: string };

type Step = { readonly kind: "index"; readonly index: number } | { readonly kind: "key"; readonly key: string };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER = /^-?[0-9]+$/;

/** Renders a path the way a user wrote it: `["a"][0]`. */
export function renderAttrPath(path: readonly PromiseAttribute[]): string {
  return path.map((a) => (a.value.case === "intValue" ? `[${a.value.value}]` : `[${JSON.stringify(a.value.value ?? "")}]`)).join("");
}

function stepOf(attr: PromiseAttribute): Step | undefined {
  switch (attr.value.case) {
    case "intValue":
      return { kind: "index", index: attr.value.value };
    case "stringValue":
      return { kind: "key", key: attr.value.value };
    case undefined:
      return undefined;
    default:
      return assertNever(attr.value, "path element");
  }
}

// Names the element that failed when it is not the path's last.
function fail(path: readonly PromiseAttribute[], upTo: number, problem: string): AttrPathResult {
  const at = upTo + 1 < path.length ? `at ${renderAttrPath(path.slice(0, upTo + 1))}: ` : "";
  return { ok: false, message: `${at}${problem}` };
}

/** Follows `path` into `value`. */
export function applyAttrPath(value: Literal, path: readonly PromiseAttribute[]): AttrPathResult {
  let current = value;
  for (let i = 0; i < path.length; i++) {
    const attr = path[i];
    const step = attr === undefined ? undefined : stepOf(attr);
    if (step === undefined) return fail(path, i, "the path element is empty");
    // A union is transparent: index into the value it holds.
    while (current.value.case === "scalar" && current.value.value.value.case === "union" && current.value.value.value.value.value) {
      current = current.value.value.value.value.value;
    }
    const v = current.value;
    if (v.case === "collection" && step.kind === "index") {
      const item = v.value.literals[step.index];
      if (item === undefined) return fail(path, i, `index ${step.index} is out of range (the list has ${v.value.literals.length} items)`);
      current = item;
    } else if (v.case === "map" && step.kind === "key") {
      const item = v.value.literals[step.key];
      if (item === undefined) return fail(path, i, `key "${step.key}" is not in the map`);
      current = item;
    } else if (v.case === "scalar" && v.value.value.case === "structValue") {
      return applyJsonPath(v.value.value.value.json, path, i);
    } else {
      const what = step.kind === "index" ? `index ${step.index}` : `key "${step.key}"`;
      return fail(path, i, `cannot take ${what} of ${describeKind(current)}`);
    }
  }
  return { ok: true, value: current };
}

function applyJsonPath(json: string, path: readonly PromiseAttribute[], from: number): AttrPathResult {
  let node: JsonValue;
  try {
    node = parseJsonText(json);
  } catch (e) {
    return fail(path, from, `the struct value is not valid JSON (${(e as Error).message})`);
  }
  for (let i = from; i < path.length; i++) {
    const attr = path[i];
    const step = attr === undefined ? undefined : stepOf(attr);
    if (step === undefined) return fail(path, i, "the path element is empty");
    if (node.kind === "array" && step.kind === "index") {
      const item = node.items[step.index];
      if (item === undefined) return fail(path, i, `index ${step.index} is out of range (the array has ${node.items.length} items)`);
      node = item;
    } else if (node.kind === "object" && step.kind === "key") {
      const item = node.entries.get(step.key);
      if (item === undefined) return fail(path, i, `key "${step.key}" is not in the object`);
      node = item;
    } else {
      const what = step.kind === "index" ? `index ${step.index}` : `key "${step.key}"`;
      return fail(path, i, `cannot take ${what} of a JSON ${node.kind}`);
    }
  }
  return jsonToLiteral(node);
}

/** A JSON value as a literal: exact ints, floats, strings, booleans, none, or a struct. */
export function jsonToLiteral(node: JsonValue): AttrPathResult {
  switch (node.kind) {
    case "null":
      return { ok: true, value: noneLiteral() };
    case "boolean":
      return { ok: true, value: booleanLiteral(node.value) };
    case "string":
      return { ok: true, value: stringLiteral(node.value) };
    case "number": {
      if (!INTEGER.test(node.text)) return { ok: true, value: floatLiteral(Number(node.text)) };
      const n = BigInt(node.text);
      if (n < INT64_MIN || n > INT64_MAX) {
        return { ok: false, message: `the integer ${node.text} does not fit in 64 bits` };
      }
      return { ok: true, value: intLiteral(n) };
    }
    case "array":
    case "object":
      return { ok: true, value: structLiteral(canonicalJson(node)) };
    default:
      return assertNever(node, "JSON value");
  }
}
