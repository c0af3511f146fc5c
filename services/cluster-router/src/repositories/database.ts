import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** A BIGINT as the drivers return it: pg gives strings, PGlite numbers or bigints. */
export type BigIntColumn = ColumnType<string | number | bigint, string | number | bigint, string | number | bigint>;

/** A BIGINT with a default: optional on insert. */
export type DefaultedBigIntColumn = ColumnType<string | number | bigint, string | number | bigint | undefined, string | number | bigint>;

/** Whether a cluster accepts new work; the API's ClusterState never reaches the database. */
export type ClusterRowState = "active" | "draining";

/** One registered data-plane cluster. */
export interface ClusterTable {
  id: string;
  region: string;
  /** Label key to value; written as a JSON string, read back as an object. */
  labels: ColumnType<Record<string, string>, string, string>;
  weight: number;
  capacity: number;
  endpoint: string;
  /** Domains and projects served (JSON arrays); empty means all. */
  domains: ColumnType<string[], string, string>;
  projects: ColumnType<string[], string, string>;
  state: ClusterRowState;
  /** Load from the latest heartbeat. */
  running_executions: Generated<number>;
  free_capacity: Generated<number>;
  registered_at: ColumnType<Date, Date, never>;
  updated_at: Date;
  last_heartbeat_at: Date | null;
  /**
   * Sequence number of the cluster's latest assignment change. Writers bump it (taking the row
   * lock) in the transaction that records the change, so a cluster's changes commit in sequence order.
   */
  change_seq: DefaultedBigIntColumn;
}

/** Lifecycle of an assignment; the API's AssignmentState in the router's words. */
export type AssignmentRowState = "pending" | "active" | "released";

/** The binding of one execution to a cluster; (project, domain, name) is the primary key. */
export interface AssignmentTable {
  project: string;
  domain: string;
  name: string;
  state: AssignmentRowState;
  /** The owning cluster while active; null while pending and once released before any owner. */
  cluster_id: string | null;
  /**
   * The latest epoch handed out (0 before the first). While pending after a move it keeps the old
   * epoch so the next owner gets a higher one; the API shows 0 while pending.
   */
  epoch: DefaultedBigIntColumn;
  previous_cluster_id: string | null;
  /** The selection as requested; empty strings mean "not set". */
  selection_cluster_id: Generated<string>;
  selection_label: Generated<string>;
  selection_region: Generated<string>;
  /** Why no cluster qualifies, while pending. */
  pending_reason: Generated<string>;
  created_at: ColumnType<Date, Date, never>;
  assigned_at: Date | null;
  termination_cause: string | null;
  termination_principal: string | null;
  termination_requested_at: Date | null;
  released_at: Date | null;
  updated_at: Date;
}

/** What an assignment change tells the watching cluster. */
export type AssignmentChangeKind = "assigned" | "revoked" | "terminate" | "released";

/** The per-cluster log that WatchAssignments streams from; (cluster_id, seq) is the primary key. */
export interface AssignmentChangeTable {
  cluster_id: string;
  seq: BigIntColumn;
  project: string;
  domain: string;
  name: string;
  kind: AssignmentChangeKind;
  /** The Assignment message after the change, protobuf binary. */
  payload: ColumnType<Uint8Array, Uint8Array, never>;
  created_at: ColumnType<Date, Date, never>;
}

export interface RouterDatabase {
  cluster: ClusterTable;
  assignment: AssignmentTable;
  assignment_change: AssignmentChangeTable;
}

export type ClusterRow = Selectable<ClusterTable>;
export type NewClusterRow = Insertable<ClusterTable>;
export type AssignmentRow = Selectable<AssignmentTable>;
export type NewAssignmentRow = Insertable<AssignmentTable>;
export type AssignmentRowUpdate = Updateable<AssignmentTable>;
export type AssignmentChangeRow = Selectable<AssignmentChangeTable>;
