import type { Kysely, Transaction } from "kysely";
import type { AssignmentChangeKind, AssignmentChangeRow, RouterDatabase } from "./database.js";

type Db = Kysely<RouterDatabase> | Transaction<RouterDatabase>;

/** A change to record for the cluster that must hear of it. */
export interface NewAssignmentChange {
  readonly clusterId: string;
  readonly project: string;
  readonly domain: string;
  readonly name: string;
  readonly kind: AssignmentChangeKind;
  /** The Assignment message after the change, protobuf binary. */
  readonly payload: Uint8Array;
}

/**
 * The per-cluster change logs (table assignment_change). Appending bumps the cluster row's
 * change_seq, which takes that row's lock until commit: within one cluster, sequence order is
 * commit order, so a reader that saw seq N never misses a change below N that commits later.
 */
export class AssignmentChangeRepository {
  constructor(private readonly db: Kysely<RouterDatabase>) {}

  /** Appends the changes, numbering each cluster's in order; clusters are visited in id order. */
  async append(changes: readonly NewAssignmentChange[], now: Date, trx: Transaction<RouterDatabase>): Promise<void> {
    const byCluster = new Map<string, NewAssignmentChange[]>();
    for (const change of changes) {
      const list = byCluster.get(change.clusterId) ?? [];
      list.push(change);
      byCluster.set(change.clusterId, list);
    }
    for (const clusterId of [...byCluster.keys()].sort()) {
      const list = byCluster.get(clusterId) ?? [];
      const bumped = await trx
        .updateTable("cluster")
        .set((eb) => ({ change_seq: eb("change_seq", "+", list.length) }))
        .where("id", "=", clusterId)
        .returning("change_seq")
        .executeTakeFirstOrThrow();
      const first = BigInt(bumped.change_seq) - BigInt(list.length) + 1n;
      await trx
        .insertInto("assignment_change")
        .values(
          list.map((c, i) => ({
            cluster_id: clusterId,
            seq: (first + BigInt(i)).toString(),
            project: c.project,
            domain: c.domain,
            name: c.name,
            kind: c.kind,
            payload: Buffer.from(c.payload.buffer, c.payload.byteOffset, c.payload.byteLength),
            created_at: now,
          })),
        )
        .execute();
    }
  }

  /** Up to `limit` changes of a cluster after `afterSeq`, in sequence order. */
  async after(clusterId: string, afterSeq: bigint, limit: number, trx?: Db): Promise<AssignmentChangeRow[]> {
    return (trx ?? this.db)
      .selectFrom("assignment_change")
      .selectAll()
      .where("cluster_id", "=", clusterId)
      .where("seq", ">", afterSeq.toString())
      .orderBy("seq")
      .limit(limit)
      .execute();
  }

  /** Deletes changes recorded before `cutoff`; returns how many. */
  async prune(cutoff: Date, trx?: Db): Promise<number> {
    const result = await (trx ?? this.db).deleteFrom("assignment_change").where("created_at", "<", cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
