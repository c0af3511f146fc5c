import { readdir } from "node:fs/promises";
import path from "node:path";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { intLiteral, listLiteral, stringLiteral } from "@skein/engine";
import { SortOrder } from "@skein/idl/datacatalog/v1";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createArtifactRequest, datasetId, expectFailure, failure, provenance } from "../test-support/cache-fixtures.js";
import { createInProcessDatacatalog, type InProcessDatacatalog } from "../test-support/datacatalog-fixture.js";

let dc: InProcessDatacatalog;
beforeEach(async () => {
  dc = await createInProcessDatacatalog({ inlineDataMaxBytes: 256 });
});
afterEach(() => dc.destroy());

async function storedBlobs(): Promise<string[]> {
  const dir = path.join(dc.blobDir, "datacatalog", "values");
  return readdir(dir).catch(() => []);
}

describe("cache lookups", () => {
  it("misses on an unknown tag and hits, values and provenance included, once an artifact is stored", async () => {
    await expectFailure(dc.client.getArtifact({ dataset: datasetId(), query: { case: "tagName", value: "cached-a" } }), Code.NotFound, /dataset "demo\/development\/task-train\/1.0-abcdefgh-ijklmnop"/);
    const created = await dc.client.createArtifact(createArtifactRequest(["cached-a"]));
    expect(created.artifact?.tags).toEqual(["cached-a"]);
    const hit = await dc.client.getArtifact({ dataset: datasetId(), query: { case: "tagName", value: "cached-a" } });
    expect(hit.artifact?.id).toBe(created.artifact?.id);
    // Values come back ordered by name.
    expect(hit.artifact?.data.map((d) => [d.name, d.value])).toEqual([
      ["epochs", intLiteral(3)],
      ["model", stringLiteral("weights-1")],
    ]);
    expect(hit.artifact?.provenance).toEqual(provenance());
    expect(hit.artifact?.metadata).toEqual({ source: "test" });
    expect(hit.artifact?.createdAt).toEqual(timestampFromDate(dc.clock.now()));
    const byId = await dc.client.getArtifact({ dataset: datasetId(), query: { case: "artifactId", value: created.artifact?.id ?? "" } });
    expect(byId.artifact).toEqual(hit.artifact);
    // The dataset was created on the way; another dataset version misses.
    expect((await dc.client.getDataset({ id: datasetId() })).dataset?.id).toEqual(datasetId());
    await expectFailure(dc.client.getArtifact({ dataset: datasetId("task-train", "2.0-x-y"), query: { case: "tagName", value: "cached-a" } }), Code.NotFound, /tag "cached-a"/);
  });

  it("treats an entry older than max_age as a miss", async () => {
    await dc.client.createArtifact(createArtifactRequest(["cached-a"]));
    dc.clock.advance(60_000);
    const query = { dataset: datasetId(), query: { case: "tagName" as const, value: "cached-a" } };
    expect((await dc.client.getArtifact({ ...query, maxAge: { seconds: 60n } })).artifact?.tags).toEqual(["cached-a"]);
    await expectFailure(dc.client.getArtifact({ ...query, maxAge: { seconds: 59n } }), Code.NotFound, /younger than max_age \(it is 60s old\)/);
  });

  it("keeps large values in the blob store and small ones inline, counting offloaded literals in the size", async () => {
    const big = "x".repeat(1000);
    const large = await dc.client.createArtifact(createArtifactRequest(["big"], { data: [{ name: "text", value: stringLiteral(big) }] }));
    expect(await storedBlobs()).toHaveLength(1);
    const read = await dc.client.getArtifact({ dataset: datasetId(), query: { case: "tagName", value: "big" } });
    expect(read.artifact?.data[0]?.value).toEqual(stringLiteral(big));
    expect(Number(large.artifact?.sizeBytes)).toBeGreaterThan(1000);
    const offloaded = { value: { case: "offloaded" as const, value: { uri: "file:///elsewhere/out.pb", sizeBytes: 5000n } } };
    const small = await dc.client.createArtifact(createArtifactRequest(["small"], { data: [{ name: "df", value: offloaded }] }));
    expect(await storedBlobs()).toHaveLength(1);
    expect(Number(small.artifact?.sizeBytes)).toBeGreaterThan(5000);
    expect(Number(small.artifact?.sizeBytes)).toBeLessThan(5100);
  });

  it("reports values whose blob vanished as NotFound, a miss", async () => {
    await dc.client.createArtifact(createArtifactRequest(["big"], { data: [{ name: "text", value: stringLiteral("y".repeat(1000)) }] }));
    await dc.blobs.deletePrefix(`${dc.blobs.baseUri}/datacatalog`);
    await expectFailure(dc.client.getArtifact({ dataset: datasetId(), query: { case: "tagName", value: "big" } }), Code.NotFound, /^values of artifact ".*" not found$/);
  });
});

describe("first writer wins", () => {
  it("refuses a second artifact for a taken tag, writing nothing, not even its blob", async () => {
    const first = await dc.client.createArtifact(createArtifactRequest(["cached-a"]));
    const large = [{ name: "text", value: stringLiteral("z".repeat(1000)) }];
    await expectFailure(
      dc.client.createArtifact(createArtifactRequest(["cached-b", "cached-a"], { data: large, provenance: provenance("run-2") })),
      Code.AlreadyExists,
      /^tag "cached-a" of dataset "demo\/development\/task-train\/1\.0-abcdefgh-ijklmnop" \(pointing at artifact ".+"\) already exists$/,
    );
    // Neither the second artifact nor its other tag nor its values blob was kept.
    expect(await dc.db.selectFrom("artifact").select("id").execute()).toEqual([{ id: first.artifact?.id }]);
    await expectFailure(dc.client.getArtifact({ dataset: datasetId(), query: { case: "tagName", value: "cached-b" } }), Code.NotFound, /cached-b/);
    expect(await storedBlobs()).toEqual([]);
    const hit = await dc.client.getArtifact({ dataset: datasetId(), query: { case: "tagName", value: "cached-a" } });
    expect(hit.artifact?.provenance).toEqual(provenance());
  });

  it("lets exactly one of several concurrent writers of a tag win", async () => {
    const attempts = await Promise.allSettled(
      [1, 2, 3, 4].map((n) => dc.client.createArtifact(createArtifactRequest(["cached-a"], { provenance: provenance(`run-${n}`) }))),
    );
    const won = attempts.filter((a) => a.status === "fulfilled");
    expect(won).toHaveLength(1);
    for (const lost of attempts.filter((a) => a.status === "rejected")) expect(lost.reason).toMatchObject({ code: Code.AlreadyExists });
    expect(await dc.db.selectFrom("artifact").select("id").execute()).toHaveLength(1);
  });

  it("accepts a retried create with the same id and content, refusing the id with other content", async () => {
    const id = "0b7c4a8e-1f2d-4c3b-9a6e-5d4c3b2a1f0e";
    const first = await dc.client.createArtifact(createArtifactRequest(["cached-a"], { artifactId: id }));
    dc.clock.advance(1000);
    const again = await dc.client.createArtifact(createArtifactRequest(["cached-a"], { artifactId: id }));
    expect(again.artifact).toEqual(first.artifact);
    await expectFailure(dc.client.createArtifact(createArtifactRequest(["cached-a"], { artifactId: id, metadata: { other: "x" } })), Code.AlreadyExists, /^artifact "0b7c4a8e-.*" with different content already exists$/);
  });

  it("adds a tag to an existing artifact, idempotently, refusing one that points elsewhere", async () => {
    const a = await dc.client.createArtifact(createArtifactRequest(["cached-a"]));
    const b = await dc.client.createArtifact(createArtifactRequest(["cached-b"]));
    const aId = a.artifact?.id ?? "";
    await dc.client.addTag({ tag: { name: "latest", artifactId: aId, dataset: datasetId() } });
    await dc.client.addTag({ tag: { name: "latest", artifactId: aId, dataset: datasetId() } });
    await expectFailure(dc.client.addTag({ tag: { name: "latest", artifactId: b.artifact?.id ?? "", dataset: datasetId() } }), Code.AlreadyExists, /tag "latest"/);
    const hit = await dc.client.getArtifact({ dataset: datasetId(), query: { case: "tagName", value: "latest" } });
    expect(hit.artifact?.tags).toEqual(["cached-a", "latest"]);
    const unknown = "00000000-0000-4000-8000-000000000000";
    await expectFailure(dc.client.addTag({ tag: { name: "x", artifactId: unknown, dataset: datasetId() } }), Code.NotFound, /artifact "00000000-/);
  });
});

describe("overwrite", () => {
  it("replaces the values behind a tag, keeping the artifact id, and removes the replaced blob", async () => {
    const big = (c: string) => [{ name: "text", value: stringLiteral(c.repeat(1000)) }];
    const first = await dc.client.createArtifact(createArtifactRequest(["cached-a"], { data: big("a") }));
    dc.clock.advance(5000);
    const updated = await dc.client.updateArtifact({ dataset: datasetId(), query: { case: "tagName", value: "cached-a" }, data: big("b"), provenance: provenance("run-2") });
    expect(updated.artifact?.id).toBe(first.artifact?.id);
    expect(updated.artifact?.updatedAt).toEqual(timestampFromDate(dc.clock.now()));
    expect(updated.artifact?.createdAt).toEqual(first.artifact?.createdAt);
    const hit = await dc.client.getArtifact({ dataset: datasetId(), query: { case: "tagName", value: "cached-a" } });
    expect(hit.artifact?.data[0]?.value).toEqual(stringLiteral("b".repeat(1000)));
    expect(hit.artifact?.provenance).toEqual(provenance("run-2"));
    expect(hit.artifact?.metadata).toEqual({});
    expect(await storedBlobs()).toHaveLength(1);
  });

  it("creates the entry when overwriting by a tag that does not exist yet", async () => {
    const updated = await dc.client.updateArtifact({ dataset: datasetId("task-new"), query: { case: "tagName", value: "cached-n" }, data: [], provenance: provenance() });
    expect(updated.artifact?.tags).toEqual(["cached-n"]);
    const hit = await dc.client.getArtifact({ dataset: datasetId("task-new"), query: { case: "tagName", value: "cached-n" } });
    expect(hit.artifact?.id).toBe(updated.artifact?.id);
  });

  it("overwrites by id, NotFound for an id the dataset does not hold", async () => {
    const first = await dc.client.createArtifact(createArtifactRequest(["cached-a"]));
    const id = first.artifact?.id ?? "";
    const updated = await dc.client.updateArtifact({ dataset: datasetId(), query: { case: "artifactId", value: id }, data: [{ name: "model", value: stringLiteral("w2") }], provenance: provenance("run-3") });
    expect(updated.artifact?.data.map((d) => d.name)).toEqual(["model"]);
    await expectFailure(dc.client.updateArtifact({ dataset: datasetId("task-other"), query: { case: "artifactId", value: id }, provenance: provenance() }), Code.NotFound, /task-other/);
  });

  it("two concurrent overwrites of a missing tag leave exactly one artifact behind it", async () => {
    const run = (n: number) => dc.client.updateArtifact({ dataset: datasetId(), query: { case: "tagName", value: "cached-r" }, data: [{ name: "n", value: stringLiteral(String(n)) }], provenance: provenance(`run-${n}`) });
    const results = await Promise.all([run(1), run(2), run(3)]);
    expect(new Set(results.map((r) => r.artifact?.id)).size).toBe(1);
    expect(await dc.db.selectFrom("artifact").select("id").execute()).toHaveLength(1);
  });
});

describe("lists", () => {
  it("pages through a dataset's artifacts in either order, with time bounds, without values", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await dc.client.createArtifact(createArtifactRequest([`t${i}`]))).artifact?.id ?? "");
      dc.clock.advance(1000);
    }
    const seen: string[] = [];
    let token = "";
    do {
      const page = await dc.client.listArtifacts({ dataset: datasetId(), limit: 2, token });
      expect(page.artifacts.every((a) => a.data.length === 0)).toBe(true);
      seen.push(...page.artifacts.map((a) => a.id));
      token = page.nextToken;
    } while (token !== "");
    expect(seen).toEqual([...ids].reverse());
    const oldest = await dc.client.listArtifacts({ dataset: datasetId(), order: SortOrder.OLDEST_FIRST, limit: 2 });
    expect(oldest.artifacts.map((a) => a.id)).toEqual(ids.slice(0, 2));
    expect(oldest.artifacts[1]?.tags).toEqual(["t1"]);
    const start = new Date("2025-05-01T12:00:01Z");
    const bounded = await dc.client.listArtifacts({ dataset: datasetId(), createdAfter: timestampFromDate(start), createdBefore: timestampFromDate(new Date(start.getTime() + 2000)) });
    expect(bounded.artifacts.map((a) => a.id)).toEqual([ids[2], ids[1]]);
    await expectFailure(dc.client.listArtifacts({ dataset: datasetId(), order: SortOrder.NEWEST_FIRST, token: oldest.nextToken }), Code.InvalidArgument, /^token: was issued by another list or ordering/);
  });

  it("says NotFound for the artifacts of a dataset that does not exist", async () => {
    await expectFailure(dc.client.listArtifacts({ dataset: datasetId("task-none") }), Code.NotFound, /dataset "demo\/development\/task-none\//);
  });
});

describe("bad input", () => {
  it("names the field at fault", async () => {
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => dc.client.createArtifact(createArtifactRequest(["t"], { dataset: { ...datasetId(), project: "Bad Project" } })), /dataset\.project: /],
      [() => dc.client.createArtifact(createArtifactRequest(["t"], { provenance: undefined })), /provenance: value is required/],
      [() => dc.client.createArtifact(createArtifactRequest(["t", "t"])), /tags: /],
      [() => dc.client.createArtifact(createArtifactRequest(["t"], { artifactId: "not-a-uuid" })), /artifact_id: /],
      [() => dc.client.createArtifact(createArtifactRequest([""])), /tags\[0\]: /],
      [() => dc.client.createArtifact(createArtifactRequest(["t"], { data: [{ name: "1bad", value: stringLiteral("v") }] })), /data\[0\]\.name: /],
      [() => dc.client.createArtifact(createArtifactRequest(["t"], { data: [{ name: "x" }] })), /data\[0\]\.value: value is required/],
      [() => dc.client.createArtifact(createArtifactRequest(["t"], { data: [{ name: "x", value: stringLiteral("a") }, { name: "x", value: listLiteral([]) }] })), /^data\[1\]\.name: "x" is given twice$/],
      [() => dc.client.getArtifact({ dataset: datasetId() }), /query: exactly one field is required/],
      [() => dc.client.getArtifact({ dataset: datasetId(), query: { case: "tagName", value: "t" }, maxAge: { seconds: -1n } }), /max_age: /],
      [() => dc.client.listArtifacts({ dataset: datasetId(), token: "garbage!" }), /^token: is not a page token/],
      [() => dc.client.listArtifacts({ dataset: datasetId(), limit: 5000 }), /limit: /],
      [
        () => dc.client.listArtifacts({ dataset: datasetId(), createdAfter: timestampFromDate(new Date(2000)), createdBefore: timestampFromDate(new Date(1000)) }),
        /^created_after: must be before created_before/,
      ],
      [() => dc.client.addTag({ tag: { name: "t", artifactId: "x", dataset: datasetId() } }), /tag\.artifact_id: /],
      [() => dc.client.updateArtifact({ dataset: datasetId(), query: { case: "tagName", value: "t" } }), /provenance: value is required/],
    ];
    await dc.client.createDataset({ id: datasetId() });
    for (const [call, message] of cases) {
      const error = await failure(call());
      expect({ code: error.code, message: error.rawMessage }).toEqual({ code: Code.InvalidArgument, message: expect.stringMatching(message) as unknown });
    }
    expect(await dc.db.selectFrom("artifact").select("id").execute()).toEqual([]);
  });
});
