import { sql, type Kysely, type Transaction } from "kysely";
import type { AdminDatabase } from "./database.js";

/**
 * Named leases in PostgreSQL: a holder keeps a lease by renewing it before it expires; anyone may
 * take an expired one. Whoever holds it is the single replica doing that duty.
 */
export class LeaseRepository {
  constructor(private readonly db: Kysely<AdminDatabase>) {}

  /**
   * Takes or renews the lease for `holder` until `expiresAt`; true when `holder` has it now. One
   * statement, so two replicas racing for an expired lease cannot both win.
   */
  async acquire(name: string, holder: string, now: Date, expiresAt: Date, trx?: Transaction<AdminDatabase>): Promise<boolean> {
    const row = await (trx ?? this.db)
      .insertInto("lease")
      .values({ name, holder, expires_at: expiresAt })
      .onConflict((oc) =>
        oc
          .column("name")
          .doUpdateSet({ holder, expires_at: expiresAt })
          .where((eb) => eb.or([eb("lease.holder", "=", holder), eb("lease.expires_at", "<=", now)])),
      )
      .returning("holder")
      .executeTakeFirst();
    return row?.holder === holder;
  }

  /** Gives the lease up if `holder` has it, so another replica can take over at once. */
  async release(name: string, holder: string, trx?: Transaction<AdminDatabase>): Promise<void> {
    await (trx ?? this.db).deleteFrom("lease").where("name", "=", name).where("holder", "=", holder).execute();
  }

  /** Who holds the lease at `now`, if anyone. */
  async holder(name: string, now: Date): Promise<string | undefined> {
    const row = await this.db.selectFrom("lease").select("holder").where("name", "=", name).where("expires_at", ">", sql<Date>`${now}`).executeTakeFirst();
    return row?.holder;
  }
}
