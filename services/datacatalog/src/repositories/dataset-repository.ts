import { notFound } from "@skein/server";
import type { Kysely, Transaction } from "kysely";
import { datasetKeyText, type DatacatalogDatabase, type DatasetKey, type DatasetRow, type NewDatasetRow } from "./database.js";

/** Where a dataset list page starts: after this row in (created_at desc, name, version) order. */
export interface DatasetCursor {
  readonly createdAt: Date;
  readonly name: string;
  readonly version: string;
}

/** Which datasets a list covers. */
export interface DatasetListScope {
  readonly project: string;
  readonly domain: string;
  /** When set, only versions of this name. */
  readonly name?: string;
}

/** Datasets in PostgreSQL. Every method runs inside `trx` when given, so callers compose transactions. */
export class DatasetRepository {
  constructor(private readonly db: Kysely<DatacatalogDatabase>) {}

  /** Inserts the dataset unless it exists; returns the stored row and whether this call created it. */
  async ensure(row: NewDatasetRow, trx?: Transaction<DatacatalogDatabase>): Promise<{ row: DatasetRow; created: boolean }> {
    const db = trx ?? this.db;
    const inserted = await db
      .insertInto("dataset")
      .values(row)
      .onConflict((oc) => oc.columns(["project", "domain", "name", "version"]).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted !== undefined) return { row: inserted, created: true };
    return { row: await this.get(row, trx), created: false };
  }

  async find(key: DatasetKey, trx?: Transaction<DatacatalogDatabase>): Promise<DatasetRow | undefined> {
    return (trx ?? this.db)
      .selectFrom("dataset")
      .selectAll()
      .where("project", "=", key.project)
      .where("domain", "=", key.domain)
      .where("name", "=", key.name)
      .where("version", "=", key.version)
      .executeTakeFirst();
  }

  /** The dataset; NotFound naming it when there is none. */
  async get(key: DatasetKey, trx?: Transaction<DatacatalogDatabase>): Promise<DatasetRow> {
    const row = await this.find(key, trx);
    if (row === undefined) throw notFound(`dataset "${datasetKeyText(key)}"`);
    return row;
  }

  /** Up to `fetch` datasets of the scope, newest first, after `after` when given. */
  async list(scope: DatasetListScope, fetch: number, after?: DatasetCursor): Promise<DatasetRow[]> {
    let query = this.db.selectFrom("dataset").selectAll().where("project", "=", scope.project).where("domain", "=", scope.domain);
    if (scope.name !== undefined) query = query.where("name", "=", scope.name);
    if (after !== undefined) {
      // Newest first, then name and version ascending: the row after the cursor is older, or as old
      // and later in (name, version).
      query = query.where((eb) =>
        eb.or([
          eb("created_at", "<", after.createdAt),
          eb.and([eb("created_at", "=", after.createdAt), eb(eb.refTuple("name", "version"), ">", eb.tuple(after.name, after.version))]),
        ]),
      );
    }
    return query.orderBy("created_at", "desc").orderBy("name").orderBy("version").limit(fetch).execute();
  }
}
