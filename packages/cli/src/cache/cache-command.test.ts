import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ResourceType } from "@skein/idl";
import { DataCatalogService } from "@skein/idl/datacatalog/v1";
import { stringLiteral } from "@skein/engine";
import { createManualClock } from "@skein/server";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closedEndpoint, skein, startTestCatalog } from "../cluster/test-services.test-util.js";
import { parseAge } from "./age.js";

const DAY = 86_400_000;
const clock = createManualClock(new Date());
const catalog = await startTestCatalog(clock);
const client: Client<typeof DataCatalogService> = createClient(DataCatalogService, createConnectTransport({ baseUrl: catalog.service.url, httpVersion: "1.1" }));
const env = { SKEIN_CATALOG_ENDPOINT: catalog.service.url, SKEIN_PROJECT: "demo" };
afterAll(async () => {
  await catalog.close();
});

/** Stores one cache entry of `task` produced by `execution`/`node`/`attempt`, created `ageMs` ago. */
async function entry(task: string, tag: string, execution: string, node: string, attempt: number, ageMs: number): Promise<string> {
  clock.set(new Date(Date.now() - ageMs));
  const { artifact } = await client.createArtifact({
    dataset: { project: "demo", domain: "development", name: `task-${task}`, version: "1-abcdefgh-ijklmnop" },
    data: [{ name: "o0", value: stringLiteral(`${task} of ${execution}`) }],
    provenance: {
      taskExecution: {
        taskId: { resourceType: ResourceType.TASK, project: "demo", domain: "development", name: task, version: "v1" },
        nodeExecutionId: { nodeId: node, executionId: { project: "demo", domain: "development", name: execution } },
        retryAttempt: attempt,
      },
    },
    tags: [tag],
  });
  return artifact?.id ?? "";
}

/** The task and tag of every entry still stored in demo/development, newest first. */
async function stored(): Promise<string[]> {
  const { artifacts } = await client.findArtifacts({ project: "demo", domain: "development", limit: 1000 });
  return artifacts.map((a) => `${a.dataset?.name ?? ""} ${a.tags.join(",")}`);
}

beforeEach(async () => {
  // Every test starts from: two old entries of train (3 and 2 days), one fresh entry of prep.
  await client.evictArtifacts({ project: "demo", domain: "development", limit: 1000 });
  await entry("train", "cached-aaa", "run-1", "n1", 0, 3 * DAY);
  await entry("train", "cached-bbb", "run-2", "n1", 1, 2 * DAY);
  await entry("prep", "cached-ccc", "run-3", "n0", 0, 0);
});

describe("skein cache list", () => {
  it("shows entries newest first with task, cache version, tag, creation and producer", async () => {
    const listed = await skein(env, "cache", "list");
    expect(listed.code).toBe(0);
    const lines = listed.out.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^TASK +CACHE VERSION +TAG +CREATED +SIZE +EXECUTION +NODE +ATTEMPT$/);
    expect(lines.slice(1).map((line) => line.split(/ {2,}/))).toEqual([
      ["prep", "1-abcdefgh-ijklmnop", "cached-ccc", expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/), expect.stringMatching(/^\d+B$/), "run-3", "n0", "0"],
      ["train", "1-abcdefgh-ijklmnop", "cached-bbb", expect.any(String), expect.any(String), "run-2", "n1", "1"],
      ["train", "1-abcdefgh-ijklmnop", "cached-aaa", expect.any(String), expect.any(String), "run-1", "n1", "0"],
    ]);
    expect(listed.err).toBe("");
  });

  it("selects by task and by age, and limits the count", async () => {
    const train = await skein(env, "cache", "list", "--task", "train");
    expect(train.out.split("\n").filter((l) => l.startsWith("train")).length).toBe(2);
    expect(train.out).not.toContain("prep");

    const old = await skein(env, "cache", "list", "--older-than", "60h");
    expect(old.out).toContain("cached-aaa");
    expect(old.out).not.toContain("cached-bbb");

    const one = await skein(env, "cache", "list", "--limit", "1");
    expect(one.out.trimEnd().split("\n")).toHaveLength(2);
    expect(one.err).toBe("more entries match: raise --limit to see them\n");

    const none = await skein(env, "cache", "list", "--task", "absent");
    expect(none).toEqual({ code: 0, out: "no cache entries in demo/development\n", err: "" });
  });

  it("prints JSON with --json", async () => {
    const listed = await skein(env, "cache", "list", "--task", "train", "--json");
    const json = JSON.parse(listed.out) as { items: { tags: string[]; provenance: { task_execution: { node_execution_id: { execution_id: { name: string } } } } }[]; has_more: boolean };
    expect(json.has_more).toBe(false);
    expect(json.items.map((i) => [i.tags, i.provenance.task_execution.node_execution_id.execution_id.name])).toEqual([
      [["cached-bbb"], "run-2"],
      [["cached-aaa"], "run-1"],
    ]);
  });

  it("exits 2 for bad flags", async () => {
    for (const [args, message] of [
      [["--older-than", "soon"], '--older-than: "soon" is not a duration'],
      [["--older-than", "0m"], '--older-than: "0m" must be longer than zero'],
      [["--limit", "0"], '--limit: "0" must be a whole number above zero'],
      [["--task", "no spaces"], '--task: "no spaces" is not a task name'],
      [["--project", "Demo"], '--project: "Demo" is not a valid name'],
      [["--catalog-endpoint", "catalog"], '--catalog-endpoint: "catalog" is not a URL'],
    ] as const) {
      const listed = await skein(env, "cache", "list", ...args);
      expect({ code: listed.code, err: listed.err }).toEqual({ code: 2, err: expect.stringContaining(message) as unknown });
    }
  });
});

describe("skein cache evict", () => {
  it("shows what it would remove with --dry-run and removes nothing", async () => {
    const dry = await skein(env, "cache", "evict", "--older-than", "1d", "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.out).toContain("cached-aaa");
    expect(dry.out).toContain("cached-bbb");
    expect(dry.out).not.toContain("cached-ccc");
    expect(dry.out).toMatch(/would remove 2 cache entries \(\d+B\); run again without --dry-run to remove them\n$/);
    expect(await stored()).toHaveLength(3);
  });

  it("removes one task's entries and reports each with its producer", async () => {
    const evicted = await skein(env, "cache", "evict", "--task", "train");
    expect(evicted.code).toBe(0);
    expect(evicted.out).toMatch(/^train +1-abcdefgh-ijklmnop +cached-aaa +\S+ \S+ +\S+ +run-1 +n1 +0$/m);
    expect(evicted.out).toMatch(/^train +1-abcdefgh-ijklmnop +cached-bbb .* run-2 +n1 +1$/m);
    expect(evicted.out).toMatch(/removed 2 cache entries \(\d+B\)\n$/);
    expect(await stored()).toEqual(["task-prep cached-ccc"]);
    expect(await skein(env, "cache", "evict", "--task", "train")).toEqual({ code: 0, out: "no cache entries in demo/development match\n", err: "" });
  });

  it("removes by age, combined with a task, and everything with --all", async () => {
    const aged = await skein(env, "cache", "evict", "--task", "train", "--older-than", "60h", "--json");
    expect(aged.code).toBe(0);
    const json = JSON.parse(aged.out) as { dry_run: boolean; items: { tags: string[] }[] };
    expect(json).toEqual({ dry_run: false, items: [expect.objectContaining({ tags: ["cached-aaa"] })] });
    expect(await stored()).toEqual(["task-prep cached-ccc", "task-train cached-bbb"]);

    const all = await skein(env, "cache", "evict", "--all");
    expect(all.out).toMatch(/removed 2 cache entries/);
    expect(await stored()).toEqual([]);
  });

  it("exits 2 without a selector, or with --all and a selector, removing nothing", async () => {
    const bare = await skein(env, "cache", "evict");
    expect(bare).toEqual({ code: 2, out: "", err: "error: cache evict: choose what to remove with --task and/or --older-than, or pass --all to remove every entry\n" });
    const both = await skein(env, "cache", "evict", "--all", "--task", "train");
    expect(both.code).toBe(2);
    expect(both.err).toContain("--all cannot be combined");
    expect(await stored()).toHaveLength(3);
  });

  it("reaches datacatalog at the admin endpoint when no catalog endpoint is set", async () => {
    const listed = await skein({ SKEIN_ENDPOINT: catalog.service.url }, "cache", "list", "--project", "demo");
    expect(listed.code).toBe(0);
    expect(listed.out).toContain("cached-ccc");
  });

  it("exits 1 naming the address when datacatalog cannot be reached", async () => {
    const unreachable = await closedEndpoint();
    const evicted = await skein({ SKEIN_CATALOG_ENDPOINT: unreachable }, "cache", "evict", "--all");
    expect(evicted.code).toBe(1);
    expect(evicted.err).toBe(`error: cannot reach datacatalog at ${unreachable} (ECONNREFUSED); start it with \`skein serve datacatalog\` or set --catalog-endpoint / SKEIN_CATALOG_ENDPOINT\n`);
  });
});

describe("parseAge", () => {
  it("adds up whole amounts with units", () => {
    expect(parseAge("--older-than", "90s")).toBe(90_000);
    expect(parseAge("--older-than", "1h30m")).toBe(5_400_000);
    expect(parseAge("--older-than", "2w")).toBe(14 * DAY);
    expect(() => parseAge("--older-than", "1.5h")).toThrow('--older-than: "1.5h" is not a duration');
    expect(() => parseAge("--older-than", "")).toThrow("is not a duration");
  });
});
