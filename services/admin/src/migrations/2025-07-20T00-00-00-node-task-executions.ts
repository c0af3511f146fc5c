import { sql, type Kysely } from "kysely";

// Frozen: never edit a migration that has shipped; add a new one instead.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was, not the app's types
export async function up(db: Kysely<any>): Promise<void> {
  // One row per node of an execution, created by the node's first event and kept current by the
  // following ones. Nested nodes carry ids derived from their parents, so node_id alone is unique
  // within the execution; parent_node_id ('' for top-level nodes) builds the tree.
  await db.schema
    .createTable("node_execution")
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("execution_name", "text", (c) => c.notNull())
    .addColumn("node_id", "text", (c) => c.notNull())
    .addColumn("parent_node_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("retry_group", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("spec_node_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("node_name", "text", (c) => c.notNull().defaultTo(""))
    // Lowercase NodeExecutionPhase names without the prefix.
    .addColumn("phase", "text", (c) =>
      c.notNull().check(sql`phase IN ('queued', 'running', 'succeeded', 'failing', 'failed', 'aborted', 'skipped', 'timed_out', 'dynamic_running', 'recovered')`),
    )
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("is_parent", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("is_dynamic", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("is_array", "boolean", (c) => c.notNull().defaultTo(false))
    // The cluster that reported the last accepted event.
    .addColumn("cluster", "text", (c) => c.notNull().defaultTo(""))
    // LiteralMap binaries inline, or the blob store uri of an offloaded map (at most one of each pair).
    .addColumn("inputs", "bytea")
    .addColumn("inputs_uri", "text")
    .addColumn("outputs", "bytea")
    .addColumn("outputs_uri", "text")
    // ExecutionError binary, for failed and timed-out nodes.
    .addColumn("error", "bytea")
    // Lowercase CatalogCacheStatus name without the prefix ('unspecified' for nodes without a task).
    .addColumn("cache_status", "text", (c) => c.notNull().defaultTo("unspecified"))
    // TaskNodeInfo binary (cache details) for task nodes; WorkflowNodeMetadata binary for launch plan nodes.
    .addColumn("task_node_info", "bytea")
    .addColumn("workflow_node_metadata", "bytea")
    // DynamicWorkflowNodeMetadata binary: the graph a dynamic task generated.
    .addColumn("dynamic_workflow", "bytea")
    .addColumn("dynamic_job_spec_uri", "text", (c) => c.notNull().defaultTo(""))
    // occurred_at of the last accepted event, as the producer saw it.
    .addColumn("occurred_at", "timestamptz", (c) => c.notNull())
    .addColumn("started_at", "timestamptz")
    .addColumn("duration_ms", "bigint")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("node_execution_pkey", ["project", "domain", "execution_name", "node_id"])
    .addForeignKeyConstraint("node_execution_execution_fkey", ["project", "domain", "execution_name"], "execution", ["project", "domain", "name"], (fk) =>
      fk.onDelete("cascade"),
    )
    .execute();
  // Listing the children of one parent (or the top level), newest first by default.
  await db.schema
    .createIndex("node_execution_parent")
    .on("node_execution")
    .columns(["project", "domain", "execution_name", "parent_node_id", "created_at", "node_id"])
    .execute();

  // One row per attempt of the task a node runs; retry_attempt counts from 0.
  await db.schema
    .createTable("task_execution")
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("execution_name", "text", (c) => c.notNull())
    .addColumn("node_id", "text", (c) => c.notNull())
    .addColumn("retry_attempt", "integer", (c) => c.notNull().check(sql`retry_attempt >= 0`))
    // The task version that ran.
    .addColumn("task_project", "text", (c) => c.notNull())
    .addColumn("task_domain", "text", (c) => c.notNull())
    .addColumn("task_name", "text", (c) => c.notNull())
    .addColumn("task_version", "text", (c) => c.notNull())
    // Lowercase TaskExecutionPhase names without the prefix.
    .addColumn("phase", "text", (c) =>
      c.notNull().check(sql`phase IN ('queued', 'running', 'succeeded', 'aborted', 'failed', 'initializing', 'waiting_for_resources', 'retryable_failed')`),
    )
    .addColumn("phase_version", "integer", (c) => c.notNull().check(sql`phase_version >= 0`))
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    // [{reason, occurred_at}] oldest first, and the TaskLog list in its JSON form.
    .addColumn("reasons", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("logs", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("custom_info", "jsonb")
    .addColumn("task_type", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("plugin_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("generated_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("cluster", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("inputs", "bytea")
    .addColumn("inputs_uri", "text")
    .addColumn("outputs", "bytea")
    .addColumn("outputs_uri", "text")
    .addColumn("error", "bytea")
    .addColumn("occurred_at", "timestamptz", (c) => c.notNull())
    .addColumn("started_at", "timestamptz")
    .addColumn("duration_ms", "bigint")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("task_execution_pkey", ["project", "domain", "execution_name", "node_id", "retry_attempt"])
    .addForeignKeyConstraint(
      "task_execution_node_fkey",
      ["project", "domain", "execution_name", "node_id"],
      "node_execution",
      ["project", "domain", "execution_name", "node_id"],
      (fk) => fk.onDelete("cascade"),
    )
    .execute();

  // Every change to an execution and its node and task executions, in commit order per execution
  // (writers hold the execution's row lock from taking a sequence number until they commit), so a
  // watcher resuming after `seq` misses nothing. Node and task changes carry the new state as the
  // API message (protobuf binary); execution changes are recorded by the trigger below as a
  // snapshot of the row, so every writer of the execution table is covered.
  await db.schema
    .createTable("execution_change")
    .addColumn("seq", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("execution_name", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind IN ('execution', 'node', 'task')`))
    .addColumn("payload", "bytea")
    .addColumn("snapshot", "jsonb")
    .addForeignKeyConstraint("execution_change_execution_fkey", ["project", "domain", "execution_name"], "execution", ["project", "domain", "name"], (fk) =>
      fk.onDelete("cascade"),
    )
    .execute();
  await db.schema.createIndex("execution_change_execution").on("execution_change").columns(["project", "domain", "execution_name", "seq"]).execute();
  await sql`
    CREATE FUNCTION execution_change_record() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO execution_change (project, domain, execution_name, kind, snapshot)
      VALUES (NEW.project, NEW.domain, NEW.name, 'execution', to_jsonb(NEW));
      RETURN NULL;
    END
    $$`.execute(db);
  await sql`CREATE TRIGGER execution_change_after_insert AFTER INSERT ON execution FOR EACH ROW EXECUTE FUNCTION execution_change_record()`.execute(db);
  // Updates that change nothing are not changes.
  await sql`
    CREATE TRIGGER execution_change_after_update AFTER UPDATE ON execution
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION execution_change_record()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER execution_change_after_update ON execution`.execute(db);
  await sql`DROP TRIGGER execution_change_after_insert ON execution`.execute(db);
  await sql`DROP FUNCTION execution_change_record()`.execute(db);
  await db.schema.dropTable("execution_change").execute();
  await db.schema.dropTable("task_execution").execute();
  await db.schema.dropTable("node_execution").execute();
}
