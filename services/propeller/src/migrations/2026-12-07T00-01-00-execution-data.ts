import type { Kysely } from "kysely";

// Frozen: never edit a migration that has shipped; add a new one instead.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was, not the app's types
export async function up(db: Kysely<any>): Promise<void> {
  // The execution's inputs and outputs, apart from the header: written when they change, not on
  // every step (a map over a 10,000-item input rewrote the list with each step). Null in rows
  // written before this column, whose header holds them itself.
  await db.schema.alterTable("propeller_execution").addColumn("data", "text").execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("propeller_execution").dropColumn("data").execute();
}
