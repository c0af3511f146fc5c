import { sql, type Kysely, type SelectQueryBuilder, type Transaction } from "kysely";
import type { ArtifactRow, DatacatalogDatabase, DatasetKey, NewArtifactRow } from "./database.js";

/** Where a page of artifacts starts: after this row in the page's (created_at, id) order. */
export interface ArtifactCursor {
  readonly createdAt: Date;
  readonly id: string;
}

/** A page of artifacts in (created_at, id) order. */
export interface ArtifactPage {
  readonly descending: boolean;
  /** Rows to fetch: one more than the page size, which tells whether another page follows. */
  readonly fetch: number;
  readonly after?: ArtifactCursor;
}

/**
 * Which artifacts a find or an eviction covers: the conjunction of every field that is set. Without
 * a project, every project (the background age sweep).
 */
export interface ArtifactSelection {
  readonly scope?: { readonly project: string; readonly domain: string };
  readonly datasetName?: string;
  readonly datasetVersion?: string;
  /** Only the artifacts these tags (of the named dataset) point at. */
  readonly tagNames?: readonly string[];
  readonly createdAfter?: Date;
  readonly createdBefore?: Date;
}

/** The artifact columns every read needs. */
type ArtifactQuery = SelectQueryBuilder<DatacatalogDatabase, "artifact", ArtifactRow>;

/** Artifacts in PostgreSQL. Every method runs inside `trx` when given, so callers compose transactions. */
export class ArtifactRepository {
  constructor(private readonly db: Kysely<DatacatalogDatabase>) {}

  /** Inserts the artifact unless its id is taken; returns the new row, or undefined when it was. */
  async insertIfAbsent(row: NewArtifactRow, trx?: Transaction<DatacatalogDatabase>): Promise<ArtifactRow | undefined> {
    return (trx ?? this.db)
      .insertInto("artifact")
      .values({ ...row, data: bufferOrNull(row.data), provenance: Buffer.from(row.provenance) })
      .onConflict((oc) => oc.column("id").doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  /** The artifact with this id in this dataset, locked against concurrent change when `forUpdate`. */
  async find(dataset: DatasetKey, id: string, trx?: Transaction<DatacatalogDatabase>, forUpdate = false): Promise<ArtifactRow | undefined> {
    let query = inDataset((trx ?? this.db).selectFrom("artifact").selectAll(), dataset).where("id", "=", id);
    if (forUpdate) query = query.forUpdate();
    return query.executeTakeFirst();
  }

  /**
   * The artifact an id or a tag of the dataset names, with its tag names sorted, read in one
   * statement (this is the cache lookup's read); undefined when there is none.
   */
  async findWithTags(dataset: DatasetKey, by: { readonly id: string } | { readonly tag: string }): Promise<{ row: ArtifactRow; tags: string[] } | undefined> {
    const named =
      "id" in by
        ? sql<boolean>`artifact.id = ${by.id}::uuid`
        : sql<boolean>`artifact.id = (SELECT t.artifact_id FROM tag t WHERE t.project = ${dataset.project} AND t.domain = ${dataset.domain}
            AND t.dataset_name = ${dataset.name} AND t.dataset_version = ${dataset.version} AND t.name = ${by.tag})`;
    const found = await inDataset(this.db.selectFrom("artifact").selectAll(), dataset)
      .where(named)
      .select(sql<string[]>`coalesce((SELECT array_agg(t.name ORDER BY t.name) FROM tag t WHERE t.artifact_id = artifact.id), '{}')`.as("tag_names"))
      .executeTakeFirst();
    if (found === undefined) return undefined;
    const { tag_names: tags, ...row } = found;
    return { row, tags };
  }

  /** Replaces the values and facts of an artifact; returns it, or undefined when it is gone. */
  async overwrite(
    id: string,
    changes: Pick<NewArtifactRow, "data" | "data_uri" | "size_bytes" | "metadata" | "provenance" | "digest" | "updated_at">,
    trx?: Transaction<DatacatalogDatabase>,
  ): Promise<ArtifactRow | undefined> {
    return (trx ?? this.db)
      .updateTable("artifact")
      .set({ ...changes, data: bufferOrNull(changes.data), provenance: Buffer.from(changes.provenance) })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirst();
  }

  /** One page of the selection in (created_at, id) order, locking the rows when `forUpdate`. */
  async select(selection: ArtifactSelection, page: ArtifactPage, trx?: Transaction<DatacatalogDatabase>, forUpdate = false): Promise<ArtifactRow[]> {
    let query = selected((trx ?? this.db).selectFrom("artifact").selectAll(), selection);
    const after = page.after;
    if (after !== undefined) {
      query = query.where((eb) => eb(eb.refTuple("created_at", "id"), page.descending ? "<" : ">", eb.tuple(after.createdAt, after.id)));
    }
    const direction = page.descending ? "desc" : "asc";
    query = query.orderBy("created_at", direction).orderBy("id", direction).limit(page.fetch);
    // Two evictions running at once each take rows the other has not locked, instead of waiting.
    if (forUpdate) query = query.forUpdate().skipLocked();
    return query.execute();
  }

  /** Deletes the artifacts (their tags go with them) and returns the ids that were still there. */
  async delete(ids: readonly string[], trx?: Transaction<DatacatalogDatabase>): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await (trx ?? this.db).deleteFrom("artifact").where("id", "in", ids).returning("id").execute();
    return rows.map((r) => r.id);
  }
}

function inDataset(query: ArtifactQuery, dataset: DatasetKey): ArtifactQuery {
  return query
    .where("project", "=", dataset.project)
    .where("domain", "=", dataset.domain)
    .where("dataset_name", "=", dataset.name)
    .where("dataset_version", "=", dataset.version);
}

function selected(query: ArtifactQuery, selection: ArtifactSelection): ArtifactQuery {
  let q = query;
  if (selection.scope !== undefined) q = q.where("project", "=", selection.scope.project).where("domain", "=", selection.scope.domain);
  if (selection.datasetName !== undefined) q = q.where("dataset_name", "=", selection.datasetName);
  if (selection.datasetVersion !== undefined) q = q.where("dataset_version", "=", selection.datasetVersion);
  if (selection.createdAfter !== undefined) q = q.where("created_at", ">=", selection.createdAfter);
  if (selection.createdBefore !== undefined) q = q.where("created_at", "<", selection.createdBefore);
  const tagNames = selection.tagNames;
  if (tagNames !== undefined && tagNames.length > 0) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom("tag")
          .select("tag.name")
          .whereRef("tag.artifact_id", "=", "artifact.id")
          .where("tag.name", "in", tagNames),
      ),
    );
  }
  return q;
}

// node-postgres binds a plain Uint8Array as text rather than bytea.
function bufferOrNull(data: Uint8Array | null | undefined): Buffer | null {
  return data === null || data === undefined ? null : Buffer.from(data);
}
