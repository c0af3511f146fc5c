import { readdir } from "node:fs/promises";
import path from "node:path";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { stringLiteral } from "@skein/engine";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger, createMemorySink } from "@skein/server";
import type { ArtifactDeps } from "../domain/artifact-deps.js";
import { sweepCache } from "../domain/cache-sweep.js";
import { EvictionManager } from "../domain/eviction-manager.js";
import { ArtifactRepository } from "../repositories/artifact-repository.js";
import { DatasetRepository } from "../repositories/dataset-repository.js";
import { ReservationRepository } from "../repositories/reservation-repository.js";
import { TagRepository } from "../repositories/tag-repository.js";
import { createArtifactRequest, datasetId, expectFailure, failure, provenance } from "../test-support/cache-fixtures.js";
import { createInProcessDatacatalog, type InProcessDatacatalog } from "../test-support/datacatalog-fixture.js";

let dc: InProcessDatacatalog;
beforeEach(async () => {
  dc = await createInProcessDatacatalog({ inlineDataMaxBytes: 256 });
});
afterEach(() => dc.destroy());

const big = [{ name: "text", value: stringLiteral("q".repeat(1000)) }];

// One sweep round over the same database and blob store, with the given age limit.
async function sweepWith(maxAgeMs: number) {
  const logger = createLogger({ component: "test", sink: createMemorySink() });
  const deps: ArtifactDeps = {
    db: dc.db,
    datasets: new DatasetRepository(dc.db),
    artifacts: new ArtifactRepository(dc.db),
    tags: new TagRepository(dc.db),
    blobs: dc.blobs,
    inlineDataMaxBytes: 256,
    clock: dc.clock,
    logger,
  };
  return sweepCache({ eviction: new EvictionManager(deps), reservations: new ReservationRepository(dc.db), clock: dc.clock, logger, maxAgeMs, intervalMs: 1000 });
}

async function storedBlobs(): Promise<string[]> {
  return readdir(path.join(dc.blobDir, "datacatalog", "values")).catch(() => []);
}

// Three tasks' entries, one minute apart: train (two entries, the first with a blob), score, other.
async function seed(): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  const put = async (key: string, dataset: string, tag: string, execution: string, extra = {}) => {
    const created = await dc.client.createArtifact(createArtifactRequest([tag], { dataset: datasetId(dataset), provenance: provenance(execution, "n1", 2), ...extra }));
    ids[key] = created.artifact?.id ?? "";
    dc.clock.advance(60_000);
  };
  await put("train1", "task-train", "cached-1", "run-a", { data: big });
  await put("train2", "task-train", "cached-2", "run-b");
  await put("score", "task-score", "cached-1", "run-c");
  await put("other", "task-other", "cached-1", "run-d");
  return ids;
}

describe("eviction", () => {
  it("evicts one task's entries, with their tags and blobs, reporting each with its provenance", async () => {
    const ids = await seed();
    expect(await storedBlobs()).toHaveLength(1);
    const evicted = await dc.client.evictArtifacts({ project: "demo", domain: "development", datasetName: "task-train" });
    expect(evicted.hasMore).toBe(false);
    expect(evicted.evicted.map((e) => e.artifactId)).toEqual([ids.train1, ids.train2]);
    expect(evicted.evicted[0]).toMatchObject({ tags: ["cached-1"], provenance: provenance("run-a", "n1", 2), createdAt: timestampFromDate(new Date("2025-05-01T12:00:00Z")) });
    expect(Number(evicted.evicted[0]?.sizeBytes)).toBeGreaterThan(1000);
    await expectFailure(dc.client.getArtifact({ dataset: datasetId("task-train"), query: { case: "tagName", value: "cached-1" } }), Code.NotFound, /tag "cached-1"/);
    expect(await storedBlobs()).toEqual([]);
    // Other tasks keep their entries; the freed tag can be written again.
    expect((await dc.client.getArtifact({ dataset: datasetId("task-score"), query: { case: "tagName", value: "cached-1" } })).artifact?.id).toBe(ids.score);
    await dc.client.createArtifact(createArtifactRequest(["cached-1"], { dataset: datasetId("task-train") }));
  });

  it("evicts by age, a bounded batch per call, oldest first", async () => {
    const ids = await seed();
    const cutoff = timestampFromDate(new Date("2025-05-01T12:02:30Z"));
    const first = await dc.client.evictArtifacts({ project: "demo", domain: "development", createdBefore: cutoff, limit: 2 });
    expect(first.evicted.map((e) => e.artifactId)).toEqual([ids.train1, ids.train2]);
    expect(first.hasMore).toBe(true);
    const second = await dc.client.evictArtifacts({ project: "demo", domain: "development", createdBefore: cutoff, limit: 2 });
    expect(second.evicted.map((e) => e.artifactId)).toEqual([ids.score]);
    expect(second.hasMore).toBe(false);
    const left = await dc.client.findArtifacts({ project: "demo", domain: "development" });
    expect(left.artifacts.map((a) => a.id)).toEqual([ids.other]);
  });

  it("reports without removing in a dry run, and narrows by tag and dataset version", async () => {
    const ids = await seed();
    const dry = await dc.client.evictArtifacts({ project: "demo", domain: "development", datasetName: "task-train", tagNames: ["cached-2"], dryRun: true });
    expect(dry.evicted.map((e) => e.artifactId)).toEqual([ids.train2]);
    expect((await dc.client.findArtifacts({ project: "demo", domain: "development" })).artifacts).toHaveLength(4);
    const none = await dc.client.evictArtifacts({ project: "demo", domain: "development", datasetName: "task-train", datasetVersion: "9.9-other-other" });
    expect(none).toMatchObject({ evicted: [], hasMore: false });
    const otherProject = await dc.client.evictArtifacts({ project: "elsewhere", domain: "development" });
    expect(otherProject.evicted).toEqual([]);
  });

  it("deletes one entry by tag or id, NotFound when it is not there", async () => {
    const ids = await seed();
    const byTag = await dc.client.deleteArtifact({ dataset: datasetId("task-train"), query: { case: "tagName", value: "cached-1" } });
    expect(byTag.evicted).toMatchObject({ artifactId: ids.train1, tags: ["cached-1"], provenance: provenance("run-a", "n1", 2) });
    expect(await storedBlobs()).toEqual([]);
    const byId = await dc.client.deleteArtifact({ dataset: datasetId("task-score"), query: { case: "artifactId", value: ids.score ?? "" } });
    expect(byId.evicted?.artifactId).toBe(ids.score);
    await expectFailure(dc.client.deleteArtifact({ dataset: datasetId("task-score"), query: { case: "artifactId", value: ids.score ?? "" } }), Code.NotFound, /artifact "/);
    await expectFailure(dc.client.deleteArtifact({ dataset: datasetId("task-train"), query: { case: "tagName", value: "cached-1" } }), Code.NotFound, /tag "cached-1"/);
  });

  it("sweeps entries past the configured age and lapsed reservations", async () => {
    const ids = await seed();
    await dc.client.getOrExtendReservation({ reservationId: { datasetId: datasetId(), tagName: "t" }, ownerId: "o", heartbeatInterval: { seconds: 1n } });
    // Entries were made at 12:00, 12:01, 12:02 and 12:03; the reservation lapses at 12:04:03.
    dc.clock.advance(5_000);
    const swept = await sweepWith(150_000);
    expect(swept).toEqual({ artifacts: 2, reservations: 1 });
    const left = await dc.client.findArtifacts({ project: "demo", domain: "development" });
    expect(left.artifacts.map((a) => a.id)).toEqual([ids.other, ids.score]);
    expect(await sweepWith(0)).toEqual({ artifacts: 0, reservations: 0 });
  });
});

describe("finding entries", () => {
  it("pages through a project's entries newest first, by task, with provenance and without values", async () => {
    const ids = await seed();
    const seen: string[] = [];
    let token = "";
    do {
      const page = await dc.client.findArtifacts({ project: "demo", domain: "development", limit: 3, token });
      seen.push(...page.artifacts.map((a) => a.id));
      expect(page.artifacts.every((a) => a.data.length === 0 && a.provenance !== undefined)).toBe(true);
      token = page.nextToken;
    } while (token !== "");
    expect(seen).toEqual([ids.other, ids.score, ids.train2, ids.train1]);
    const train = await dc.client.findArtifacts({ project: "demo", domain: "development", datasetName: "task-train" });
    expect(train.artifacts.map((a) => [a.id, a.tags, a.provenance?.taskExecution?.nodeExecutionId?.executionId?.name])).toEqual([
      [ids.train2, ["cached-2"], "run-b"],
      [ids.train1, ["cached-1"], "run-a"],
    ]);
    const old = await dc.client.findArtifacts({ project: "demo", domain: "development", createdBefore: timestampFromDate(new Date("2025-05-01T12:01:00Z")) });
    expect(old.artifacts.map((a) => a.id)).toEqual([ids.train1]);
  });

  it("rejects a selection that names a version or tags without a dataset name, and bad tokens", async () => {
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => dc.client.findArtifacts({ project: "demo", domain: "development", datasetVersion: "v1" }), /dataset_version requires dataset_name/],
      [() => dc.client.evictArtifacts({ project: "demo", domain: "development", tagNames: ["t"] }), /tag_names requires dataset_name/],
      [() => dc.client.evictArtifacts({ project: "", domain: "development" }), /project: /],
      [() => dc.client.evictArtifacts({ project: "demo", domain: "development", limit: 1001 }), /limit: /],
      [() => dc.client.findArtifacts({ project: "demo", domain: "development", token: "bm9wZQ" }), /^token: is not a page token/],
      [() => dc.client.deleteArtifact({ dataset: datasetId() }), /query: /],
    ];
    for (const [call, message] of cases) {
      const error = await failure(call());
      expect({ code: error.code, message: error.rawMessage }).toEqual({ code: Code.InvalidArgument, message: expect.stringMatching(message) as unknown });
    }
  });
});
