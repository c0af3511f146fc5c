import type { LiteralType } from "@skein/idl";
import { describeType } from "@skein/engine";

/**
 * A value (or literal) that does not fit its type. `path` names where (`inputs.model.layers[2]`),
 * `expected` is the type as users write it (`list<int>`).
 */
export class LiteralConversionError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = "LiteralConversionError";
  }
}

/** The standard mismatch error: `path: expected <type>, got <value>[ (detail)]`. */
export function mismatch(path: string, type: LiteralType, value: unknown, detail?: string): LiteralConversionError {
  const expected = describeType(type);
  return new LiteralConversionError(path, expected, `expected ${expected}, got ${describeValue(value)}${detail ? ` (${detail})` : ""}`);
}

/** A short description of a JavaScript value for messages: `"ten"`, `3.5`, `a list`, `a Date`. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value.length > 60 ? `${JSON.stringify(value.slice(0, 57))}...` : JSON.stringify(value);
    case "number":
    case "boolean":
      return String(value);
    case "bigint":
      return `${value}n`;
    case "undefined":
      return "nothing (undefined)";
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    case "object":
      return describeObject(value);
  }
}

function describeObject(value: object | null): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid Date" : `the Date ${value.toISOString()}`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return "an object";
  const name = (value.constructor as { name?: string } | undefined)?.name;
  return name ? `a ${name}` : "an object";
}
