import type { Kysely, Transaction } from "kysely";
import type { DatacatalogDatabase, DatasetKey, ReservationRow } from "./database.js";
import { datasetColumns } from "./tag-repository.js";

/** What a reservation reserves: one tag of one dataset. */
export interface ReservationKey {
  readonly dataset: DatasetKey;
  readonly tagName: string;
}

/** Reservations in PostgreSQL. Every method runs inside `trx` when given, so callers compose transactions. */
export class ReservationRepository {
  constructor(private readonly db: Kysely<DatacatalogDatabase>) {}

  /**
   * Grants or extends the reservation for `owner` until `expiresAt` when nobody holds it, when the
   * holder's reservation lapsed at or before `now`, or when `owner` already holds it; otherwise
   * leaves it alone. One conditional upsert, so of two owners racing for it exactly one wins.
   * Returns the reservation as it stands afterwards, whoever holds it.
   */
  async acquire(key: ReservationKey, owner: string, heartbeatIntervalMs: number, now: Date, expiresAt: Date): Promise<ReservationRow> {
    // The holder may release between a refused upsert and the read; then the upsert is tried again.
    for (;;) {
      const granted = await this.db
        .insertInto("reservation")
        .values({ ...datasetColumns(key.dataset), tag_name: key.tagName, owner_id: owner, heartbeat_interval_ms: heartbeatIntervalMs, expires_at: expiresAt })
        .onConflict((oc) =>
          oc
            .columns(["project", "domain", "dataset_name", "dataset_version", "tag_name"])
            .doUpdateSet({ owner_id: owner, heartbeat_interval_ms: heartbeatIntervalMs, expires_at: expiresAt })
            .where((eb) => eb.or([eb("reservation.owner_id", "=", owner), eb("reservation.expires_at", "<=", now)])),
        )
        .returningAll()
        .executeTakeFirst();
      if (granted !== undefined) return granted;
      const held = await this.find(key);
      if (held !== undefined) return held;
    }
  }

  async find(key: ReservationKey, trx?: Transaction<DatacatalogDatabase>): Promise<ReservationRow | undefined> {
    const columns = datasetColumns(key.dataset);
    return (trx ?? this.db)
      .selectFrom("reservation")
      .selectAll()
      .where("project", "=", columns.project)
      .where("domain", "=", columns.domain)
      .where("dataset_name", "=", columns.dataset_name)
      .where("dataset_version", "=", columns.dataset_version)
      .where("tag_name", "=", key.tagName)
      .executeTakeFirst();
  }

  /** Gives the reservation up if `owner` holds it; true when it did. */
  async release(key: ReservationKey, owner: string): Promise<boolean> {
    const columns = datasetColumns(key.dataset);
    const deleted = await this.db
      .deleteFrom("reservation")
      .where("project", "=", columns.project)
      .where("domain", "=", columns.domain)
      .where("dataset_name", "=", columns.dataset_name)
      .where("dataset_version", "=", columns.dataset_version)
      .where("tag_name", "=", key.tagName)
      .where("owner_id", "=", owner)
      .executeTakeFirst();
    return deleted.numDeletedRows > 0n;
  }

  /** Removes reservations that lapsed before `cutoff`; returns how many. */
  async deleteExpired(cutoff: Date): Promise<number> {
    const deleted = await this.db.deleteFrom("reservation").where("expires_at", "<", cutoff).executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }
}
