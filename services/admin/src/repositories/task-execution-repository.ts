import { notFound } from "@skein/server";
import type { Kysely, Transaction } from "kysely";
import { applyFilters, type FilterCondition } from "../domain/filters.js";
import { applyKeyset, type KeysetPlan } from "../domain/list-query.js";
import type { AdminDatabase, TaskExecutionRow } from "./database.js";
import type { ExecutionKey } from "./execution-repository.js";
import type { NodeExecutionKey } from "./node-execution-repository.js";
import { insertRows, nodeIdsByExecution, recordColumnTypes, timeSortColumns, type ColumnTypes } from "./record-columns.js";

/** A task attempt's identity: its node execution and the attempt number. */
export interface TaskExecutionKey extends NodeExecutionKey {
  readonly retryAttempt: number;
}

/** How a key reads in messages: `project/domain/execution/node#attempt`. */
export function taskExecutionKeyText(key: TaskExecutionKey): string {
  return `${key.project}/${key.domain}/${key.executionName}/${key.nodeId}#${key.retryAttempt}`;
}

type Db = Kysely<AdminDatabase> | Transaction<AdminDatabase>;

const keyColumns = ["project", "domain", "execution_name", "node_id", "retry_attempt"] as const;

// Every column as the upsert writes it.
const columnTypes: ColumnTypes<TaskExecutionRow> = {
  ...recordColumnTypes,
  retry_attempt: "int4",
  task_project: "text",
  task_domain: "text",
  task_name: "text",
  task_version: "text",
  phase_version: "int4",
  reasons: "jsonb",
  logs: "jsonb",
  custom_info: "jsonb",
  task_type: "text",
  plugin_id: "text",
  generated_name: "text",
};

// jsonb columns go in as JSON text.
function toValues(row: TaskExecutionRow): TaskExecutionRow {
  return {
    ...row,
    reasons: JSON.stringify(row.reasons ?? []),
    logs: JSON.stringify(row.logs ?? []),
    custom_info: row.custom_info === null || row.custom_info === undefined ? null : JSON.stringify(row.custom_info),
  };
}

/** Task attempts in PostgreSQL. Every method runs inside `trx` when given, so callers compose transactions. */
export class TaskExecutionRepository {
  constructor(private readonly db: Kysely<AdminDatabase>) {}

  /** The stored rows among `keys` (missing ones are simply absent). */
  async findMany(keys: readonly TaskExecutionKey[], trx?: Transaction<AdminDatabase>): Promise<TaskExecutionRow[]> {
    if (keys.length === 0) return [];
    // Every attempt of the nodes named, then only the attempts asked for.
    const wanted = new Set(keys.map(taskExecutionKeyText));
    const rows = await (trx ?? this.db)
      .selectFrom("task_execution")
      .selectAll()
      .where((eb) => nodeIdsByExecution(eb, keys))
      .execute();
    return rows.filter((r) => wanted.has(taskExecutionKeyText({ project: r.project, domain: r.domain, executionName: r.execution_name, nodeId: r.node_id, retryAttempt: r.retry_attempt })));
  }

  /** Writes each row whole, inserting new attempts and replacing stored ones, in one statement. */
  async upsertMany(rows: readonly TaskExecutionRow[], trx?: Transaction<AdminDatabase>): Promise<void> {
    await insertRows(trx ?? this.db, "task_execution", columnTypes, rows.map(toValues), keyColumns);
  }

  /** The attempt with this key; NotFound naming it when there is none. */
  async get(key: TaskExecutionKey, trx?: Transaction<AdminDatabase>): Promise<TaskExecutionRow> {
    const [row] = await this.findMany([key], trx);
    if (row === undefined) throw notFound(`task execution "${taskExecutionKeyText(key)}"`);
    return row;
  }

  /** One page of the attempts of a node execution. */
  async list(node: NodeExecutionKey, filters: readonly FilterCondition[], plan: KeysetPlan, trx?: Transaction<AdminDatabase>): Promise<TaskExecutionRow[]> {
    const inner = (trx ?? this.db)
      .selectFrom("task_execution")
      .selectAll()
      .select(timeSortColumns())
      .where("project", "=", node.project)
      .where("domain", "=", node.domain)
      .where("execution_name", "=", node.executionName)
      .where("node_id", "=", node.nodeId);
    const select = (trx ?? this.db).selectFrom(inner.as("t")).selectAll();
    return applyKeyset(applyFilters(select, filters), plan).execute();
  }

  /** Every attempt of an execution, oldest first (for snapshots). */
  async listAll(execution: ExecutionKey, trx?: Db): Promise<TaskExecutionRow[]> {
    return this.#ofExecution(execution, trx).selectAll().execute();
  }

  /** Every attempt's stored message, in listAll's order; null for rows written before messages were kept. */
  async listMessages(execution: ExecutionKey, trx?: Db): Promise<{ message: Uint8Array | null }[]> {
    return this.#ofExecution(execution, trx).select(["message"]).execute();
  }

  #ofExecution(execution: ExecutionKey, trx?: Db) {
    return (trx ?? this.db)
      .selectFrom("task_execution")
      .where("project", "=", execution.project)
      .where("domain", "=", execution.domain)
      .where("execution_name", "=", execution.name)
      .orderBy("created_at")
      .orderBy("node_id")
      .orderBy("retry_attempt");
  }
}
