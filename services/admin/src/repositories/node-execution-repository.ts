import { notFound } from "@skein/server";
import type { Kysely, Transaction } from "kysely";
import { applyFilters, type FilterCondition } from "../domain/filters.js";
import { applyKeyset, type KeysetPlan } from "../domain/list-query.js";
import type { AdminDatabase, NodeExecutionRow } from "./database.js";
import type { ExecutionKey } from "./execution-repository.js";
import { insertRows, nodeIdsByExecution, recordColumnTypes, timeSortColumns, type ColumnTypes } from "./record-columns.js";

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

// Every column as the upsert writes it.
const columnTypes: ColumnTypes<NodeExecutionRow> = {
  ...recordColumnTypes,
  parent_node_id: "text",
  retry_group: "text",
  spec_node_id: "text",
  node_name: "text",
  is_parent: "boolean",
  is_dynamic: "boolean",
  is_array: "boolean",
  cache_status: "text",
  task_node_info: "bytea",
  workflow_node_metadata: "bytea",
  dynamic_workflow: "bytea",
  dynamic_job_spec_uri: "text",
};

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
      .where((eb) => nodeIdsByExecution(eb, keys))
      .execute();
  }

  /** Writes each row whole, inserting new nodes and replacing stored ones, in one statement. */
  async upsertMany(rows: readonly NodeExecutionRow[], trx?: Transaction<AdminDatabase>): Promise<void> {
    await insertRows(trx ?? this.db, "node_execution", columnTypes, rows, keyColumns);
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
    const inner = (trx ?? this.db)
      .selectFrom("node_execution")
      .selectAll()
      .select(timeSortColumns())
      .where("project", "=", execution.project)
      .where("domain", "=", execution.domain)
      .where("execution_name", "=", execution.name)
      .where("parent_node_id", "=", parentNodeId);
    const select = (trx ?? this.db).selectFrom(inner.as("n")).selectAll();
    return applyKeyset(applyFilters(select, filters), plan).execute();
  }

  /** Every node execution of an execution, oldest first (for snapshots). */
  async listAll(execution: ExecutionKey, trx?: Db): Promise<NodeExecutionRow[]> {
    return this.#ofExecution(execution, trx).selectAll().execute();
  }

  /**
   * Every node execution's stored message, in listAll's order: what a watch snapshot sends. A null
   * message is a row written before messages were kept.
   */
  async listMessages(execution: ExecutionKey, trx?: Db): Promise<{ node_id: string; is_dynamic: boolean; message: Uint8Array | null }[]> {
    return this.#ofExecution(execution, trx).select(["node_id", "is_dynamic", "message"]).execute();
  }

  #ofExecution(execution: ExecutionKey, trx?: Db) {
    return (trx ?? this.db)
      .selectFrom("node_execution")
      .where("project", "=", execution.project)
      .where("domain", "=", execution.domain)
      .where("execution_name", "=", execution.name)
      .orderBy("created_at")
      .orderBy("node_id");
  }
}
