import { assertNever } from "../assert-never.js";
import { compareCodePoints } from "../types/canonical-json.js";

// A JSON reader that keeps every number's source text, so integers beyond 2^53 survive being
// indexed out of a struct value (JSON.parse would round them). Also renders canonical JSON:
// object keys sorted, no whitespace, numbers exactly as written.

/** A parsed JSON value. Numbers keep their source text. */
export type JsonValue =
  | { readonly kind: "null" }
  | { readonly kind: "boolean"; readonly value: boolean }
  | { readonly kind: "number"; readonly text: string }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "array"; readonly items: readonly JsonValue[] }
  | { readonly kind: "object"; readonly entries: ReadonlyMap<string, JsonValue> };

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;
const MAX_DEPTH = 1000;

class Reader {
  private pos = 0;

  constructor(private readonly text: string) {}

  document(): JsonValue {
    const value = this.value(0);
    this.skipWhitespace();
    if (this.pos !== this.text.length) this.fail("unexpected text after the value");
    return value;
  }

  private value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.skipWhitespace();
    const c = this.text[this.pos];
    switch (c) {
      case "{":
        return this.object(depth);
      case "[":
        return this.array(depth);
      case '"':
        return { kind: "string", value: this.string() };
      case "t":
        return this.word("true", { kind: "boolean", value: true });
      case "f":
        return this.word("false", { kind: "boolean", value: false });
      case "n":
        return this.word("null", { kind: "null" });
      case undefined:
        return this.fail("unexpected end of text");
      default: {
        NUMBER.lastIndex = this.pos;
        const m = NUMBER.exec(this.text);
        if (!m) return this.fail("expected a value");
        this.pos += m[0].length;
        return { kind: "number", text: m[0] };
      }
    }
  }

  private object(depth: number): JsonValue {
    const entries = new Map<string, JsonValue>();
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return { kind: "object", entries };
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.fail("expected a string key");
      const key = this.string();
      this.skipWhitespace();
      this.expect(":");
      entries.set(key, this.value(depth + 1));
      this.skipWhitespace();
      if (this.text[this.pos] === ",") this.pos++;
      else return this.close("}", { kind: "object", entries });
    }
  }

  private array(depth: number): JsonValue {
    const items: JsonValue[] = [];
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return { kind: "array", items };
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.skipWhitespace();
      if (this.text[this.pos] === ",") this.pos++;
      else return this.close("]", { kind: "array", items });
    }
  }

  // Finds the closing quote, then lets JSON.parse decode the escapes of that one string.
  private string(): string {
    const start = this.pos;
    let i = start + 1;
    for (;;) {
      const code = this.text.charCodeAt(i);
      if (Number.isNaN(code) || code < 0x20) this.fail("unterminated string");
      if (code === 0x5c) i += 2;
      else if (code === 0x22) break;
      else i++;
    }
    this.pos = i + 1;
    try {
      return JSON.parse(this.text.slice(start, i + 1)) as string;
    } catch {
      return this.fail("invalid escape in string");
    }
  }

  private word<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail("expected a value");
    this.pos += word.length;
    return value;
  }

  private close<T extends JsonValue>(c: string, value: T): T {
    this.expect(c);
    return value;
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) this.fail(`expected "${c}"`);
    this.pos++;
  }

  private skipWhitespace(): void {
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.exec(this.text);
    this.pos = WHITESPACE.lastIndex;
  }

  private fail(problem: string): never {
    throw new SyntaxError(`invalid JSON at offset ${this.pos}: ${problem}`);
  }
}

/** Parses JSON text, keeping number source text. Throws SyntaxError naming the offset. */
export function parseJsonText(text: string): JsonValue {
  return new Reader(text).document();
}

/** Canonical JSON: keys sorted by code point (as everywhere else), no whitespace, numbers as written. */
export function canonicalJson(value: JsonValue): string {
  switch (value.kind) {
    case "null":
      return "null";
    case "boolean":
      return value.value ? "true" : "false";
    case "number":
      return value.text;
    case "string":
      return JSON.stringify(value.value);
    case "array":
      return `[${value.items.map(canonicalJson).join(",")}]`;
    case "object": {
      const keys = [...value.entries.keys()].sort(compareCodePoints);
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value.entries.get(k) ?? { kind: "null" })}`).join(",")}}`;
    }
    default:
      return assertNever(value, "JSON value");
  }
}
