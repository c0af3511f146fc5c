import { notFound } from "@skein/server";
import { sql, type Kysely, type Transaction } from "kysely";
import { applyFilters, type FilterCondition } from "../domain/filters.js";
import { applyKeyset, type KeysetPlan } from "../domain/list-query.js";
import type { AdminDatabase, SignalRow } from "./database.js";
import type { ExecutionKey } from "./execution-repository.js";

/** A signal's identity: its execution and the gate's signal id. */
export interface SignalKey {
  readonly project: string;
  readonly domain: string;
  readonly executionName: string;
  readonly signalId: string;
}

/** How a key reads in messages: `project/domain/execution/signal`. */
export function signalKeyText(key: SignalKey): string {
  return `${key.project}/${key.domain}/${key.executionName}/${key.signalId}`;
}

const bytes = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** Signals in PostgreSQL. Every method runs inside `trx` when given, so callers compose transactions. */
export class SignalRepository {
  constructor(private readonly db: Kysely<AdminDatabase>) {}

  /** Inserts an unset signal unless one with the key exists; returns the stored row either way. */
  async getOrCreate(key: SignalKey, type: Uint8Array, now: Date, trx?: Transaction<AdminDatabase>): Promise<SignalRow> {
    const inserted = await (trx ?? this.db)
      .insertInto("signal")
      .values({ project: key.project, domain: key.domain, execution_name: key.executionName, signal_id: key.signalId, type: bytes(type), value: null, set_by: "", created_at: now, set_at: null })
      .onConflict((oc) => oc.columns(["project", "domain", "execution_name", "signal_id"]).doNothing())
      .returningAll()
      .executeTakeFirst();
    return inserted ?? this.get(key, trx);
  }

  /** The signal with this key; NotFound naming it when there is none. */
  async get(key: SignalKey, trx?: Transaction<AdminDatabase>): Promise<SignalRow> {
    const row = await (trx ?? this.db)
      .selectFrom("signal")
      .selectAll()
      .where("project", "=", key.project)
      .where("domain", "=", key.domain)
      .where("execution_name", "=", key.executionName)
      .where("signal_id", "=", key.signalId)
      .executeTakeFirst();
    if (row === undefined) throw notFound(`signal "${signalKeyText(key)}"`);
    return row;
  }

  /** Sets the value of an unset signal; returns the row, or undefined when it was set already. */
  async setIfUnset(key: SignalKey, value: Uint8Array, setBy: string, now: Date, trx?: Transaction<AdminDatabase>): Promise<SignalRow | undefined> {
    return (trx ?? this.db)
      .updateTable("signal")
      .set({ value: bytes(value), set_by: setBy, set_at: now })
      .where("project", "=", key.project)
      .where("domain", "=", key.domain)
      .where("execution_name", "=", key.executionName)
      .where("signal_id", "=", key.signalId)
      .where("value", "is", null)
      .returningAll()
      .executeTakeFirst();
  }

  /** One page of an execution's signals. */
  async list(execution: ExecutionKey, filters: readonly FilterCondition[], plan: KeysetPlan, trx?: Transaction<AdminDatabase>): Promise<SignalRow[]> {
    const inner = (trx ?? this.db)
      .selectFrom("signal")
      .selectAll()
      .select([sql<boolean>`value IS NOT NULL`.as("is_set"), sql<Date>`coalesce(set_at, '9999-12-31T00:00:00Z'::timestamptz)`.as("set_sort")])
      .where("project", "=", execution.project)
      .where("domain", "=", execution.domain)
      .where("execution_name", "=", execution.name);
    const select = (trx ?? this.db).selectFrom(inner.as("s")).selectAll();
    return applyKeyset(applyFilters(select, filters), plan).execute();
  }
}
