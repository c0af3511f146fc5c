import type { Kysely } from "kysely";

// Frozen: never edit a migration that has shipped; add a new one instead.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was, not the app's types
export async function up(db: Kysely<any>): Promise<void> {
  // The last firing handled for each scheduled launch plan version; catch-up starts after it.
  await db.schema
    .createTable("schedule_cursor")
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("last_firing_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("schedule_cursor_pkey", ["project", "domain", "name", "version"])
    .execute();
  // Leases that make one replica at a time the owner of a background duty (the scheduler).
  await db.schema
    .createTable("lease")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("holder", "text", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("lease").execute();
  await db.schema.dropTable("schedule_cursor").execute();
}
