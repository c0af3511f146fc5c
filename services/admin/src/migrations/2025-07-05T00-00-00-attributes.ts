import { sql, type Kysely } from "kysely";

// Frozen: never edit a migration that has shipped; add a new one instead.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was, not the app's types
export async function up(db: Kysely<any>): Promise<void> {
  // One row per (kind, scope). Empty scope columns are wildcards: domain '' is a project attribute,
  // workflow and launch_plan '' a project-domain one; a set workflow or launch_plan names that entity.
  await db.schema
    .createTable("matchable_attribute")
    .addColumn("resource_type", "text", (c) =>
      c.notNull().check(sql`resource_type IN ('execution_cluster_label', 'workflow_execution_config', 'plugin_override')`),
    )
    .addColumn("project", "text", (c) => c.notNull().references("project.id"))
    .addColumn("domain", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("workflow", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("launch_plan", "text", (c) => c.notNull().defaultTo(""))
    // The MatchingAttributes payload, protobuf binary.
    .addColumn("attributes", "bytea", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("matchable_attribute_pkey", ["resource_type", "project", "domain", "workflow", "launch_plan"])
    // A workflow or launch plan attribute always has its domain, and never both names.
    .addCheckConstraint("matchable_attribute_scope", sql`(workflow = '' AND launch_plan = '') OR (domain <> '' AND (workflow = '' OR launch_plan = ''))`)
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("matchable_attribute").execute();
}
