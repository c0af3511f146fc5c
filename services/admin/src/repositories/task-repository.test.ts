import { fromBinary } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { TaskTemplateSchema } from "@skein/idl";
import type { TestDatabase } from "@skein/testing";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAdminTestDatabase } from "../test-support/admin-fixture.js";
import { taskId, taskTemplate } from "../test-support/task-fixtures.js";
import { versionOrdering } from "../domain/version-lists.js";
import type { SortValue } from "../domain/list-query.js";
import type { AdminDatabase, NewTaskRow } from "./database.js";
import { TaskRepository } from "./task-repository.js";
import { taskToNewRow } from "./transformers/task-transformer.js";

let database: TestDatabase;
let db: Kysely<AdminDatabase>;
let repo: TaskRepository;
beforeAll(async () => {
  database = await createAdminTestDatabase();
  db = database.db as Kysely<AdminDatabase>;
  repo = new TaskRepository(db);
  const at = new Date("2025-01-01T00:00:00Z");
  await db.insertInto("project").values({ id: "proj", name: "proj", labels: "{}", state: "active", created_at: at, updated_at: at }).execute();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await db.deleteFrom("task").execute();
});

function row(name: string, version: string, minute: number, extra: Partial<NewTaskRow> = {}): NewTaskRow {
  const id = taskId(name, version);
  return { ...taskToNewRow(id, taskTemplate(id), `digest-${name}-${version}`, "", new Date(Date.UTC(2025, 0, 1, 0, minute))), ...extra };
}

interface ListOptions {
  readonly domain?: string;
  readonly name?: string;
  readonly includeArchived?: boolean;
  readonly sortKey?: "name" | "version" | "created_at";
  readonly descending?: boolean;
  readonly after?: readonly SortValue[];
  readonly limit?: number;
}

async function listKeys(options: ListOptions): Promise<string[]> {
  const sort = versionOrdering.sortKeys[options.sortKey ?? "created_at"]!;
  const columns = [sort, ...versionOrdering.tieBreakers.filter((t) => t.column !== sort.column)];
  const scope = { project: "proj", domain: options.domain ?? "development", name: options.name, includeArchived: options.includeArchived ?? false, filters: [] };
  const rows = await repo.list(scope, { columns, descending: options.descending ?? true, after: options.after, fetch: options.limit ?? 100 });
  return rows.map((r) => `${r.name}@${r.version}`);
}

describe("TaskRepository", () => {
  it("round-trips a row with its template bytes", async () => {
    const inserted = await repo.insertIfAbsent(row("t", "v1", 1, { description: "about t" }));
    expect(inserted).toMatchObject({ project: "proj", domain: "development", name: "t", version: "v1", digest: "digest-t-v1", description: "about t", state: "active" });
    expect(inserted?.created_at).toEqual(new Date("2025-01-01T00:01:00Z"));
    const stored = await repo.get({ project: "proj", domain: "development", name: "t", version: "v1" });
    expect(fromBinary(TaskTemplateSchema, stored.template)).toEqual(taskTemplate(taskId("t", "v1")));
  });

  it("leaves an existing version untouched and reports the key as taken", async () => {
    await repo.insertIfAbsent(row("t", "v1", 1));
    expect(await repo.insertIfAbsent(row("t", "v1", 2, { digest: "other", description: "changed" }))).toBeUndefined();
    const stored = await repo.get({ project: "proj", domain: "development", name: "t", version: "v1" });
    expect(stored).toMatchObject({ digest: "digest-t-v1", description: "" });
    expect(await repo.insertIfAbsent(row("t", "v2", 2))).toBeDefined();
  });

  it("reports a missing version as NotFound naming it", async () => {
    await expect(repo.get({ project: "proj", domain: "staging", name: "t", version: "v9" })).rejects.toMatchObject({
      code: Code.NotFound,
      rawMessage: 'task "proj/staging/t@v9" not found',
    });
  });

  it("refuses a version of a project that does not exist (foreign key)", async () => {
    const orphan = { ...row("t", "v1", 1), project: "ghost" };
    await expect(repo.insertIfAbsent(orphan)).rejects.toMatchObject({ code: "23503" });
  });

  it("lists one project and domain in keyset order, ties broken by name and version", async () => {
    await repo.insertIfAbsent(row("b", "v1", 1));
    await repo.insertIfAbsent(row("a", "v2", 1));
    await repo.insertIfAbsent(row("a", "v1", 1));
    await repo.insertIfAbsent(row("c", "v0", 2));
    await repo.insertIfAbsent(row("old", "v1", 0, { state: "archived" }));
    await repo.insertIfAbsent({ ...row("a", "v3", 3), domain: "staging" });
    expect(await listKeys({})).toEqual(["c@v0", "b@v1", "a@v2", "a@v1"]);
    expect(await listKeys({ descending: false, includeArchived: true })).toEqual(["old@v1", "a@v1", "a@v2", "b@v1", "c@v0"]);
    expect(await listKeys({ after: [new Date("2025-01-01T00:01:00Z"), "a", "v2"] })).toEqual(["a@v1"]);
    expect(await listKeys({ name: "a" })).toEqual(["a@v2", "a@v1"]);
    expect(await listKeys({ sortKey: "name", descending: false })).toEqual(["a@v1", "a@v2", "b@v1", "c@v0"]);
    expect(await listKeys({ sortKey: "name", descending: false, after: ["a", "v2"], limit: 1 })).toEqual(["b@v1"]);
    expect(await listKeys({ sortKey: "version", descending: false })).toEqual(["c@v0", "a@v1", "b@v1", "a@v2"]);
    expect(await listKeys({ sortKey: "version", descending: false, after: ["v1", "a"] })).toEqual(["b@v1", "a@v2"]);
    expect(await listKeys({ domain: "staging" })).toEqual(["a@v3"]);
  });

  it("runs inside a caller's transaction, so a rollback leaves nothing behind", async () => {
    const failure = new Error("later step failed");
    await expect(
      db.transaction().execute(async (trx) => {
        await repo.insertIfAbsent(row("x", "v1", 1), trx);
        expect((await repo.get({ project: "proj", domain: "development", name: "x", version: "v1" }, trx)).name).toBe("x");
        throw failure;
      }),
    ).rejects.toBe(failure);
    await expect(repo.get({ project: "proj", domain: "development", name: "x", version: "v1" })).rejects.toMatchObject({ code: Code.NotFound });
  });
});
