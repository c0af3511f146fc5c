import type { TestDatabase } from "@skein/testing";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDatacatalogTestDatabase } from "../test-support/datacatalog-fixture.js";
import { ArtifactRepository } from "./artifact-repository.js";
import type { DatacatalogDatabase, DatasetKey } from "./database.js";
import { DatasetRepository } from "./dataset-repository.js";
import { TagRepository } from "./tag-repository.js";

let database: TestDatabase;
let db: Kysely<DatacatalogDatabase>;
let artifacts: ArtifactRepository;
let tags: TagRepository;
let datasets: DatasetRepository;
beforeAll(async () => {
  database = await createDatacatalogTestDatabase();
  db = database.db as Kysely<DatacatalogDatabase>;
  artifacts = new ArtifactRepository(db);
  tags = new TagRepository(db);
  datasets = new DatasetRepository(db);
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await db.deleteFrom("dataset").execute();
});

const t0 = Date.UTC(2025, 0, 1);
const train: DatasetKey = { project: "p", domain: "d", name: "task-train", version: "1" };
const score: DatasetKey = { project: "p", domain: "d", name: "task-score", version: "1" };

async function put(dataset: DatasetKey, id: string, minute: number): Promise<void> {
  const now = new Date(t0 + minute * 60_000);
  await datasets.ensure({ ...dataset, metadata: "{}", created_at: now });
  await artifacts.insertIfAbsent({
    id,
    project: dataset.project,
    domain: dataset.domain,
    dataset_name: dataset.name,
    dataset_version: dataset.version,
    data: new Uint8Array([1, 2, 3]),
    data_uri: null,
    size_bytes: 3,
    metadata: JSON.stringify({ k: "v" }),
    provenance: new Uint8Array([]),
    digest: "d",
    created_at: now,
    updated_at: now,
  });
}

const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

describe("ArtifactRepository", () => {
  it("round-trips binary values, metadata and sizes", async () => {
    await put(train, id(1), 0);
    const row = await artifacts.find(train, id(1));
    expect(row).toMatchObject({ id: id(1), metadata: { k: "v" }, created_at: new Date(t0) });
    // pg returns a Buffer, PGlite a Uint8Array: compare the bytes.
    expect([...(row?.data ?? [])]).toEqual([1, 2, 3]);
    expect(Number(row?.size_bytes)).toBe(3);
    expect(await artifacts.find(score, id(1))).toBeUndefined();
  });

  it("pages a selection in creation order both ways, ties broken by id", async () => {
    await put(train, id(1), 0);
    await put(train, id(2), 1);
    await put(train, id(3), 1);
    await put(score, id(4), 2);
    const scope = { scope: { project: "p", domain: "d" } };
    const asc = await artifacts.select(scope, { descending: false, fetch: 2 });
    expect(asc.map((r) => r.id)).toEqual([id(1), id(2)]);
    const rest = await artifacts.select(scope, { descending: false, fetch: 10, after: { createdAt: new Date(t0 + 60_000), id: id(2) } });
    expect(rest.map((r) => r.id)).toEqual([id(3), id(4)]);
    const desc = await artifacts.select({ ...scope, datasetName: "task-train" }, { descending: true, fetch: 10, after: { createdAt: new Date(t0 + 60_000), id: id(3) } });
    expect(desc.map((r) => r.id)).toEqual([id(2), id(1)]);
    const aged = await artifacts.select({ createdBefore: new Date(t0 + 60_000) }, { descending: false, fetch: 10 });
    expect(aged.map((r) => r.id)).toEqual([id(1)]);
  });

  it("selects by tag, and deleting an artifact removes its tags", async () => {
    await put(train, id(1), 0);
    await put(train, id(2), 1);
    const now = new Date(t0);
    expect((await tags.insertIfAbsent(train, "a", id(1), now)).artifact_id).toBe(id(1));
    // First writer wins: a second insert of the tag reports the existing one.
    expect((await tags.insertIfAbsent(train, "a", id(2), now)).artifact_id).toBe(id(1));
    await tags.insertIfAbsent(train, "b", id(2), now);
    const tagged = await artifacts.select({ datasetName: "task-train", tagNames: ["b"] }, { descending: false, fetch: 10 });
    expect(tagged.map((r) => r.id)).toEqual([id(2)]);
    expect(await artifacts.delete([id(1), id(3)])).toEqual([id(1)]);
    expect(await tags.find(train, "a")).toBeUndefined();
    expect(Object.fromEntries(await tags.namesByArtifact([id(1), id(2)]))).toEqual({ [id(2)]: ["b"] });
  });
});
