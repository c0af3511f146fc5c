import { createTestDatabase, sql, type TestDatabase } from "@skein/testing";
import type { Kysely } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createAdminTestDatabase } from "../test-support/admin-fixture.js";
import type { AdminDatabase } from "../repositories/database.js";
import { insertExecution } from "../test-support/event-fixtures.js";
import { migrateAdminToLatest } from "./index.js";

const opened: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.destroy()));
});

describe("admin migrations", () => {
  it("apply in order once, then find nothing left to do", async () => {
    const database = await createTestDatabase();
    opened.push(database);
    const all = [
      "2025-06-01T00-00-00-projects",
      "2025-06-15T00-00-00-tasks",
      "2025-07-01T00-00-00-workflows",
      "2025-07-01T00-01-00-launch-plans",
      "2025-07-01T00-02-00-named-entities",
      "2025-07-05T00-00-00-attributes",
      "2025-07-10T00-00-00-executions",
      "2025-07-20T00-00-00-node-task-executions",
      "2025-07-20T00-01-00-signals",
      "2025-07-30T00-00-00-schedules",
      "2025-08-01T00-00-00-task-resource-attributes",
      "2026-12-07T00-00-00-record-messages",
      "2026-12-07T00-01-00-node-parent-index",
    ];
    expect(await migrateAdminToLatest(database.db)).toEqual(all);
    expect(await migrateAdminToLatest(database.db)).toEqual([]);
    const { rows } = await sql<{ name: string }>`SELECT name FROM admin_migration ORDER BY name`.execute(database.db);
    expect(rows.map((r) => r.name)).toEqual(all);
  });

  it("enforce the project state vocabulary in the schema", async () => {
    const database = await createAdminTestDatabase();
    opened.push(database);
    const now = new Date();
    const insert = database.db.insertInto("project").values({ id: "p", name: "p", labels: "{}", state: "deleted", created_at: now, updated_at: now });
    await expect(insert.execute()).rejects.toMatchObject({ code: "23514" });
  });

  it("enforce the task version state vocabulary in the schema", async () => {
    const database = await createAdminTestDatabase();
    opened.push(database);
    const now = new Date();
    await database.db.insertInto("project").values({ id: "p", name: "p", labels: "{}", state: "active", created_at: now, updated_at: now }).execute();
    const row = { project: "p", domain: "d", name: "t", version: "v1", template: Buffer.from([]), digest: "x", created_at: now };
    await expect(database.db.insertInto("task").values({ ...row, state: "deleted" }).execute()).rejects.toMatchObject({ code: "23514" });
  });

  it("enforce the attribute kind vocabulary in the schema, task resources included", async () => {
    const database = await createAdminTestDatabase();
    opened.push(database);
    const now = new Date();
    await database.db.insertInto("project").values({ id: "p", name: "p", labels: "{}", state: "active", created_at: now, updated_at: now }).execute();
    const row = { project: "p", domain: "", workflow: "", launch_plan: "", attributes: Buffer.from([]), updated_at: now };
    await database.db.insertInto("matchable_attribute").values({ ...row, resource_type: "task_resource" }).execute();
    const unknown = database.db.insertInto("matchable_attribute").values({ ...row, resource_type: "cluster_resource" });
    await expect(unknown.execute()).rejects.toMatchObject({ code: "23514" });
  });

  it("serve a node execution's point lookup from the primary key, also in a plan made while the table was small", async () => {
    // A foreign key check (task_execution → node_execution) is planned once per connection, often
    // while an execution has few nodes, and that plan is kept as the execution grows.
    const database = await createAdminTestDatabase();
    opened.push(database);
    const now = new Date();
    await database.db.insertInto("project").values({ id: "proj", name: "proj", labels: "{}", state: "active", created_at: now, updated_at: now }).execute();
    await insertExecution(database.db as Kysely<AdminDatabase>, "e1");
    const plan = await database.db.connection().execute(async (c) => {
      await sql`SET plan_cache_mode = force_generic_plan`.execute(c);
      await sql`PREPARE lookup(text, text, text, text) AS SELECT 1 FROM node_execution WHERE project = $1 AND domain = $2 AND execution_name = $3 AND node_id = $4`.execute(c);
      await sql`
        INSERT INTO node_execution (project, domain, execution_name, node_id, parent_node_id, spec_node_id, phase, occurred_at, created_at, updated_at)
        SELECT 'proj', 'development', 'e1', 'n0/' || i, 'n0', 'n0', 'running', now(), now(), now() FROM generate_series(0, 2999) AS i
      `.execute(c);
      await sql`PREPARE children(text, text, text, text) AS SELECT node_id FROM node_execution WHERE project = $1 AND domain = $2 AND execution_name = $3 AND parent_node_id = $4 ORDER BY created_at, node_id LIMIT 10`.execute(c);
      const explain = async (query: string) => JSON.stringify((await sql<{ "QUERY PLAN": unknown }>`EXPLAIN (FORMAT JSON) EXECUTE ${sql.raw(query)}`.execute(c)).rows[0]?.["QUERY PLAN"]);
      return { lookup: await explain("lookup('proj', 'development', 'e1', 'n0/17')"), children: await explain("children('proj', 'development', 'e1', 'n0')") };
    });
    expect(plan.lookup).toContain('"Index Name":"node_execution_pkey"');
    expect(plan.children).toContain('"Index Name":"node_execution_parent"');
  });
});
