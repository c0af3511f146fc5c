import { createTestDatabase, sql, type TestDatabase } from "@skein/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createDatacatalogTestDatabase } from "../test-support/datacatalog-fixture.js";
import { migrateDatacatalogToLatest } from "./index.js";

const opened: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.destroy()));
});

describe("datacatalog migrations", () => {
  it("apply once into their own migration table, then find nothing left to do", async () => {
    const database = await createTestDatabase();
    opened.push(database);
    expect(await migrateDatacatalogToLatest(database.db)).toEqual(["2025-08-10T00-00-00-cache"]);
    expect(await migrateDatacatalogToLatest(database.db)).toEqual([]);
    const { rows } = await sql<{ name: string }>`SELECT name FROM datacatalog_migration`.execute(database.db);
    expect(rows.map((r) => r.name)).toEqual(["2025-08-10T00-00-00-cache"]);
  });

  it("keep an artifact's values in exactly one place and its tags with it", async () => {
    const database = await createDatacatalogTestDatabase();
    opened.push(database);
    const db = database.db;
    const now = new Date();
    const dataset = { project: "p", domain: "d", dataset_name: "n", dataset_version: "v" };
    await db.insertInto("dataset").values({ project: "p", domain: "d", name: "n", version: "v", created_at: now }).execute();
    const artifact = { ...dataset, size_bytes: 0, provenance: Buffer.from([]), digest: "x", created_at: now, updated_at: now };
    const id = "11111111-1111-4111-8111-111111111111";
    const both = db.insertInto("artifact").values({ ...artifact, id, data: Buffer.from([]), data_uri: "file:///x" });
    await expect(both.execute()).rejects.toMatchObject({ code: "23514" });
    const neither = db.insertInto("artifact").values({ ...artifact, id, data: null, data_uri: null });
    await expect(neither.execute()).rejects.toMatchObject({ code: "23514" });
    await db.insertInto("artifact").values({ ...artifact, id, data: Buffer.from([]) }).execute();
    await db.insertInto("tag").values({ ...dataset, name: "t", artifact_id: id, created_at: now }).execute();
    await db.deleteFrom("artifact").where("id", "=", id).execute();
    expect(await db.selectFrom("tag").selectAll().execute()).toEqual([]);
  });
});
