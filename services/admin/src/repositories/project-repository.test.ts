import { Code, ConnectError } from "@connectrpc/connect";
import type { TestDatabase } from "@skein/testing";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAdminTestDatabase } from "../test-support/admin-fixture.js";
import type { AdminDatabase, NewProjectRow } from "./database.js";
import { ProjectRepository, type ProjectListQuery } from "./project-repository.js";

let database: TestDatabase;
let db: Kysely<AdminDatabase>;
let repo: ProjectRepository;
beforeAll(async () => {
  database = await createAdminTestDatabase();
  db = database.db as Kysely<AdminDatabase>;
  repo = new ProjectRepository(db);
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await db.deleteFrom("project").execute();
});

function row(id: string, minute: number, extra: Partial<NewProjectRow> = {}): NewProjectRow {
  const at = new Date(Date.UTC(2025, 0, 1, 0, minute));
  return { id, name: id.toUpperCase(), labels: JSON.stringify({ team: "ml" }), state: "active", created_at: at, updated_at: at, ...extra };
}

async function listIds(query: Partial<ProjectListQuery>): Promise<string[]> {
  const rows = await repo.list({ sortKey: "created_at", descending: true, limit: 100, includeArchived: false, ...query });
  return rows.map((r) => r.id);
}

describe("ProjectRepository", () => {
  it("round-trips a row, labels and timestamps included", async () => {
    const inserted = await repo.insert(row("demo", 1, { description: "a demo" }));
    expect(inserted).toEqual({
      id: "demo",
      name: "DEMO",
      description: "a demo",
      labels: { team: "ml" },
      state: "active",
      created_at: new Date("2025-01-01T00:01:00Z"),
      updated_at: new Date("2025-01-01T00:01:00Z"),
    });
    expect(await repo.get("demo")).toEqual(inserted);
  });

  it("maps a duplicate id (SQLSTATE 23505) to AlreadyExists, keeping the database error as cause", async () => {
    await repo.insert(row("demo", 1));
    const error = await repo.insert(row("demo", 2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect(error).toMatchObject({ code: Code.AlreadyExists, rawMessage: 'project "demo" already exists', cause: { code: "23505" } });
  });

  it("reports a missing project as NotFound on get and update", async () => {
    await expect(repo.get("nope")).rejects.toMatchObject({ code: Code.NotFound, rawMessage: 'project "nope" not found' });
    await expect(repo.update("nope", { name: "x" })).rejects.toMatchObject({ code: Code.NotFound });
  });

  it("updates only the given columns", async () => {
    await repo.insert(row("demo", 1));
    const updated = await repo.update("demo", { state: "archived", updated_at: new Date("2025-02-01T00:00:00Z") });
    expect(updated).toMatchObject({ name: "DEMO", state: "archived", created_at: new Date("2025-01-01T00:01:00Z"), updated_at: new Date("2025-02-01T00:00:00Z") });
  });

  it("lists in keyset order with ties broken by id, hiding archived rows unless asked", async () => {
    await repo.insert(row("b", 1));
    await repo.insert(row("a", 1));
    await repo.insert(row("c", 2, { name: "AAA" }));
    await repo.insert(row("old", 0, { state: "archived" }));
    expect(await listIds({})).toEqual(["c", "b", "a"]);
    expect(await listIds({ includeArchived: true, descending: false })).toEqual(["old", "a", "b", "c"]);
    expect(await listIds({ after: { value: new Date("2025-01-01T00:01:00Z"), id: "b" } })).toEqual(["a"]);
    expect(await listIds({ sortKey: "name", descending: false })).toEqual(["a", "c", "b"]);
    expect(await listIds({ sortKey: "name", descending: false, after: { value: "A", id: "a" } })).toEqual(["c", "b"]);
    expect(await listIds({ sortKey: "id", descending: false, after: { value: "a", id: "a" }, limit: 1 })).toEqual(["b"]);
  });

  it("runs inside a caller's transaction, so a rollback leaves nothing behind", async () => {
    const failure = new Error("later step failed");
    await expect(
      db.transaction().execute(async (trx) => {
        await repo.insert(row("x", 1), trx);
        expect((await repo.get("x", trx)).id).toBe("x");
        throw failure;
      }),
    ).rejects.toBe(failure);
    await expect(repo.get("x")).rejects.toMatchObject({ code: Code.NotFound });
  });
});
