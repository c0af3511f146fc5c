import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, serverHasDatabase, sql, type TestDatabase } from "./database.js";
import { testEnvironment } from "./environment.js";
import { createTestRedis } from "./redis.js";

const env = testEnvironment();
const opened: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.destroy()));
});

describe("testEnvironment", () => {
  it("refuses to fall back under CI", () => {
    expect(() => testEnvironment({ CI: "true", SKEIN_TEST_REDIS_URL: "redis://x" })).toThrow(
      "CI must run against real servers, but SKEIN_TEST_DATABASE_URL is not set",
    );
    expect(testEnvironment({})).toEqual({ ci: false, databaseUrl: undefined, redisUrl: undefined });
  });

  it("uses the embedded database when asked to, even under CI with a server configured", () => {
    const ci = { CI: "true", SKEIN_TEST_DATABASE_URL: "postgres://x/y", SKEIN_TEST_REDIS_URL: "redis://x" };
    expect(testEnvironment(ci).databaseUrl).toBe("postgres://x/y");
    expect(testEnvironment({ ...ci, SKEIN_TEST_DATABASE: "pglite" })).toEqual({ ci: true, databaseUrl: undefined, redisUrl: "redis://x" });
    expect(() => testEnvironment({ CI: "true", SKEIN_TEST_DATABASE: "pglite" })).toThrow("but SKEIN_TEST_REDIS_URL is not set");
  });
});

describe("createTestDatabase", () => {
  it("uses the real server whenever one is configured", async () => {
    const database = await createTestDatabase();
    opened.push(database);
    expect(database.kind).toBe(env.databaseUrl ? "postgres" : "pglite");
    if (database.kind === "postgres") expect(database.url).toMatch(new RegExp(`/${database.name}$`));
    else expect(database.url).toBeUndefined();
    const { rows } = await sql<{ version: string }>`SELECT version() AS version`.execute(database.db);
    expect(rows[0]?.version).toMatch(/PostgreSQL/);
  });

  it("gives each caller an isolated database and runs prepare first", async () => {
    const prepare = async (db: TestDatabase["db"]) => {
      await db.schema.createTable("item").addColumn("id", "bigint", (c) => c.primaryKey()).execute();
    };
    const a = await createTestDatabase({ prepare });
    const b = await createTestDatabase({ prepare });
    opened.push(a, b);
    await a.db.insertInto("item").values({ id: 9007199254740993n.toString() }).execute();
    const inA = await a.db.selectFrom("item").select("id").execute();
    const inB = await b.db.selectFrom("item").select("id").execute();
    expect(inA.map((r) => String(r.id))).toEqual(["9007199254740993"]);
    expect(inB).toEqual([]);
  });

  it("drops the server database on destroy and cleans up when prepare fails", async () => {
    const database = await createTestDatabase();
    await database.destroy();
    if (database.kind === "postgres") expect(await serverHasDatabase(database.name)).toBe(false);
    await expect(createTestDatabase({ prepare: () => Promise.reject(new Error("migration broke")) })).rejects.toThrow("migration broke");
  });
});

describe("createTestRedis", () => {
  it("connects under CI and keeps keys under a prefix that destroy removes", async (context) => {
    const fixture = await createTestRedis();
    if (env.ci) expect(fixture).toBeDefined();
    if (!fixture) {
      // Laptop without Redis: callers use in-process replacements; the assertion above covers CI.
      await context.annotate("no SKEIN_TEST_REDIS_URL: Redis fixture not exercised on this machine");
      return;
    }
    await fixture.redis.set("a", "1");
    await fixture.redis.sadd("tokens", "x", "y");
    expect(await fixture.redis.get("a")).toBe("1");
    const prefix = fixture.prefix;
    await fixture.destroy();
    const { Redis } = await import("ioredis");
    const observer = new Redis(env.redisUrl!);
    try {
      expect(await observer.keys(`${prefix}*`)).toEqual([]);
    } finally {
      await observer.quit();
    }
  });
});
