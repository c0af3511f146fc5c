import { sql, type RawBuilder } from "kysely";

// Node and task execution rows are written whole from events and listed with their times as sort
// keys; these are the pieces of SQL both tables use for that.

/** A binary as bytea: node-postgres binds a plain Uint8Array as text, so it goes in as a Buffer view (no copy). */
export function byteaParam(bytes: Uint8Array | null): Buffer | null {
  return bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The ON CONFLICT assignments of a whole-row upsert: every column of `row` except the key columns
 * and created_at takes the proposed value.
 */
export function replaceAllButKey(row: object | undefined, keyColumns: readonly string[]): Record<string, RawBuilder<unknown>> {
  const replaced = Object.keys(row ?? {}).filter((c) => !keyColumns.includes(c) && c !== "created_at");
  return Object.fromEntries(replaced.map((c) => [c, sql.ref(`excluded.${c}`)]));
}

/**
 * Never-null stand-ins for the nullable times, selected as sort columns `started_sort` and
 * `duration_sort`: not started sorts as the far future, not finished as -1 ms.
 */
export function timeSortColumns() {
  return [
    sql<Date>`coalesce(started_at, '9999-12-31T00:00:00Z'::timestamptz)`.as("started_sort"),
    sql<string>`coalesce(duration_ms, -1)`.as("duration_sort"),
  ] as const;
}
