import type { JsonObject, JsonValue as Json } from "@bufbuild/protobuf";

/** One place where two JSON values differ; `before`/`after` are undefined where the field is absent. */
export interface JsonDifference {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function childPath(path: string, key: string): string {
  const step = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key);
  if (path === "") return step;
  return step === key ? `${path}.${key}` : `${path}[${step}]`;
}

/**
 * The leaves where `before` and `after` differ, in document order: objects are compared key by
 * key, arrays index by index, anything else as a whole.
 */
export function diffJson(before: Json | undefined, after: Json | undefined, path = ""): JsonDifference[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffJson(before[key], after[key], childPath(path, key)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, i) => diffJson(before[i], after[i], `${path}[${i}]`)).flat();
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, before, after }];
}

function show(value: unknown): string {
  return value === undefined ? "(unset)" : JSON.stringify(value);
}

/** `path: old → new` for each difference, at most `limit` of them and a count of the rest. */
export function formatDifferences(differences: readonly JsonDifference[], limit = 10): string {
  const shown = differences.slice(0, limit).map((d) => `${d.path}: ${show(d.before)} → ${show(d.after)}`);
  const rest = differences.length - shown.length;
  return rest > 0 ? `${shown.join("; ")}; and ${rest} more` : shown.join("; ");
}
