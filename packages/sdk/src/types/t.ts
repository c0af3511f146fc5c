import { z } from "zod";
import { tagged } from "./annotations.js";

/** A reference to a file or directory: a URI (`file:///abs/path`, `s3://bucket/key`) and an optional format. */
export interface BlobValue {
  readonly uri: string;
  readonly format?: string;
}

/** The failure of an upstream node, as passed to a workflow's failure task. */
export interface ErrorValue {
  readonly failedNodeId: string;
  readonly message: string;
}

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

const blobShape = { uri: z.string().min(1, "a file or directory needs a non-empty uri"), format: z.string().optional() };

// Only the safe-integer bounds get the pointer to t.bigint(); other bounds (.min(0)) keep their own message.
function intIssue(issue: { code?: string; maximum?: unknown; minimum?: unknown }): string | undefined {
  const bound = issue.code === "too_big" ? issue.maximum : issue.code === "too_small" ? issue.minimum : undefined;
  if (bound === Number.MAX_SAFE_INTEGER || bound === Number.MIN_SAFE_INTEGER) {
    return "integer beyond ±(2^53 − 1) cannot be exact as a JavaScript number: use t.bigint() for exact 64-bit integers";
  }
  return undefined;
}

/**
 * Type builders for task and workflow interfaces. Each returns a zod schema (so `.describe()`,
 * `.default()`, `.optional()`, `.nullable()` work as usual) that maps to a Skein literal type.
 */
export const t = {
  /** A UTF-8 string. */
  string: () => z.string(),
  /** A 64-bit integer held as a JavaScript number; values must be safe integers (|n| ≤ 2^53 − 1). */
  int: () => z.int({ error: intIssue }),
  /** A 64-bit integer held exactly as a JavaScript bigint. */
  bigint: () =>
    z
      .bigint()
      .min(INT64_MIN, "integer below the 64-bit range")
      .max(INT64_MAX, "integer above the 64-bit range"),
  /** A double-precision number. */
  float: () => z.number(),
  boolean: () => z.boolean(),
  /** A point in time, held as a Date. */
  datetime: () => z.date(),
  /** A span of time, held as a number of milliseconds. */
  duration: () => tagged(z.number(), { kind: "duration" }),
  /** Opaque bytes. */
  bytes: () => tagged(z.instanceof(Uint8Array), { kind: "bytes" }),
  /** One of a closed set of strings; the first is the default. */
  enum: <const V extends readonly [string, ...string[]]>(values: V) => z.enum(values),
  /** `inner` or absent (undefined). Same as `inner.optional()`. */
  optional: <S extends z.ZodType>(inner: S) => inner.optional(),
  /** A value of one of the given types. The first variant that accepts a value carries it. */
  union: <const S extends readonly [z.ZodType, z.ZodType, ...z.ZodType[]]>(...variants: S) => z.union(variants),
  /** An ordered list. */
  list: <S extends z.ZodType>(element: S) => z.array(element),
  /** A map from string keys to values. */
  map: <S extends z.ZodType>(value: S) => z.record(z.string(), value),
  /**
   * A structured value, carried as exact JSON and typed by its JSON Schema. `title` names the
   * type in messages and in the schema. Fields must be JSON values (no datetime, bytes).
   */
  struct: <Shape extends z.ZodRawShape>(shape: Shape, options: { title?: string } = {}) => {
    const schema = z.object(shape);
    return options.title === undefined ? schema : schema.meta({ title: options.title });
  },
  /** A file reference `{ uri, format? }`; `format` ("csv", ...) narrows the accepted files. */
  file: (format = "") => tagged(z.object(blobShape), { kind: "file", format }),
  /** A directory reference `{ uri, format? }`. */
  dir: (format = "") => tagged(z.object(blobShape), { kind: "dir", format }),
  /** An upstream failure `{ failedNodeId, message }`, for failure tasks. */
  error: () => tagged(z.object({ failedNodeId: z.string(), message: z.string() }), { kind: "error" }),
};
