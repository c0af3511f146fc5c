import { sql, type Kysely } from "kysely";

// Frozen: never edit a migration that has shipped; add a new one instead.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was, not the app's types
export async function up(db: Kysely<any>): Promise<void> {
  // One row per registered launch plan version. The workflow it runs lives in the same project and domain.
  await db.schema
    .createTable("launch_plan")
    .addColumn("project", "text", (c) => c.notNull().references("project.id"))
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("workflow_name", "text", (c) => c.notNull())
    .addColumn("workflow_version", "text", (c) => c.notNull())
    // The registered LaunchPlanSpec, protobuf binary.
    .addColumn("spec", "bytea", (c) => c.notNull())
    // The derived LaunchPlanClosure (expected inputs and outputs), protobuf binary; its state and
    // timestamps are the columns below.
    .addColumn("closure", "bytea", (c) => c.notNull())
    .addColumn("digest", "text", (c) => c.notNull())
    .addColumn("active", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("has_schedule", "boolean", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull().check(sql`state IN ('active', 'archived')`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("launch_plan_pkey", ["project", "domain", "name", "version"])
    .addForeignKeyConstraint(
      "launch_plan_workflow_fkey",
      ["project", "domain", "workflow_name", "workflow_version"],
      "workflow",
      ["project", "domain", "name", "version"],
    )
    // An active launch plan is never archived.
    .addCheckConstraint("launch_plan_active_not_archived", sql`NOT (active AND state = 'archived')`)
    .execute();
  // At most one active version per name, whatever the interleaving of concurrent activations.
  await db.schema.createIndex("launch_plan_one_active").on("launch_plan").columns(["project", "domain", "name"]).unique().where(sql<boolean>`active`).execute();
  // The scheduler's question: which active versions have a schedule.
  await db.schema.createIndex("launch_plan_scheduled").on("launch_plan").columns(["project", "domain", "name"]).where(sql<boolean>`active AND has_schedule`).execute();
  // Keyset pagination within a project and domain orders by (key, name, version).
  await db.schema.createIndex("launch_plan_created_at").on("launch_plan").columns(["project", "domain", "created_at", "name", "version"]).execute();
  await db.schema.createIndex("launch_plan_updated_at").on("launch_plan").columns(["project", "domain", "updated_at", "name", "version"]).execute();
  await db.schema.createIndex("launch_plan_version_name").on("launch_plan").columns(["project", "domain", "version", "name"]).execute();
  await db.schema.createIndex("launch_plan_workflow").on("launch_plan").columns(["project", "domain", "workflow_name", "workflow_version"]).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("launch_plan").execute();
}
