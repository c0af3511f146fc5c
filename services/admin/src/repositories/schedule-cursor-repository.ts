import type { Kysely, Transaction } from "kysely";
import type { AdminDatabase } from "./database.js";
import { versionKeyColumns, type VersionKey } from "./version-key.js";

/** A launch plan version's identity. */
export type LaunchPlanVersionKey = VersionKey;

/** The last firing the scheduler handled, per scheduled launch plan version. */
export class ScheduleCursorRepository {
  constructor(private readonly db: Kysely<AdminDatabase>) {}

  /** The last handled firing, or undefined when the scheduler has not seen this version yet. */
  async get(key: LaunchPlanVersionKey, trx?: Transaction<AdminDatabase>): Promise<Date | undefined> {
    const row = await (trx ?? this.db)
      .selectFrom("schedule_cursor")
      .select("last_firing_at")
      .where((eb) => eb.and(versionKeyColumns(key)))
      .executeTakeFirst();
    return row?.last_firing_at;
  }

  /** Moves the cursor forward to `firing`; never backward, whoever else moved it meanwhile. */
  async advance(key: LaunchPlanVersionKey, firing: Date, trx?: Transaction<AdminDatabase>): Promise<void> {
    await (trx ?? this.db)
      .insertInto("schedule_cursor")
      .values({ ...versionKeyColumns(key), last_firing_at: firing })
      .onConflict((oc) =>
        oc
          .columns(["project", "domain", "name", "version"])
          .doUpdateSet({ last_firing_at: firing })
          .where("schedule_cursor.last_firing_at", "<", firing),
      )
      .execute();
  }
}
