import { sql, type Kysely } from "kysely";

// Frozen: never edit a migration that has shipped; add a new one instead.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was, not the app's types
export async function up(db: Kysely<any>): Promise<void> {
  // One cache namespace; for task caching, one task name under one cache version and interface.
  await db.schema
    .createTable("dataset")
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("metadata", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("dataset_pkey", ["project", "domain", "name", "version"])
    .execute();
  // ListDatasets: newest first within a project and domain, ties broken by (name, version).
  await db.schema.createIndex("dataset_created_at").on("dataset").columns(["project", "domain", "created_at", "name", "version"]).execute();

  // One stored value set. The values are inline (`data`) or in the blob store (`data_uri`), never both.
  await db.schema
    .createTable("artifact")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("dataset_name", "text", (c) => c.notNull())
    .addColumn("dataset_version", "text", (c) => c.notNull())
    .addColumn("data", "bytea")
    .addColumn("data_uri", "text")
    .addColumn("size_bytes", "int8", (c) => c.notNull())
    .addColumn("metadata", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // The Provenance message, protobuf binary: the execution, node and attempt that produced the values.
    .addColumn("provenance", "bytea", (c) => c.notNull())
    // Digest of the creating request, so that a retried create with the same id is recognised.
    .addColumn("digest", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addForeignKeyConstraint("artifact_dataset_fkey", ["project", "domain", "dataset_name", "dataset_version"], "dataset", ["project", "domain", "name", "version"], (fk) =>
      fk.onDelete("cascade"),
    )
    .addCheckConstraint("artifact_data_one_place", sql`(data IS NULL) <> (data_uri IS NULL)`)
    .execute();
  // ListArtifacts within a dataset and FindArtifacts/EvictArtifacts within a project, by age.
  await db.schema
    .createIndex("artifact_dataset_created_at")
    .on("artifact")
    .columns(["project", "domain", "dataset_name", "dataset_version", "created_at", "id"])
    .execute();
  await db.schema.createIndex("artifact_project_created_at").on("artifact").columns(["project", "domain", "created_at", "id"]).execute();
  // The age sweep across every project.
  await db.schema.createIndex("artifact_created_at").on("artifact").columns(["created_at", "id"]).execute();

  // A tag names one artifact within its dataset; first writer wins through the primary key.
  await db.schema
    .createTable("tag")
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("dataset_name", "text", (c) => c.notNull())
    .addColumn("dataset_version", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("artifact_id", "uuid", (c) => c.notNull().references("artifact.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("tag_pkey", ["project", "domain", "dataset_name", "dataset_version", "name"])
    .execute();
  await db.schema.createIndex("tag_artifact_id").on("tag").column("artifact_id").execute();

  // The right to compute one tag's artifact, held until released or `expires_at`. No foreign key: a
  // reservation may precede its dataset.
  await db.schema
    .createTable("reservation")
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("dataset_name", "text", (c) => c.notNull())
    .addColumn("dataset_version", "text", (c) => c.notNull())
    .addColumn("tag_name", "text", (c) => c.notNull())
    .addColumn("owner_id", "text", (c) => c.notNull())
    .addColumn("heartbeat_interval_ms", "int8", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("reservation_pkey", ["project", "domain", "dataset_name", "dataset_version", "tag_name"])
    .execute();
  await db.schema.createIndex("reservation_expires_at").on("reservation").column("expires_at").execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("reservation").execute();
  await db.schema.dropTable("tag").execute();
  await db.schema.dropTable("artifact").execute();
  await db.schema.dropTable("dataset").execute();
}
