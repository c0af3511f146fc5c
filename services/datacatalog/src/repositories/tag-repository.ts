import type { Kysely, Transaction } from "kysely";
import type { DatacatalogDatabase, DatasetKey, TagRow } from "./database.js";

/** Tags in PostgreSQL. Every method runs inside `trx` when given, so callers compose transactions. */
export class TagRepository {
  constructor(private readonly db: Kysely<DatacatalogDatabase>) {}

  /**
   * Points `name` at `artifactId` unless the tag exists; returns the tag as stored afterwards, which
   * points elsewhere when another writer got there first. Concurrent writers of one tag wait on the
   * primary key, so exactly one of them inserts it.
   */
  async insertIfAbsent(dataset: DatasetKey, name: string, artifactId: string, now: Date, trx?: Transaction<DatacatalogDatabase>): Promise<TagRow> {
    const db = trx ?? this.db;
    // A conflicting tag that is evicted between the insert and the read is simply inserted again.
    for (;;) {
      const inserted = await db
        .insertInto("tag")
        .values({ ...datasetColumns(dataset), name, artifact_id: artifactId, created_at: now })
        .onConflict((oc) => oc.columns(["project", "domain", "dataset_name", "dataset_version", "name"]).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted !== undefined) return inserted;
      const existing = await this.find(dataset, name, trx);
      if (existing !== undefined) return existing;
    }
  }

  /** The tag, locked against concurrent change when `forUpdate`; undefined when there is none. */
  async find(dataset: DatasetKey, name: string, trx?: Transaction<DatacatalogDatabase>, forUpdate = false): Promise<TagRow | undefined> {
    let query = (trx ?? this.db)
      .selectFrom("tag")
      .selectAll()
      .where("project", "=", dataset.project)
      .where("domain", "=", dataset.domain)
      .where("dataset_name", "=", dataset.name)
      .where("dataset_version", "=", dataset.version)
      .where("name", "=", name);
    if (forUpdate) query = query.forUpdate();
    return query.executeTakeFirst();
  }

  /** The tag names of each artifact, sorted, keyed by artifact id. */
  async namesByArtifact(artifactIds: readonly string[], trx?: Transaction<DatacatalogDatabase>): Promise<Map<string, string[]>> {
    const names = new Map<string, string[]>();
    if (artifactIds.length === 0) return names;
    const rows = await (trx ?? this.db)
      .selectFrom("tag")
      .select(["artifact_id", "name"])
      .where("artifact_id", "in", artifactIds)
      .orderBy("name")
      .execute();
    for (const row of rows) {
      const list = names.get(row.artifact_id) ?? [];
      list.push(row.name);
      names.set(row.artifact_id, list);
    }
    return names;
  }
}

/** The dataset columns shared by the artifact, tag and reservation tables. */
export function datasetColumns(dataset: DatasetKey): { project: string; domain: string; dataset_name: string; dataset_version: string } {
  return { project: dataset.project, domain: dataset.domain, dataset_name: dataset.name, dataset_version: dataset.version };
}
