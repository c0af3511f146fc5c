import { sql, type ExpressionBuilder, type Expression, type RawBuilder, type SqlBool } from "kysely";
import type { AdminDatabase } from "./database.js";

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

/**
 * A WHERE condition matching the node ids of `keys`, per execution: `project = .. AND domain = ..
 * AND execution_name = .. AND node_id IN (..)` for each execution named, OR-ed. The primary key
 * serves each as index probes. (A row-value IN list over all four columns is planned as one scan
 * of the execution's rows with the list as a filter, which costs the execution's size per call.)
 */
export function nodeIdsByExecution<T extends "node_execution" | "task_execution">(
  eb: ExpressionBuilder<AdminDatabase, T>,
  keys: readonly { readonly project: string; readonly domain: string; readonly executionName: string; readonly nodeId: string }[],
): Expression<SqlBool> {
  const groups = new Map<string, { project: string; domain: string; executionName: string; nodeIds: Set<string> }>();
  for (const k of keys) {
    const text = JSON.stringify([k.project, k.domain, k.executionName]);
    const group = groups.get(text) ?? { project: k.project, domain: k.domain, executionName: k.executionName, nodeIds: new Set<string>() };
    group.nodeIds.add(k.nodeId);
    groups.set(text, group);
  }
  // Both tables name these columns alike; the builder is typed for one of them.
  const e = eb as unknown as ExpressionBuilder<AdminDatabase, "node_execution">;
  return e.or(
    [...groups.values()].map((g) =>
      e.and([e("project", "=", g.project), e("domain", "=", g.domain), e("execution_name", "=", g.executionName), e("node_id", "in", [...g.nodeIds])]),
    ),
  );
}
