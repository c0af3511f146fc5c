import type { Kysely } from "kysely";

// Frozen: never edit a migration that has shipped; add a new one instead.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was, not the app's types
export async function up(db: Kysely<any>): Promise<void> {
  // One row per signal a gate node of an execution waits for; created unset by the gate, set once.
  await db.schema
    .createTable("signal")
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("execution_name", "text", (c) => c.notNull())
    .addColumn("signal_id", "text", (c) => c.notNull())
    // The LiteralType the value must have, protobuf binary.
    .addColumn("type", "bytea", (c) => c.notNull())
    // The Literal, protobuf binary; null while the gate still waits.
    .addColumn("value", "bytea")
    .addColumn("set_by", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("set_at", "timestamptz")
    .addPrimaryKeyConstraint("signal_pkey", ["project", "domain", "execution_name", "signal_id"])
    .addForeignKeyConstraint("signal_execution_fkey", ["project", "domain", "execution_name"], "execution", ["project", "domain", "name"], (fk) =>
      fk.onDelete("cascade"),
    )
    .execute();
  await db.schema.createIndex("signal_created_at").on("signal").columns(["project", "domain", "execution_name", "created_at", "signal_id"]).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("signal").execute();
}
