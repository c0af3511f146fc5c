import { sql, type Kysely } from "kysely";

// Frozen: never edit a migration that has shipped; add a new one instead.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was, not the app's types
export async function up(db: Kysely<any>): Promise<void> {
  // One row per execution assigned to a cluster: the engine's header state, ownership and lease.
  await db.schema
    .createTable("propeller_execution")
    .addColumn("cluster_id", "text", (c) => c.notNull())
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("epoch", "bigint", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status IN ('active', 'done', 'revoked')`))
    .addColumn("header", "text")
    .addColumn("terminate_cause", "text")
    .addColumn("lease_owner", "text")
    .addColumn("lease_expires_at", "timestamptz")
    .addColumn("lease_token", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("propeller_execution_pkey", ["cluster_id", "project", "domain", "name"])
    .execute();
  // Claims look for active executions whose lease is free or expired.
  await db.schema.createIndex("propeller_execution_claimable").on("propeller_execution").columns(["cluster_id", "status", "lease_expires_at"]).execute();

  // One row per started node: the engine's state of that node (attempt counts, phase, outputs).
  await db.schema
    .createTable("propeller_node")
    .addColumn("cluster_id", "text", (c) => c.notNull())
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("propeller_node_pkey", ["cluster_id", "project", "domain", "name", "path"])
    .execute();

  // Work the engine asked for and that has not answered yet: one row per running task attempt
  // (with the plugin's handle), pending cache lookup, timer, signal wait or child execution.
  await db.schema
    .createTable("propeller_work")
    .addColumn("cluster_id", "text", (c) => c.notNull())
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("decision", "text", (c) => c.notNull())
    .addColumn("plugin_state", "text")
    .addPrimaryKeyConstraint("propeller_work_pkey", ["cluster_id", "project", "domain", "name", "key"])
    .execute();

  // Events written with the state change that produced them, sent to admin in order, then deleted.
  await db.schema
    .createTable("propeller_outbox")
    .addColumn("seq", "bigserial", (c) => c.primaryKey())
    .addColumn("cluster_id", "text", (c) => c.notNull())
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("event", "bytea", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("propeller_outbox_cluster").on("propeller_outbox").columns(["cluster_id", "seq"]).execute();
}
