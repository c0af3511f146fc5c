// Canonical JSON text for plain values: object keys sorted by Unicode code point, no whitespace,
// integers as plain decimal digits (bigints exact, even beyond 2^53). Equal values give equal
// text, which digests and struct values rely on. This is the one writer of canonical JSON.

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

/**
 * Canonical JSON text of a JSON-like value (plain objects, arrays, strings, numbers, bigints,
 * booleans, null); `undefined` object members are left out. `path` names the value in errors.
 */
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
      if (Array.isArray(value)) return `[${value.map((item: unknown, i) => canonicalJson(item, `${path}[${i}]`)).join(",")}]`;
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
