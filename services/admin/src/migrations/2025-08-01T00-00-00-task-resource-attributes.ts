import { sql, type Kysely } from "kysely";

// Frozen: never edit a migration that has shipped; add a new one instead.

// The name PostgreSQL gave the unnamed column check of the attributes migration.
const kinds = "matchable_attribute_resource_type_check";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was, not the app's types
export async function up(db: Kysely<any>): Promise<void> {
  // A fourth kind of attribute: default and maximum task resources.
  await db.schema.alterTable("matchable_attribute").dropConstraint(kinds).execute();
  await db.schema
    .alterTable("matchable_attribute")
    .addCheckConstraint(kinds, sql`resource_type IN ('execution_cluster_label', 'workflow_execution_config', 'plugin_override', 'task_resource')`)
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom("matchable_attribute").where("resource_type", "=", "task_resource").execute();
  await db.schema.alterTable("matchable_attribute").dropConstraint(kinds).execute();
  await db.schema
    .alterTable("matchable_attribute")
    .addCheckConstraint(kinds, sql`resource_type IN ('execution_cluster_label', 'workflow_execution_config', 'plugin_override')`)
    .execute();
}
