import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Kysely } from "kysely";
import type { TestDatabase } from "@skein/testing";
import { createRouterTestDatabase } from "../test-support/router-fixture.js";
import { AssignmentChangeRepository, type NewAssignmentChange } from "./change-repository.js";
import { ClusterRepository } from "./cluster-repository.js";
import type { RouterDatabase } from "./database.js";

let database: TestDatabase;
let db: Kysely<RouterDatabase>;
let clusters: ClusterRepository;
let changes: AssignmentChangeRepository;
const now = new Date("2025-05-01T12:00:00Z");
beforeEach(async () => {
  database = await createRouterTestDatabase();
  db = database.db as Kysely<RouterDatabase>;
  clusters = new ClusterRepository(db);
  changes = new AssignmentChangeRepository(db);
  for (const id of ["a", "b"]) {
    await clusters.upsert({ id, region: "r", labels: {}, weight: 1, capacity: 0, endpoint: "", domains: [], projects: [] }, now);
  }
});
afterEach(async () => {
  await database.destroy();
});

function change(clusterId: string, name: string): NewAssignmentChange {
  return { clusterId, project: "p", domain: "d", name, kind: "assigned", payload: new Uint8Array([1, 2, 3]) };
}

describe("AssignmentChangeRepository", () => {
  it("numbers each cluster's changes from 1 without gaps, across transactions", async () => {
    await db.transaction().execute((trx) => changes.append([change("a", "x"), change("b", "y"), change("a", "z")], now, trx));
    await db.transaction().execute((trx) => changes.append([change("a", "w")], now, trx));
    const ofA = await changes.after("a", 0n, 10);
    expect(ofA.map((c) => [Number(c.seq), c.name])).toEqual([[1, "x"], [2, "z"], [3, "w"]]);
    expect(Array.from(ofA[0]?.payload ?? [])).toEqual([1, 2, 3]);
    expect((await changes.after("b", 0n, 10)).map((c) => [Number(c.seq), c.name])).toEqual([[1, "y"]]);
    expect((await changes.after("a", 2n, 10)).map((c) => c.name)).toEqual(["w"]);
    expect((await changes.after("a", 0n, 2)).map((c) => c.name)).toEqual(["x", "z"]);
    expect(BigInt((await clusters.get("a")).change_seq)).toBe(3n);
  });

  it("leaves no number used when the transaction rolls back", async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await changes.append([change("a", "lost")], now, trx);
        throw new Error("abandon");
      }),
    ).rejects.toThrow("abandon");
    await db.transaction().execute((trx) => changes.append([change("a", "kept")], now, trx));
    expect((await changes.after("a", 0n, 10)).map((c) => [Number(c.seq), c.name])).toEqual([[1, "kept"]]);
  });

  it("prunes changes older than the cutoff only", async () => {
    await db.transaction().execute((trx) => changes.append([change("a", "old")], new Date("2025-05-01T10:00:00Z"), trx));
    await db.transaction().execute((trx) => changes.append([change("a", "new")], now, trx));
    expect(await changes.prune(new Date("2025-05-01T11:00:00Z"))).toBe(1);
    expect((await changes.after("a", 0n, 10)).map((c) => c.name)).toEqual(["new"]);
  });
});

describe("ClusterRepository", () => {
  it("reports whether an upsert created the cluster, keeping drain state and heartbeat on update", async () => {
    const registration = { id: "c", region: "r", labels: { k: "v" }, weight: 2, capacity: 3, endpoint: "http://c", domains: ["d"], projects: [] };
    expect((await clusters.upsert(registration, now)).created).toBe(true);
    await clusters.setState("c", "draining", now);
    await clusters.heartbeat("c", { running: 1, free: 2 }, now);
    const later = new Date(now.getTime() + 60_000);
    const { row, created } = await clusters.upsert({ ...registration, labels: {}, weight: 9 }, later);
    expect(created).toBe(false);
    expect(row).toMatchObject({ labels: {}, weight: 9, domains: ["d"], state: "draining", running_executions: 1, free_capacity: 2, registered_at: now, updated_at: later, last_heartbeat_at: now });
  });

  it("lists unreachable clusters by heartbeat age, never the ones that never heartbeated", async () => {
    await clusters.heartbeat("a", { running: 0, free: 1 }, now);
    expect(await clusters.unreachableIds(now)).toEqual([]);
    expect(await clusters.unreachableIds(new Date(now.getTime() + 1))).toEqual(["a"]);
  });
});
