import { sql, type Kysely, type Transaction } from "kysely";
import type { AdminDatabase, ChangeRowKind, ExecutionRow } from "./database.js";
import type { ExecutionKey } from "./execution-repository.js";
import { insertRows, type ColumnTypes } from "./record-columns.js";

/** A node or task change to record; execution changes are recorded by the database itself. */
export interface NewChange {
  readonly project: string;
  readonly domain: string;
  readonly executionName: string;
  readonly kind: Exclude<ChangeRowKind, "execution">;
  /** The record after the change, as its API message (protobuf binary). */
  readonly payload: Uint8Array;
}

/** One recorded change, in sequence order. */
export type Change =
  | { readonly seq: bigint; readonly kind: "execution"; readonly execution: ExecutionRow }
  | { readonly seq: bigint; readonly kind: "node" | "task"; readonly payload: Uint8Array };

type Db = Kysely<AdminDatabase> | Transaction<AdminDatabase>;

// The columns a node or task change is written with; seq and snapshot are the database's.
const changeColumnTypes: ColumnTypes<{ project: string; domain: string; execution_name: string; kind: ChangeRowKind; payload: Uint8Array }> = {
  project: "text",
  domain: "text",
  execution_name: "text",
  kind: "text",
  payload: "bytea",
};

interface ChangeQueryRow extends Record<string, unknown> {
  change_seq: string | number | bigint;
  change_kind: ChangeRowKind;
  change_payload: Uint8Array | null;
}

/**
 * The change log of executions (table execution_change). Writers of node and task changes must
 * hold the execution's row lock (SELECT ... FOR UPDATE) until they commit, so that within one
 * execution sequence order is commit order and a reader never skips a change that commits late.
 */
export class ChangeRepository {
  constructor(private readonly db: Kysely<AdminDatabase>) {}

  async insertMany(changes: readonly NewChange[], trx?: Transaction<AdminDatabase>): Promise<void> {
    const rows = changes.map((c) => ({ project: c.project, domain: c.domain, execution_name: c.executionName, kind: c.kind, payload: c.payload }));
    await insertRows(trx ?? this.db, "execution_change", changeColumnTypes, rows);
  }

  /** The sequence number of the execution's latest change; 0 when it has none. */
  async latestSeq(execution: ExecutionKey, trx?: Db): Promise<bigint> {
    const row = await (trx ?? this.db)
      .selectFrom("execution_change")
      .select((eb) => eb.fn.max("seq").as("seq"))
      .where("project", "=", execution.project)
      .where("domain", "=", execution.domain)
      .where("execution_name", "=", execution.name)
      .executeTakeFirst();
    return row?.seq == null ? 0n : BigInt(row.seq);
  }

  /**
   * Up to `limit` changes of an execution after `afterSeq`, in order. Execution changes come with the
   * row as it was right after the change (rebuilt from the trigger's snapshot).
   */
  async after(execution: ExecutionKey, afterSeq: bigint, limit: number, trx?: Db): Promise<Change[]> {
    const result = await sql<ChangeQueryRow>`
      SELECT c.seq AS change_seq, c.kind AS change_kind, c.payload AS change_payload, r.*
      FROM execution_change c
      LEFT JOIN LATERAL jsonb_populate_record(NULL::execution, c.snapshot) r ON c.kind = 'execution'
      WHERE c.project = ${execution.project} AND c.domain = ${execution.domain} AND c.execution_name = ${execution.name}
        AND c.seq > ${afterSeq.toString()}
      ORDER BY c.seq
      LIMIT ${limit}`.execute(trx ?? this.db);
    return result.rows.map((row): Change => {
      const seq = BigInt(row.change_seq);
      if (row.change_kind === "execution") {
        const execution: Record<string, unknown> = { ...row };
        delete execution.change_seq;
        delete execution.change_kind;
        delete execution.change_payload;
        return { seq, kind: "execution", execution: execution as unknown as ExecutionRow };
      }
      return { seq, kind: row.change_kind, payload: row.change_payload ?? new Uint8Array() };
    });
  }
}
