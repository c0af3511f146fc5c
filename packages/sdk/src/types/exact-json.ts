// Exact JSON for struct values. Writing gives the canonical text that StructValue requires (keys
// sorted by code point, no whitespace, integers as plain digits even beyond 2^53, bigints exact);
// reading keeps every digit: integers beyond the safe range come back as bigint.

/** Orders strings by Unicode code point (JavaScript's `<` compares UTF-16 code units). */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return weight(x) - weight(y);
  }
  return a.length - b.length;
}

// Surrogates encode code points above U+FFFF, so they sort after U+E000..U+FFFF.
function weight(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit <= 0xdfff ? unit + 0x2000 : unit - 0x800;
}

/** Thrown for values that have no JSON form; `path` names the offending member. */
export class JsonValueError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = "JsonValueError";
  }
}

/** The canonical JSON text of a JSON-like value (plain objects, arrays, strings, numbers, bigints, booleans, null). */
export function canonicalJson(value: unknown, path = "value"): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new JsonValueError(path, `${value} has no JSON form`);
      return Number.isInteger(value) ? BigInt(value).toString() : JSON.stringify(value);
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "null";
      if (Array.isArray(value)) return `[${value.map((item, i) => canonicalJson(item, `${path}[${i}]`)).join(",")}]`;
      return canonicalObject(value, path);
    case "undefined":
    case "function":
    case "symbol":
      throw new JsonValueError(path, `a ${typeof value} has no JSON form`);
  }
}

function canonicalObject(value: object, path: string): string {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name = (value.constructor as { name?: string } | undefined)?.name ?? "object";
    throw new JsonValueError(path, `a ${name} has no JSON form (use plain objects, arrays, strings, numbers, booleans and null)`);
  }
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort(compareCodePoints)) {
    const member = record[key];
    if (member !== undefined) members.push(`${JSON.stringify(key)}:${canonicalJson(member, `${path}.${key}`)}`);
  }
  return `{${members.join(",")}}`;
}

/** A parsed JSON value; integers outside ±(2^53 − 1) are bigints so no digit is lost. */
export type ExactJson = null | boolean | number | bigint | string | ExactJson[] | { [key: string]: ExactJson };

const numberPattern = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const stringPattern = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** Parses JSON text exactly; throws a SyntaxError naming the offset of the first problem. */
export function parseExactJson(text: string): ExactJson {
  const state = { text, pos: 0 };
  const value = readValue(state);
  skipSpace(state);
  if (state.pos !== text.length) fail(state, "unexpected text after the value");
  return value;
}

interface ParseState {
  readonly text: string;
  pos: number;
}

function fail(state: ParseState, problem: string): never {
  throw new SyntaxError(`invalid JSON at offset ${state.pos}: ${problem}`);
}

function skipSpace(state: ParseState): void {
  while (state.pos < state.text.length && " \t\n\r".includes(state.text.charAt(state.pos))) state.pos++;
}

function readValue(state: ParseState): ExactJson {
  skipSpace(state);
  const c = state.text.charAt(state.pos);
  if (c === "{") return readObject(state);
  if (c === "[") return readArray(state);
  if (c === '"') return readString(state);
  for (const [word, value] of [["true", true], ["false", false], ["null", null]] as const) {
    if (state.text.startsWith(word, state.pos)) {
      state.pos += word.length;
      return value;
    }
  }
  return readNumber(state);
}

function readNumber(state: ParseState): number | bigint {
  numberPattern.lastIndex = state.pos;
  const match = numberPattern.exec(state.text);
  if (!match) fail(state, "expected a value");
  state.pos += match[0].length;
  if (match[1] !== undefined || match[2] !== undefined) return Number(match[0]);
  const n = Number(match[0]);
  return Number.isSafeInteger(n) ? n : BigInt(match[0]);
}

function readString(state: ParseState): string {
  stringPattern.lastIndex = state.pos;
  const match = stringPattern.exec(state.text);
  if (!match) fail(state, "malformed string");
  state.pos += match[0].length;
  return JSON.parse(match[0]) as string;
}

function readArray(state: ParseState): ExactJson[] {
  state.pos++;
  const items: ExactJson[] = [];
  skipSpace(state);
  if (state.text.charAt(state.pos) === "]") {
    state.pos++;
    return items;
  }
  for (;;) {
    items.push(readValue(state));
    skipSpace(state);
    const c = state.text.charAt(state.pos);
    if (c !== "]" && c !== ",") fail(state, "expected ',' or ']'");
    state.pos++;
    if (c === "]") return items;
  }
}

function readObject(state: ParseState): { [key: string]: ExactJson } {
  state.pos++;
  const result: { [key: string]: ExactJson } = {};
  skipSpace(state);
  if (state.text.charAt(state.pos) === "}") {
    state.pos++;
    return result;
  }
  for (;;) {
    skipSpace(state);
    if (state.text.charAt(state.pos) !== '"') fail(state, "expected a member name");
    const key = readString(state);
    skipSpace(state);
    if (state.text.charAt(state.pos) !== ":") fail(state, "expected ':'");
    state.pos++;
    // defineProperty keeps a member named "__proto__" an ordinary member.
    Object.defineProperty(result, key, { value: readValue(state), enumerable: true, writable: true, configurable: true });
    skipSpace(state);
    const c = state.text.charAt(state.pos);
    if (c !== "}" && c !== ",") fail(state, "expected ',' or '}'");
    state.pos++;
    if (c === "}") return result;
  }
}
