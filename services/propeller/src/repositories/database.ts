import type { ColumnType, Generated } from "kysely";

/** A BIGINT as the drivers return it: pg gives strings, PGlite numbers or bigints. */
export type BigIntColumn = ColumnType<string | number | bigint, string | number | bigint, string | number | bigint>;

/** Whether propeller still drives an execution. */
export type ExecutionRowStatus = "active" | "done" | "revoked";

/** Columns naming one execution of one cluster. */
export interface ExecutionKeyColumns {
  cluster_id: string;
  project: string;
  domain: string;
  name: string;
}

export interface PropellerExecutionTable extends ExecutionKeyColumns {
  /** The router's assignment epoch this cluster holds the execution under. */
  epoch: BigIntColumn;
  status: ExecutionRowStatus;
  /** The engine's state without its nodes (see @skein/engine encodeStateDelta); null before start. */
  header: string | null;
  /** The execution's inputs and outputs (encodeStateDelta's executionData); null before start, and in rows whose header holds them. */
  data: string | null;
  /** Set once termination was requested; a replica that resumes the execution aborts it. */
  terminate_cause: string | null;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  /** Fencing token: raised by every claim; writes carry the token they were claimed with. */
  lease_token: ColumnType<string | number | bigint, string | number | bigint | undefined, string | number | bigint>;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface PropellerNodeTable extends ExecutionKeyColumns {
  path: string;
  /** The node's progress, as the engine encodes it (without inputs and outputs, in current rows). */
  state: string;
  /** The node's inputs and outputs as the engine encodes them; null in rows that predate the column. */
  data: string | null;
}

export interface PropellerWorkTable extends ExecutionKeyColumns {
  key: string;
  /** The engine decision, as JSON (protobuf fields in their canonical JSON). */
  decision: string;
  /** The plugin's handle of a started attempt, as JSON. */
  plugin_state: string | null;
}

export interface PropellerOutboxTable extends ExecutionKeyColumns {
  seq: Generated<BigIntColumn>;
  event: Uint8Array;
}

export interface PropellerDatabase {
  propeller_execution: PropellerExecutionTable;
  propeller_node: PropellerNodeTable;
  propeller_work: PropellerWorkTable;
  propeller_outbox: PropellerOutboxTable;
}
