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
    expect(await migrateAdminToLatest(database.db)).toEqual(["2025-06-01T00-00-00-projects"]);
    expect(await migrateAdminToLatest(database.db)).toEqual([]);
    const { rows } = await sql<{ name: string }>`SELECT name FROM admin_migration ORDER BY name`.execute(database.db);
    expect(rows.map((r) => r.name)).toEqual(["2025-06-01T00-00-00-projects"]);
  });

  it("enforce the project state vocabulary in the schema", async () => {
    const database = await createAdminTestDatabase();
    opened.push(database);
    const now = new Date();
    const insert = database.db.insertInto("project").values({ id: "p", name: "p", labels: "{}", state: "deleted", created_at: now, updated_at: now });
    await expect(insert.execute()).rejects.toMatchObject({ code: "23514" });
  });
});
