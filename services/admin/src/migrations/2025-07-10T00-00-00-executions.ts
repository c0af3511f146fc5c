import { sql, type Kysely } from "kysely";

// Frozen: never edit a migration that has shipped; add a new one instead.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was, not the app's types
export async function up(db: Kysely<any>): Promise<void> {
  // One row per workflow execution. The spec and the request digest are written once at creation;
  // phase, cluster, timings, outputs and error are maintained from events afterwards.
  await db.schema
    .createTable("execution")
    .addColumn("project", "text", (c) => c.notNull().references("project.id"))
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    // What runs: a launch plan version or a single task version (same project and domain or not).
    .addColumn("target_kind", "text", (c) => c.notNull().check(sql`target_kind IN ('launch_plan', 'task')`))
    .addColumn("target_project", "text", (c) => c.notNull())
    .addColumn("target_domain", "text", (c) => c.notNull())
    .addColumn("target_name", "text", (c) => c.notNull())
    .addColumn("target_version", "text", (c) => c.notNull())
    // The workflow version that runs; null for single-task executions (the workflow is generated).
    .addColumn("workflow_name", "text")
    .addColumn("workflow_version", "text")
    // The ExecutionSpec, protobuf binary; hash of the request that created it, for idempotent retries.
    .addColumn("spec", "bytea", (c) => c.notNull())
    .addColumn("request_digest", "text", (c) => c.notNull())
    .addColumn("mode", "text", (c) => c.notNull())
    .addColumn("principal", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("labels", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("parent_name", "text")
    .addColumn("reference_name", "text")
    // LiteralMap binaries: inline when small, else the blob store uri (exactly one of each pair is set).
    .addColumn("inputs", "bytea")
    .addColumn("inputs_uri", "text")
    .addColumn("user_inputs", "bytea")
    .addColumn("user_inputs_uri", "text")
    // Lifecycle, updated from events (lowercase WorkflowExecutionPhase names without the prefix).
    .addColumn("phase", "text", (c) =>
      c.notNull().check(sql`phase IN ('undefined', 'queued', 'running', 'succeeding', 'succeeded', 'failing', 'failed', 'aborting', 'aborted', 'timed_out')`),
    )
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    // 'admitted' once handed to the data plane; 'waiting' while a QUEUE concurrency policy holds it back.
    .addColumn("admission", "text", (c) => c.notNull().check(sql`admission IN ('admitted', 'waiting')`))
    .addColumn("cluster", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("assignment_epoch", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("started_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addColumn("duration_ms", "bigint")
    .addColumn("outputs", "bytea")
    .addColumn("outputs_uri", "text")
    .addColumn("error", "bytea")
    .addColumn("abort_cause", "text")
    .addColumn("abort_principal", "text")
    .addColumn("abort_requested_at", "timestamptz")
    .addColumn("state", "text", (c) => c.notNull().check(sql`state IN ('active', 'archived')`))
    .addPrimaryKeyConstraint("execution_pkey", ["project", "domain", "name"])
    .execute();
  // Keyset pagination of a project and domain, newest first by default.
  await db.schema.createIndex("execution_created_at").on("execution").columns(["project", "domain", "created_at", "name"]).execute();
  // Concurrency counting and version-deletion checks look executions up by target and by workflow.
  await db.schema
    .createIndex("execution_target")
    .on("execution")
    .columns(["target_kind", "target_project", "target_domain", "target_name", "target_version"])
    .execute();
  await db.schema.createIndex("execution_workflow").on("execution").columns(["project", "domain", "workflow_name", "workflow_version"]).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("execution").execute();
}
