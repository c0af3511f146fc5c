import { sql, type Kysely } from "kysely";

// Frozen: never edit a migration that has shipped; add a new one instead.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was, not the app's types
export async function up(db: Kysely<any>): Promise<void> {
  // Registered data-plane clusters with their latest heartbeat.
  await db.schema
    .createTable("cluster")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("region", "text", (c) => c.notNull())
    .addColumn("labels", "jsonb", (c) => c.notNull())
    .addColumn("weight", "integer", (c) => c.notNull().check(sql`weight BETWEEN 1 AND 10000`))
    .addColumn("capacity", "integer", (c) => c.notNull().check(sql`capacity >= 0`))
    .addColumn("endpoint", "text", (c) => c.notNull())
    .addColumn("domains", "jsonb", (c) => c.notNull())
    .addColumn("projects", "jsonb", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull().check(sql`state IN ('active', 'draining')`))
    .addColumn("running_executions", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("free_capacity", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("registered_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addColumn("last_heartbeat_at", "timestamptz")
    .addColumn("change_seq", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  // One row per execution ever assigned; released rows stay so that Assign stays idempotent.
  await db.schema
    .createTable("assignment")
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull().check(sql`state IN ('pending', 'active', 'released')`))
    .addColumn("cluster_id", "text", (c) => c.references("cluster.id"))
    .addColumn("epoch", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("previous_cluster_id", "text")
    .addColumn("selection_cluster_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("selection_label", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("selection_region", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("pending_reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("assigned_at", "timestamptz")
    .addColumn("termination_cause", "text")
    .addColumn("termination_principal", "text")
    .addColumn("termination_requested_at", "timestamptz")
    .addColumn("released_at", "timestamptz")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("assignment_pkey", ["project", "domain", "name"])
    .addCheckConstraint("assignment_active_has_cluster", sql`state <> 'active' OR (cluster_id IS NOT NULL AND epoch > 0)`)
    .execute();
  // Failover and counts read a cluster's active assignments; placement reads the pending ones.
  await db.schema
    .createIndex("assignment_active_by_cluster")
    .on("assignment")
    .columns(["cluster_id", "project", "domain", "name"])
    .where(sql.ref("state"), "=", "active")
    .execute();
  await db.schema.createIndex("assignment_pending").on("assignment").column("created_at").where(sql.ref("state"), "=", "pending").execute();
  // Each cluster's change log, streamed by WatchAssignments.
  await db.schema
    .createTable("assignment_change")
    .addColumn("cluster_id", "text", (c) => c.notNull().references("cluster.id"))
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind IN ('assigned', 'revoked', 'terminate', 'released')`))
    .addColumn("payload", "bytea", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("assignment_change_pkey", ["cluster_id", "seq"])
    .execute();
  await db.schema.createIndex("assignment_change_created").on("assignment_change").column("created_at").execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("assignment_change").execute();
  await db.schema.dropTable("assignment").execute();
  await db.schema.dropTable("cluster").execute();
}
