import { sql, type ExpressionBuilder, type Expression, type Kysely, type SqlBool, type Transaction } from "kysely";
import type { AdminDatabase } from "./database.js";

// Node and task execution rows are written whole from events and listed with their times as sort
// keys; these are the pieces of SQL both tables use for that.

/** The SQL type of every column of a table written by `insertRows`: one array parameter per column. */
export type ColumnTypes<Row> = { readonly [Column in keyof Row & string]-?: string };

/**
 * The columns node and task execution rows share, with their types: the node's key, the
 * producing cluster, phase, data and times, and the stored message.
 */
export const recordColumnTypes = {
  project: "text",
  domain: "text",
  execution_name: "text",
  node_id: "text",
  phase: "text",
  reason: "text",
  cluster: "text",
  inputs: "bytea",
  inputs_uri: "text",
  outputs: "bytea",
  outputs_uri: "text",
  error: "bytea",
  occurred_at: "timestamptz",
  started_at: "timestamptz",
  duration_ms: "int8",
  created_at: "timestamptz",
  updated_at: "timestamptz",
  message: "bytea",
} as const;

/**
 * Inserts `rows` as one statement with one array parameter per column (`INSERT ... SELECT * FROM
 * unnest($1::text[], ...)`), so its size and the work of building and planning it do not grow
 * with the number of rows, unlike a multi-row VALUES list with a parameter per value. With
 * `upsertOn`, a row whose key is stored replaces every column but the key and created_at.
 * Binaries go in as bytea, jsonb columns as JSON text.
 */
export async function insertRows<Row extends object>(
  db: Kysely<AdminDatabase> | Transaction<AdminDatabase>,
  table: keyof AdminDatabase,
  types: ColumnTypes<Row>,
  rows: readonly Row[],
  upsertOn?: readonly (keyof Row & string)[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(types) as (keyof Row & string)[];
  const arrays = columns.map((column) => sql`${rows.map((row) => (row[column] as unknown) ?? null)}::${sql.raw(types[column])}[]`);
  const names = sql.join(columns.map((c) => sql.ref(c)));
  const conflict =
    upsertOn === undefined
      ? sql``
      : sql` ON CONFLICT (${sql.join(upsertOn.map((c) => sql.ref(c)))}) DO UPDATE SET ${sql.join(
          columns.filter((c) => !upsertOn.includes(c) && c !== "created_at").map((c) => sql`${sql.ref(c)} = ${sql.ref(`excluded.${c}`)}`),
        )}`;
  await sql`INSERT INTO ${sql.table(table)} (${names}) SELECT * FROM unnest(${sql.join(arrays)})${conflict}`.execute(db);
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
