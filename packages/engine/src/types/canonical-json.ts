// Canonical JSON text for plain values: object keys sorted by Unicode code point, no whitespace,
// bigints as exact decimal digits. Equal values give equal text, which digests rely on.

/** Orders two strings by Unicode code point (JavaScript's `<` orders by UTF-16 code unit). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointWeight(x) - codePointWeight(y);
  }
  return a.length - b.length;
}

// Surrogates (U+D800..U+DFFF) encode code points above U+FFFF, so they sort after U+E000..U+FFFF.
function codePointWeight(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit <= 0xdfff ? unit + 0x2000 : unit - 0x800;
}

/** Canonical JSON text of a JSON-like value; `undefined` object members are left out. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out);
  return out.join("");
}

function write(value: unknown, out: string[]): void {
  switch (typeof value) {
    case "string":
      out.push(JSON.stringify(value));
      return;
    case "number":
      if (!Number.isFinite(value)) throw new Error(`canonical JSON: ${value} is not a JSON number`);
      out.push(JSON.stringify(value));
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "bigint":
      out.push(value.toString());
      return;
    case "object":
      if (value === null) out.push("null");
      else if (Array.isArray(value)) writeArray(value, out);
      else writeObject(value as Record<string, unknown>, out);
      return;
    case "undefined":
    case "function":
    case "symbol":
      throw new Error(`canonical JSON: a ${typeof value} is not a JSON value`);
  }
}

function writeArray(items: readonly unknown[], out: string[]): void {
  out.push("[");
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out.push(",");
    write(items[i] ?? null, out);
  }
  out.push("]");
}

function writeObject(obj: Record<string, unknown>, out: string[]): void {
  const keys = Object.keys(obj).sort(compareCodePoints);
  out.push("{");
  let first = true;
  for (const key of keys) {
    const member = obj[key];
    if (member === undefined) continue;
    if (!first) out.push(",");
    first = false;
    out.push(JSON.stringify(key), ":");
    write(member, out);
  }
  out.push("}");
}
