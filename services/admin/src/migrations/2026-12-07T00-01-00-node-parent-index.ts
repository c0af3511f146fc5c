import { sql, type Kysely } from "kysely";

// Frozen: never edit a migration that has shipped; add a new one instead.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was, not the app's types
export async function up(db: Kysely<any>): Promise<void> {
  // The index for listing a parent's children began with the primary key's first three columns, so
  // a plan made while the table looked empty (a foreign key check's plan lives as long as its
  // connection) could take it for a point lookup (project, domain, execution_name, node_id) and
  // scan all of an execution's node rows per lookup: 2 ms per task row written in a 5,000-node
  // execution. Led by parent_node_id, which a point lookup does not name, it cannot pass for the
  // primary key; listings name all four equality columns, so they use it as before.
  await db.schema.dropIndex("node_execution_parent").execute();
  await db.schema
    .createIndex("node_execution_parent")
    .on("node_execution")
    .columns(["parent_node_id", "project", "domain", "execution_name", "created_at", "node_id"])
    .execute();
  await sql`ANALYZE node_execution`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("node_execution_parent").execute();
  await db.schema
    .createIndex("node_execution_parent")
    .on("node_execution")
    .columns(["project", "domain", "execution_name", "parent_node_id", "created_at", "node_id"])
    .execute();
}
