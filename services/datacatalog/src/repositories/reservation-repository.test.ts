import type { TestDatabase } from "@skein/testing";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDatacatalogTestDatabase } from "../test-support/datacatalog-fixture.js";
import type { DatacatalogDatabase } from "./database.js";
import { ReservationRepository, type ReservationKey } from "./reservation-repository.js";

let database: TestDatabase;
let db: Kysely<DatacatalogDatabase>;
let repo: ReservationRepository;
beforeAll(async () => {
  database = await createDatacatalogTestDatabase();
  db = database.db as Kysely<DatacatalogDatabase>;
  repo = new ReservationRepository(db);
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await db.deleteFrom("reservation").execute();
});

const key: ReservationKey = { dataset: { project: "p", domain: "d", name: "task-x", version: "1-a-b" }, tagName: "cached-1" };
const t0 = new Date("2025-01-01T00:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

describe("ReservationRepository", () => {
  it("grants exactly one of many owners racing in separate statements", async () => {
    const owners = Array.from({ length: 12 }, (_, i) => `owner-${i}`);
    const rows = await Promise.all(owners.map((o) => repo.acquire(key, o, 1000, t0, at(3000))));
    const holders = new Set(rows.map((r) => r.owner_id));
    expect(holders.size).toBe(1);
    expect(await db.selectFrom("reservation").select("owner_id").execute()).toEqual([{ owner_id: [...holders][0] }]);
  });

  it("extends for the holder, refuses others until expiry, then grants to one of the racers", async () => {
    await repo.acquire(key, "a", 1000, t0, at(3000));
    expect((await repo.acquire(key, "a", 1000, at(1000), at(4000))).expires_at).toEqual(at(4000));
    const refused = await repo.acquire(key, "b", 1000, at(3999), at(6999));
    expect(refused).toMatchObject({ owner_id: "a", expires_at: at(4000) });
    const racers = await Promise.all(["b", "c", "d"].map((o) => repo.acquire(key, o, 1000, at(4000), at(7000))));
    expect(new Set(racers.map((r) => r.owner_id)).size).toBe(1);
    expect(racers[0]?.owner_id).not.toBe("a");
  });

  it("releases only for the holder and sweeps only lapsed rows", async () => {
    await repo.acquire(key, "a", 1000, t0, at(3000));
    expect(await repo.release(key, "b")).toBe(false);
    expect(await repo.release(key, "a")).toBe(true);
    await repo.acquire(key, "a", 1000, t0, at(3000));
    await repo.acquire({ ...key, tagName: "cached-2" }, "a", 1000, t0, at(9000));
    expect(await repo.deleteExpired(at(3000))).toBe(0);
    expect(await repo.deleteExpired(at(3001))).toBe(1);
    expect((await repo.find({ ...key, tagName: "cached-2" }))?.owner_id).toBe("a");
  });
});
