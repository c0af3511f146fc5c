import { sql, type Kysely } from "kysely";

// Frozen: never edit a migration that has shipped; add a new one instead.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was, not the app's types
export async function up(db: Kysely<any>): Promise<void> {
  // One row per registered workflow version; the version's identity is the whole primary key.
  await db.schema
    .createTable("workflow")
    .addColumn("project", "text", (c) => c.notNull().references("project.id"))
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    // The compiled workflow closure (with every task, sub-workflow and launch plan it uses) as protobuf binary.
    .addColumn("closure", "bytea", (c) => c.notNull())
    .addColumn("digest", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("state", "text", (c) => c.notNull().check(sql`state IN ('active', 'archived')`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("workflow_pkey", ["project", "domain", "name", "version"])
    .execute();
  // Keyset pagination within a project and domain orders by (key, name, version).
  await db.schema.createIndex("workflow_created_at").on("workflow").columns(["project", "domain", "created_at", "name", "version"]).execute();
  await db.schema.createIndex("workflow_version_name").on("workflow").columns(["project", "domain", "version", "name"]).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("workflow").execute();
}
