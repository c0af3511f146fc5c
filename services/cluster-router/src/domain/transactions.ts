import { sqlState } from "@skein/server";
import type { Kysely, Transaction } from "kysely";
import type { RouterDatabase } from "../repositories/database.js";

// Lock order (assignment rows first, then cluster rows in id order) rules out deadlocks among the
// router's own transactions; a retry still covers a serialization failure or a deadlock the
// database reports, which would otherwise surface to a caller whose request was valid.
const retryable = new Set(["40001", "40P01"]);
const attempts = 3;

/** Runs `work` in a transaction, retrying it from the start on a serialization failure or deadlock. */
export async function inTransaction<T>(db: Kysely<RouterDatabase>, work: (trx: Transaction<RouterDatabase>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      const state = sqlState(error);
      if (attempt >= attempts || state === undefined || !retryable.has(state)) throw error;
    }
  }
}
