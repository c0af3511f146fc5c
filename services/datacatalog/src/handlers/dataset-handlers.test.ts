import { Code } from "@connectrpc/connect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { datasetId, expectFailure, failure } from "../test-support/cache-fixtures.js";
import { createInProcessDatacatalog, type InProcessDatacatalog } from "../test-support/datacatalog-fixture.js";

let dc: InProcessDatacatalog;
beforeEach(async () => {
  dc = await createInProcessDatacatalog();
});
afterEach(() => dc.destroy());

describe("datasets", () => {
  it("creates a dataset once, leaving an existing one's metadata untouched", async () => {
    const first = await dc.client.createDataset({ id: datasetId(), metadata: { "task-version": "v1" } });
    expect(first).toMatchObject({ created: true, dataset: { id: datasetId(), metadata: { "task-version": "v1" } } });
    dc.clock.advance(1000);
    const again = await dc.client.createDataset({ id: datasetId(), metadata: { "task-version": "v2" } });
    expect(again.created).toBe(false);
    expect(again.dataset).toEqual(first.dataset);
    expect((await dc.client.getDataset({ id: datasetId() })).dataset).toEqual(first.dataset);
    await expectFailure(dc.client.getDataset({ id: datasetId("task-none") }), Code.NotFound, /^dataset "demo\/development\/task-none\/1\.0-abcdefgh-ijklmnop" not found$/);
  });

  it("lists a project's datasets newest first, by name, page by page", async () => {
    const made = ["task-a", "task-b", "task-c"].flatMap((name) => ["1", "2"].map((version) => datasetId(name, version)));
    for (const id of made) {
      await dc.client.createDataset({ id });
      dc.clock.advance(1000);
    }
    await dc.client.createDataset({ id: { ...datasetId("task-a"), domain: "production" } });
    const seen: string[] = [];
    let token = "";
    do {
      const page = await dc.client.listDatasets({ project: "demo", domain: "development", limit: 4, token });
      seen.push(...page.datasets.map((d) => `${d.id?.name}@${d.id?.version}`));
      token = page.nextToken;
    } while (token !== "");
    expect(seen).toEqual(["task-c@2", "task-c@1", "task-b@2", "task-b@1", "task-a@2", "task-a@1"]);
    const versions = await dc.client.listDatasets({ project: "demo", domain: "development", name: "task-b" });
    expect(versions.datasets.map((d) => d.id?.version)).toEqual(["2", "1"]);
    expect(versions.nextToken).toBe("");
  });

  it("rejects bad ids and tokens, naming the field", async () => {
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => dc.client.createDataset({}), /^invalid .*: id: value is required$/],
      [() => dc.client.createDataset({ id: { ...datasetId(), name: "9starts-with-digit" } }), /id\.name: /],
      [() => dc.client.createDataset({ id: { ...datasetId(), version: "has space" } }), /id\.version: /],
      [() => dc.client.getDataset({ id: { ...datasetId(), domain: "" } }), /id\.domain: /],
      [() => dc.client.listDatasets({ project: "demo", domain: "development", token: "x" }), /^token: is not a page token/],
      [() => dc.client.listDatasets({ project: "Demo", domain: "development" }), /project: /],
    ];
    for (const [call, message] of cases) {
      const error = await failure(call());
      expect({ code: error.code, message: error.rawMessage }).toEqual({ code: Code.InvalidArgument, message: expect.stringMatching(message) as unknown });
    }
    expect(await dc.db.selectFrom("dataset").select("name").execute()).toEqual([]);
  });
});
