import type { TestDatabase } from "@skein/testing";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAdminTestDatabase } from "../test-support/admin-fixture.js";
import type { AdminDatabase } from "./database.js";
import { LeaseRepository } from "./lease-repository.js";
import { ScheduleCursorRepository } from "./schedule-cursor-repository.js";

let database: TestDatabase;
let db: Kysely<AdminDatabase>;
beforeAll(async () => {
  database = await createAdminTestDatabase();
  db = database.db as Kysely<AdminDatabase>;
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await db.deleteFrom("lease").execute();
  await db.deleteFrom("schedule_cursor").execute();
});

const t = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));

describe("LeaseRepository", () => {
  it("gives a free lease to the first holder and keeps others out until it expires", async () => {
    const leases = new LeaseRepository(db);
    expect(await leases.acquire("scheduler", "a", t(0), t(1))).toBe(true);
    expect(await leases.acquire("scheduler", "b", t(0), t(1))).toBe(false);
    expect(await leases.acquire("scheduler", "a", t(0), t(2))).toBe(true);
    expect(await leases.acquire("scheduler", "b", t(1), t(3))).toBe(false);
    expect(await leases.holder("scheduler", t(1))).toBe("a");
    // Once expired, the other replica takes it, and the first one no longer has it.
    expect(await leases.acquire("scheduler", "b", t(2), t(4))).toBe(true);
    expect(await leases.acquire("scheduler", "a", t(2), t(4))).toBe(false);
    expect(await leases.holder("scheduler", t(3))).toBe("b");
    expect(await leases.holder("scheduler", t(4))).toBeUndefined();
  });

  it("lets exactly one of many racing replicas win", async () => {
    const leases = new LeaseRepository(db);
    const wins = await Promise.all(Array.from({ length: 12 }, (_, i) => leases.acquire("scheduler", `r${i}`, t(0), t(1))));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it("is handed over at once when released", async () => {
    const leases = new LeaseRepository(db);
    await leases.acquire("scheduler", "a", t(0), t(5));
    await leases.release("scheduler", "b");
    expect(await leases.acquire("scheduler", "b", t(1), t(5))).toBe(false);
    await leases.release("scheduler", "a");
    expect(await leases.acquire("scheduler", "b", t(1), t(5))).toBe(true);
  });
});

describe("ScheduleCursorRepository", () => {
  const key = { project: "demo", domain: "development", name: "nightly", version: "v1" };

  it("starts empty and only moves forward", async () => {
    const cursors = new ScheduleCursorRepository(db);
    expect(await cursors.get(key)).toBeUndefined();
    await cursors.advance(key, t(10));
    await cursors.advance(key, t(5));
    expect(await cursors.get(key)).toEqual(t(10));
    await cursors.advance(key, t(20));
    expect(await cursors.get(key)).toEqual(t(20));
    expect(await cursors.get({ ...key, version: "v2" })).toBeUndefined();
  });
});
