import { createTestDatabase, sql, type TestDatabase } from "@skein/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createRouterTestDatabase } from "../test-support/router-fixture.js";
import { migrateRouterToLatest } from "./index.js";

const opened: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.destroy()));
});

describe("router migrations", () => {
  it("apply once into their own migration table, then find nothing left to do", async () => {
    const database = await createTestDatabase();
    opened.push(database);
    expect(await migrateRouterToLatest(database.db)).toEqual(["2025-08-10T00-00-00-router"]);
    expect(await migrateRouterToLatest(database.db)).toEqual([]);
    const { rows } = await sql<{ name: string }>`SELECT name FROM router_migration ORDER BY name`.execute(database.db);
    expect(rows.map((r) => r.name)).toEqual(["2025-08-10T00-00-00-router"]);
  });

  it("enforce the state vocabularies and the active-has-an-owner rule in the schema", async () => {
    const database = await createRouterTestDatabase();
    opened.push(database);
    const now = new Date();
    const cluster = { id: "c", region: "r", labels: "{}", weight: 1, capacity: 0, endpoint: "", domains: "[]", projects: "[]", registered_at: now, updated_at: now };
    await expect(database.db.insertInto("cluster").values({ ...cluster, state: "cordoned" }).execute()).rejects.toMatchObject({ code: "23514" });
    await expect(database.db.insertInto("cluster").values({ ...cluster, state: "active", weight: 0 }).execute()).rejects.toMatchObject({ code: "23514" });
    await database.db.insertInto("cluster").values({ ...cluster, state: "active" }).execute();
    const assignment = { project: "p", domain: "d", name: "n", created_at: now, updated_at: now };
    await expect(database.db.insertInto("assignment").values({ ...assignment, state: "running" }).execute()).rejects.toMatchObject({ code: "23514" });
    await expect(database.db.insertInto("assignment").values({ ...assignment, state: "active", epoch: 0, cluster_id: "c" }).execute()).rejects.toMatchObject({ code: "23514" });
    await expect(database.db.insertInto("assignment").values({ ...assignment, state: "active", epoch: 1 }).execute()).rejects.toMatchObject({ code: "23514" });
    await expect(database.db.insertInto("assignment").values({ ...assignment, state: "active", epoch: 1, cluster_id: "elsewhere" }).execute()).rejects.toMatchObject({ code: "23503" });
    await database.db.insertInto("assignment").values({ ...assignment, state: "active", epoch: 1, cluster_id: "c" }).execute();
  });
});
