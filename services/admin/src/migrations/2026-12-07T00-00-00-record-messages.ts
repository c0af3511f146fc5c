import type { Kysely } from "kysely";

// Frozen: never edit a migration that has shipped; add a new one instead.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was, not the app's types
export async function up(db: Kysely<any>): Promise<void> {
  // Each node and task execution as its API message (protobuf binary), written with the row, so a
  // watch snapshot sends stored bytes instead of rebuilding and encoding every record. Rows
  // written before this have none; readers build the message from the columns then.
  await db.schema.alterTable("node_execution").addColumn("message", "bytea").execute();
  await db.schema.alterTable("task_execution").addColumn("message", "bytea").execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("task_execution").dropColumn("message").execute();
  await db.schema.alterTable("node_execution").dropColumn("message").execute();
}
