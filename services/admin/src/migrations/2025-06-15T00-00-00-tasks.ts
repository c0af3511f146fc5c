import { sql, type Kysely } from "kysely";

// Frozen: never edit a migration that has shipped; add a new one instead.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was, not the app's types
export async function up(db: Kysely<any>): Promise<void> {
  // One row per registered task version; the version's identity is the whole primary key.
  await db.schema
    .createTable("task")
    .addColumn("project", "text", (c) => c.notNull().references("project.id"))
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    // The task template as protobuf binary; the compiled form is the template itself.
    .addColumn("template", "bytea", (c) => c.notNull())
    .addColumn("digest", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("state", "text", (c) => c.notNull().check(sql`state IN ('active', 'archived')`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("task_pkey", ["project", "domain", "name", "version"])
    .execute();
  // Keyset pagination within a project and domain orders by (key, name, version).
  await db.schema.createIndex("task_created_at").on("task").columns(["project", "domain", "created_at", "name", "version"]).execute();
  await db.schema.createIndex("task_version_name").on("task").columns(["project", "domain", "version", "name"]).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("task").execute();
}
