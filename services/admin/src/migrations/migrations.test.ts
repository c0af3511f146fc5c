import { createTestDatabase, sql, type TestDatabase } from "@skein/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createAdminTestDatabase } from "../test-support/admin-fixture.js";
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
});
