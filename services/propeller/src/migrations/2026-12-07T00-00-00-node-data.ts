import type { Kysely } from "kysely";

// Frozen: never edit a migration that has shipped; add a new one instead.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was, not the app's types
export async function up(db: Kysely<any>): Promise<void> {
  // A node's inputs and outputs, apart from its progress: written when they change, not on every
  // step (a map node's input list stays put while its items finish). Null in rows written before
  // this column, whose state text holds them itself.
  await db.schema.alterTable("propeller_node").addColumn("data", "text").execute();
}
