import { notFound } from "@skein/server";
import type { Insertable, Kysely, Selectable, Transaction, Updateable } from "kysely";
import { applyFilters, type FilterCondition } from "../domain/filters.js";
import { applyKeyset, type KeysetPlan } from "../domain/list-query.js";
import type { AdminDatabase, VersionRowState } from "./database.js";
import { versionKeyColumns, versionKeyText, type VersionKey } from "./version-key.js";

/** The tables of registered versions; each is keyed by (project, domain, name, version). */
export type VersionTableName = "task" | "workflow" | "launch_plan";

/** Which versions of a project and domain a list covers; paging and order come with the plan. */
export interface VersionListScope {
  readonly project: string;
  readonly domain: string;
  /** When set, only versions of this name. */
  readonly name?: string;
  readonly includeArchived: boolean;
  readonly filters: readonly FilterCondition[];
}

/** The binary columns of a table's new rows, which must be bound as Buffers. */
type BinaryColumn<T extends VersionTableName> = {
  [C in keyof Insertable<AdminDatabase[T]>]-?: Insertable<AdminDatabase[T]>[C] extends Uint8Array ? C : never;
}[keyof Insertable<AdminDatabase[T]>];

/**
 * The storage every registered-version table shares: insert-if-absent, lookup by key, state
 * changes and keyset lists. Every method runs inside `trx` when given, so callers compose
 * transactions.
 */
export class VersionRepository<T extends VersionTableName> {
  // Held as the union of the version tables: Kysely resolves the shared columns on the union,
  // not on an unresolved type parameter. Rows are narrowed back to the table's own row type.
  readonly #table: VersionTableName;

  /**
   * @param table the version table
   * @param noun how a version of the table reads in NotFound messages ("launch plan")
   * @param binaryColumns the bytea columns of a new row
   */
  constructor(
    protected readonly db: Kysely<AdminDatabase>,
    table: T,
    private readonly noun: string,
    private readonly binaryColumns: readonly BinaryColumn<T>[],
  ) {
    this.#table = table;
  }

  /** Inserts a version unless its key is taken; returns the new row, or undefined when it was. */
  async insertIfAbsent(row: Insertable<AdminDatabase[T]>, trx?: Transaction<AdminDatabase>): Promise<Selectable<AdminDatabase[T]> | undefined> {
    const values: Record<string, unknown> = { ...row };
    // Buffer, because node-postgres binds a plain Uint8Array as text rather than bytea.
    for (const column of this.binaryColumns) values[column as string] = Buffer.from(row[column] as Uint8Array);
    const inserted = await this.#db(trx)
      .insertInto(this.#table)
      .values(values as Insertable<AdminDatabase[VersionTableName]>)
      .onConflict((oc) => oc.columns(["project", "domain", "name", "version"]).doNothing())
      .returningAll()
      .executeTakeFirst();
    return inserted as Selectable<AdminDatabase[T]> | undefined;
  }

  /** The version with this key, or undefined. */
  async find(key: VersionKey, trx?: Transaction<AdminDatabase>): Promise<Selectable<AdminDatabase[T]> | undefined> {
    const row = await this.#db(trx)
      .selectFrom(this.#table)
      .selectAll()
      .where((eb) => eb.and(versionKeyColumns(key)))
      .executeTakeFirst();
    return row as Selectable<AdminDatabase[T]> | undefined;
  }

  /** The version with this key; NotFound naming it when there is none. */
  async get(key: VersionKey, trx?: Transaction<AdminDatabase>): Promise<Selectable<AdminDatabase[T]>> {
    const row = await this.find(key, trx);
    if (row === undefined) throw this.#notFound(key);
    return row;
  }

  /** Archives or restores a version; NotFound when there is none. */
  async setState(key: VersionKey, state: VersionRowState, trx?: Transaction<AdminDatabase>): Promise<Selectable<AdminDatabase[T]>> {
    return this.update(key, { state }, trx);
  }

  /** One page (plus one row) of the scope in the plan's keyset order. */
  async list(scope: VersionListScope, plan: KeysetPlan, trx?: Transaction<AdminDatabase>): Promise<Selectable<AdminDatabase[T]>[]> {
    let select = this.#db(trx).selectFrom(this.#table).selectAll().where("project", "=", scope.project).where("domain", "=", scope.domain);
    if (scope.name !== undefined) select = select.where("name", "=", scope.name);
    if (!scope.includeArchived) select = select.where("state", "=", "active");
    const rows = await applyKeyset(applyFilters(select, scope.filters), plan).execute();
    return rows as Selectable<AdminDatabase[T]>[];
  }

  /** Applies `changes` to one version and returns it; NotFound when there is none. */
  protected async update(key: VersionKey, changes: Updateable<AdminDatabase[T]> | { state: VersionRowState }, trx?: Transaction<AdminDatabase>): Promise<Selectable<AdminDatabase[T]>> {
    const row = await this.#db(trx)
      .updateTable(this.#table)
      .set(changes as Updateable<AdminDatabase[VersionTableName]>)
      .where((eb) => eb.and(versionKeyColumns(key)))
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) throw this.#notFound(key);
    return row as Selectable<AdminDatabase[T]>;
  }

  #db(trx: Transaction<AdminDatabase> | undefined): Kysely<AdminDatabase> {
    return trx ?? this.db;
  }

  #notFound(key: VersionKey): Error {
    return notFound(`${this.noun} "${versionKeyText(key)}"`);
  }
}
