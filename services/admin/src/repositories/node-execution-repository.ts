import { notFound } from "@skein/server";
import { sql, type Kysely, type Transaction } from "kysely";
import { applyFilters, type FilterCondition } from "../domain/filters.js";
import { applyKeyset, type KeysetPlan } from "../domain/list-query.js";
import type { AdminDatabase, NodeExecutionRow } from "./database.js";
import type { ExecutionKey } from "./execution-repository.js";

/** A node execution's identity: its execution and its unique node id. */
export interface NodeExecutionKey {
  readonly project: string;
  readonly domain: string;
  readonly executionName: string;
  readonly nodeId: string;
}

/** How a key reads in messages: `project/domain/execution/node`. */
export function nodeExecutionKeyText(key: NodeExecutionKey): string {
  return `${key.project}/${key.domain}/${key.executionName}/${key.nodeId}`;
}

type Db = Kysely<AdminDatabase> | Transaction<AdminDatabase>;

// Every column, in the order of the multi-row upsert; node-postgres binds a plain Uint8Array as
// text, so binaries go in as Buffers.
function toValues(row: NodeExecutionRow): NodeExecutionRow {
  const bytes = (b: Uint8Array | null): Uint8Array | null => (b === null ? null : Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  return {
    ...row,
    inputs: bytes(row.inputs),
    outputs: bytes(row.outputs),
    error: bytes(row.error),
    task_node_info: bytes(row.task_node_info),
    workflow_node_metadata: bytes(row.workflow_node_metadata),
    dynamic_workflow: bytes(row.dynamic_workflow),
  };
}

const keyColumns = ["project", "domain", "execution_name", "node_id"] as const;

/** Node executions in PostgreSQL. Every method runs inside `trx` when given, so callers compose transactions. */
export class NodeExecutionRepository {
  constructor(private readonly db: Kysely<AdminDatabase>) {}

  /** The stored rows among `keys` (missing ones are simply absent). */
  async findMany(keys: readonly NodeExecutionKey[], trx?: Transaction<AdminDatabase>): Promise<NodeExecutionRow[]> {
    if (keys.length === 0) return [];
    return (trx ?? this.db)
      .selectFrom("node_execution")
      .selectAll()
      .where((eb) =>
        eb(
          eb.refTuple("project", "domain", "execution_name", "node_id"),
          "in",
          keys.map((k) => eb.tuple(k.project, k.domain, k.executionName, k.nodeId)),
        ),
      )
      .execute();
  }

  /** Writes each row whole, inserting new nodes and replacing stored ones, in one statement. */
  async upsertMany(rows: readonly NodeExecutionRow[], trx?: Transaction<AdminDatabase>): Promise<void> {
    if (rows.length === 0) return;
    const [first] = rows;
    const updated = Object.keys(first ?? {}).filter((c) => !(keyColumns as readonly string[]).includes(c) && c !== "created_at");
    await (trx ?? this.db)
      .insertInto("node_execution")
      .values(rows.map(toValues))
      .onConflict((oc) =>
        oc.columns([...keyColumns]).doUpdateSet(Object.fromEntries(updated.map((c) => [c, sql.ref(`excluded.${c}`)]))),
      )
      .execute();
  }

  /** The node execution with this key; NotFound naming it when there is none. */
  async get(key: NodeExecutionKey, trx?: Transaction<AdminDatabase>): Promise<NodeExecutionRow> {
    const [row] = await this.findMany([key], trx);
    if (row === undefined) throw notFound(`node execution "${nodeExecutionKeyText(key)}"`);
    return row;
  }

  /** One page of the children of `parentNodeId` ('' for the top level) of an execution. */
  async list(
    execution: ExecutionKey,
    parentNodeId: string,
    filters: readonly FilterCondition[],
    plan: KeysetPlan,
    trx?: Transaction<AdminDatabase>,
  ): Promise<NodeExecutionRow[]> {
    // Sort columns are never null: the nullable ones are ordered through non-null stand-ins
    // (not started sorts as the far future, not finished as -1 ms).
    const inner = (trx ?? this.db)
      .selectFrom("node_execution")
      .selectAll()
      .select([
        sql<Date>`coalesce(started_at, '9999-12-31T00:00:00Z'::timestamptz)`.as("started_sort"),
        sql<string>`coalesce(duration_ms, -1)`.as("duration_sort"),
      ])
      .where("project", "=", execution.project)
      .where("domain", "=", execution.domain)
      .where("execution_name", "=", execution.name)
      .where("parent_node_id", "=", parentNodeId);
    const select = (trx ?? this.db).selectFrom(inner.as("n")).selectAll();
    return applyKeyset(applyFilters(select, filters), plan).execute();
  }

  /** Every node execution of an execution, oldest first (for snapshots). */
  async listAll(execution: ExecutionKey, trx?: Db): Promise<NodeExecutionRow[]> {
    return (trx ?? this.db)
      .selectFrom("node_execution")
      .selectAll()
      .where("project", "=", execution.project)
      .where("domain", "=", execution.domain)
      .where("execution_name", "=", execution.name)
      .orderBy("created_at")
      .orderBy("node_id")
      .execute();
  }
}
