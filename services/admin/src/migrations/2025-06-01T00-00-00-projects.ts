import { sql, type Kysely } from "kysely";

// Frozen: never edit a migration that has shipped; add a new one instead.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was, not the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("project")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("labels", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("state", "text", (c) => c.notNull().check(sql`state IN ('active', 'archived')`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();
  // Keyset pagination orders by (key, id); these serve the default and the name orderings.
  await db.schema.createIndex("project_created_at_id").on("project").columns(["created_at", "id"]).execute();
  await db.schema.createIndex("project_name_id").on("project").columns(["name", "id"]).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("project").execute();
}
