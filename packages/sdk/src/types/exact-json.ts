// Exact JSON for struct values. Writing is the engine's canonical JSON (re-exported here for the
// SDK's modules); reading keeps every digit: integers beyond the safe range come back as bigint.
export { canonicalJson, JsonValueError } from "@skein/engine";

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
