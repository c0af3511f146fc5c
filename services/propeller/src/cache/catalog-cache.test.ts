import { setTimeout as delay } from "node:timers/promises";
import { create } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { floatLiteral, intLiteral, literalMap, simpleType, stringLiteral } from "@skein/engine";
import { ResourceType, SimpleType, TaskTemplateSchema, WorkflowExecutionIdentifierSchema, type LiteralMap, type TaskTemplate } from "@skein/idl";
import { createLogger, createMemorySink } from "@skein/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { catalogEntry, type CacheProvenance } from "./cache-entry.js";
import { CatalogCache, type CacheReservation } from "./catalog-cache.js";
import { startTestDatacatalog, type TestDatacatalog } from "./test-datacatalog.js";

// Datacatalog runs for real on the test database, one instance per file; each test caches a task
// name of its own. Datacatalog's clock is manual, so a reservation lapses only when a test advances
// it. Heartbeats are 20 ms: a held reservation lapses 60 ms (datacatalog time) after its last
// extension.
const heartbeatMs = 20;

let dc: TestDatacatalog;
beforeAll(async () => {
  dc = await startTestDatacatalog();
});
afterAll(() => dc.destroy());

let taskName = "";
let tests = 0;
beforeEach(() => {
  taskName = `train_${++tests}`;
});

const logs = createMemorySink();
function catalogCache(ownerId: string): CatalogCache {
  return new CatalogCache({ client: dc.client, ownerId, reservationHeartbeatMs: heartbeatMs, logger: createLogger({ component: "test", level: "debug", sink: logs }) });
}

function trainTask(version: string, options: { cacheVersion?: string; discoverable?: boolean; serializable?: boolean } = {}): TaskTemplate {
  return create(TaskTemplateSchema, {
    id: { resourceType: ResourceType.TASK, project: "demo", domain: "development", name: taskName, version },
    type: "typescript",
    metadata: { discoverable: options.discoverable ?? true, discoveryVersion: options.cacheVersion ?? "1.0", cacheSerializable: options.serializable ?? false },
    interface: {
      inputs: { variables: { lr: { type: simpleType(SimpleType.FLOAT) } } },
      outputs: { variables: { model: { type: simpleType(SimpleType.STRING) }, epochs: { type: simpleType(SimpleType.INTEGER) } } },
    },
  });
}

const inputs = literalMap({ lr: floatLiteral(0.1) });
const outputs = (model: string): LiteralMap => literalMap({ model: stringLiteral(model), epochs: intLiteral(3) });
const executionId = (name: string) => create(WorkflowExecutionIdentifierSchema, { project: "demo", domain: "development", name });
const source = (execution = "run-1", node = "n0", attempt = 0): CacheProvenance => ({ executionId: executionId(execution), node, attempt, cluster: "local-a" });

/** The reservation as datacatalog sees it, asked for by an owner that is nobody else (so it takes a free one). */
async function reservationAs(owner: string, task = trainTask("v1", { serializable: true })) {
  const entry = catalogEntry(task, inputs, "1.0");
  const response = await dc.client.getOrExtendReservation({ reservationId: { datasetId: entry.dataset, tagName: entry.tag }, ownerId: owner, heartbeatInterval: { seconds: 10n } });
  return response.reservation!;
}

function acquired(reservation: CacheReservation): Extract<CacheReservation, { kind: "acquired" }> {
  if (reservation.kind !== "acquired") return expect.fail(`expected to acquire the reservation, got a ${reservation.kind}`);
  return reservation;
}

describe("CatalogCache lookups and writes", () => {
  it("misses, then hits once the outputs are stored", async () => {
    const cache = catalogCache("p1");
    expect(await cache.lookup(trainTask("v1"), inputs, "1.0")).toBeUndefined();
    await cache.put(trainTask("v1"), inputs, "1.0", outputs("weights-1"), source());
    expect(await cache.lookup(trainTask("v1"), inputs, "1.0")).toEqual(outputs("weights-1"));
    expect(await cache.lookup(trainTask("v1"), literalMap({ lr: floatLiteral(0.2) }), "1.0")).toBeUndefined();
  });

  it("reuses an entry across task versions with the same name, cache version and interface", async () => {
    const cache = catalogCache("p1");
    await cache.put(trainTask("v1"), inputs, "1.0", outputs("from-v1"), source());
    expect(await cache.lookup(trainTask("v2"), inputs, "1.0")).toEqual(outputs("from-v1"));
    const changed = trainTask("v2");
    changed.interface!.outputs!.variables.epochs!.type = simpleType(SimpleType.FLOAT);
    expect(await cache.lookup(changed, inputs, "1.0")).toBeUndefined();
  });

  it("keys by the cache version it is given, which may differ from the task's own", async () => {
    const cache = catalogCache("p1");
    await cache.put(trainTask("v1"), inputs, "1.0", outputs("under-1.0"), source());
    expect(await cache.lookup(trainTask("v1"), inputs, "2.0")).toBeUndefined();
    // A node override of the version (task says 2.0, node says 1.0) finds the 1.0 entry...
    expect(await cache.lookup(trainTask("v1", { cacheVersion: "2.0" }), inputs, "1.0")).toEqual(outputs("under-1.0"));
    // ...and a node that turns caching on for a task that does not cache itself uses the same key.
    expect(await cache.lookup(trainTask("v1", { discoverable: false, cacheVersion: "" }), inputs, "1.0")).toEqual(outputs("under-1.0"));
  });

  it("keeps the first writer's outputs when a second put stores the same key", async () => {
    const cache = catalogCache("p1");
    await cache.put(trainTask("v1"), inputs, "1.0", outputs("first"), source("run-1"));
    await expect(cache.put(trainTask("v2"), inputs, "1.0", outputs("second"), source("run-2"))).resolves.toBeUndefined();
    expect(await cache.lookup(trainTask("v1"), inputs, "1.0")).toEqual(outputs("first"));
  });

  it("replaces an existing entry when overwriting, and creates a missing one", async () => {
    const cache = catalogCache("p1");
    await cache.put(trainTask("v1"), inputs, "1.0", outputs("stale"), source("run-1"));
    await cache.put(trainTask("v1"), inputs, "1.0", outputs("fresh"), source("run-2"), { overwrite: true });
    expect(await cache.lookup(trainTask("v1"), inputs, "1.0")).toEqual(outputs("fresh"));
    const other = literalMap({ lr: floatLiteral(0.7) });
    await cache.put(trainTask("v1"), other, "1.0", outputs("new"), source("run-3"), { overwrite: true });
    expect(await cache.lookup(trainTask("v1"), other, "1.0")).toEqual(outputs("new"));
  });

  it("records the producing attempt as provenance and the task version on the dataset", async () => {
    const cache = catalogCache("p1");
    await cache.put(trainTask("v7"), inputs, "1.0", outputs("w"), source("run-9", "train-node", 2));
    await cache.put(trainTask("v8"), inputs, "1.0", outputs("late"), source("run-10"));
    const entry = catalogEntry(trainTask("v7"), inputs, "1.0");
    expect(entry.dataset).toMatchObject({ project: "demo", domain: "development", name: `task-${taskName}` });
    const found = await dc.client.findArtifacts({ project: "demo", domain: "development", datasetName: entry.dataset.name, tagNames: [entry.tag] });
    expect(found.artifacts).toHaveLength(1);
    expect(found.artifacts[0]!.provenance).toMatchObject({
      taskExecution: {
        taskId: { resourceType: ResourceType.TASK, project: "demo", domain: "development", name: taskName, version: "v7" },
        nodeExecutionId: { nodeId: "train-node", executionId: { project: "demo", domain: "development", name: "run-9" } },
        retryAttempt: 2,
      },
      clusterId: "local-a",
    });
    const dataset = await dc.client.getDataset({ id: entry.dataset });
    expect(dataset.dataset?.metadata).toEqual({ "task-version": "v7" });
  });

  it("throws when the lookup fails, rather than reporting a miss", async () => {
    const broken = await startTestDatacatalog();
    try {
      await broken.dropDatabase();
      const cache = new CatalogCache({ client: broken.client, ownerId: "p1", logger: createLogger({ component: "test", sink: logs }) });
      const error = await cache.lookup(trainTask("v1"), inputs, "1.0").then(() => expect.fail("expected the lookup to fail"), (e: unknown) => ConnectError.from(e));
      expect(Code[error.code]).toBe("Internal");
    } finally {
      await broken.destroy();
    }
  });

  it("rejects bad input with InvalidArgument naming the field", async () => {
    const cache = catalogCache("p1");
    const noId = create(TaskTemplateSchema, { ...trainTask("v1"), id: undefined });
    const noName = trainTask("v1");
    noName.id!.name = "";
    const cases: [Promise<unknown>, RegExp][] = [
      [cache.lookup(noId, inputs, "1.0"), /^task\.id: is required$/],
      [cache.lookup(noName, inputs, "1.0"), /^task\.id\.name: is required$/],
      [cache.lookup(trainTask("v1"), inputs, ""), /^cacheVersion: is required/],
      [cache.reserve(noId, inputs, "1.0", new AbortController().signal), /^task\.id: is required$/],
      [cache.put(noId, inputs, "1.0", outputs("w"), source()), /^task\.id: is required$/],
      [cache.put(trainTask("v1"), inputs, "1.0", outputs("w"), source("run-1", "")), /^provenance\.node: is required$/],
      [cache.put(trainTask("v1"), inputs, "1.0", outputs("w"), source("run-1", "n0", -1)), /^provenance\.attempt: must be a non-negative integer \(got -1\)$/],
      [cache.put(trainTask("v1"), inputs, "1.0", outputs("w"), { ...source(), executionId: executionId("") }), /^provenance\.executionId\.name: is required$/],
    ];
    for (const [call, message] of cases) {
      const error = await call.then(() => expect.fail(`expected ${String(message)}`), (e: unknown) => ConnectError.from(e));
      expect({ code: Code[error.code], message: error.rawMessage }).toEqual({ code: "InvalidArgument", message: expect.stringMatching(message) as unknown });
    }
    expect(() => new CatalogCache({ client: dc.client, ownerId: "" })).toThrow(/ownerId: is required/);
    expect(() => new CatalogCache({ client: dc.client, ownerId: "p1", reservationHeartbeatMs: 0 })).toThrow(/reservationHeartbeatMs: must be a positive/);
    // Nothing was written by the refused puts.
    expect(await cache.lookup(trainTask("v1"), inputs, "1.0")).toBeUndefined();
  });
});

describe("CatalogCache reservations", () => {
  let task: TaskTemplate;
  beforeEach(() => {
    task = trainTask("v1", { serializable: true });
  });
  const never = new AbortController().signal;

  it("lets one of two owners compute; the other waits and then hits its outputs", async () => {
    const a = catalogCache("owner-a");
    const b = catalogCache("owner-b");
    const settled: string[] = [];
    const note = (name: string) => (r: CacheReservation) => {
      settled.push(`${name}:${r.kind}`);
      return r;
    };
    const pa = a.reserve(task, inputs, "1.0", never).then(note("a"));
    const pb = b.reserve(task, inputs, "1.0", never).then(note("b"));
    await vi.waitFor(() => expect(settled).toHaveLength(1));
    const [winnerName] = settled[0]!.split(":");
    expect(settled[0]).toMatch(/^[ab]:acquired$/);
    const [winner, winnerCall, loserCall] = winnerName === "a" ? [a, pa, pb] : [b, pb, pa];
    // The other keeps waiting through several polls while the winner "runs" the task.
    await delay(heartbeatMs * 5);
    expect(settled).toHaveLength(1);
    const held = acquired(await winnerCall);
    await winner.put(task, inputs, "1.0", outputs("computed-once"), source(`run-${winnerName}`));
    await held.release();
    expect(await loserCall).toEqual({ kind: "hit", outputs: outputs("computed-once") });
  });

  it("keeps callers of one instance apart although they share its owner id", async () => {
    const cache = catalogCache("propeller-1");
    const first = acquired(await cache.reserve(task, inputs, "1.0", never));
    let second: CacheReservation | undefined;
    const waiting = cache.reserve(task, inputs, "1.0", never).then((r) => (second = r));
    await delay(heartbeatMs * 5);
    expect(second).toBeUndefined();
    // Released without storing anything (the attempt failed): the waiter takes over and computes.
    await first.release();
    await acquired(await waiting).release();
  });

  it("extends a held reservation in the background and stops when it is released", async () => {
    const held = acquired(await catalogCache("owner-a").reserve(task, inputs, "1.0", never));
    // Three times 50 ms (datacatalog time): lapsed after the first without heartbeats.
    for (let i = 0; i < 3; i++) {
      const before = timestampMs((await reservationAs("peeker")).expiresAt!);
      dc.clock.advance(50);
      await vi.waitFor(async () => expect(timestampMs((await reservationAs("peeker")).expiresAt!)).toBeGreaterThan(before));
    }
    expect((await reservationAs("peeker")).ownerId).toBe("owner-a");
    await held.release();
    await held.release();
    // No heartbeat after the release takes the free reservation back.
    await delay(heartbeatMs * 5);
    expect((await reservationAs("peeker")).ownerId).toBe("peeker");
  });

  it("takes over from a holder that stopped extending its reservation", async () => {
    expect((await reservationAs("crashed")).ownerId).toBe("crashed");
    const waiting = catalogCache("owner-b").reserve(task, inputs, "1.0", never);
    await delay(heartbeatMs * 3);
    dc.clock.advance(30_000);
    const held = acquired(await waiting);
    expect((await reservationAs("peeker")).ownerId).toBe("owner-b");
    await held.release();
  });

  it("returns a hit without reserving when the entry is already stored", async () => {
    const cache = catalogCache("owner-a");
    await cache.put(task, inputs, "1.0", outputs("stored"), source());
    expect(await cache.reserve(task, inputs, "1.0", never)).toEqual({ kind: "hit", outputs: outputs("stored") });
    expect((await reservationAs("peeker")).ownerId).toBe("peeker");
  });

  it("stops waiting when aborted, with the signal's reason, and releases nothing it does not hold", async () => {
    expect((await reservationAs("busy")).ownerId).toBe("busy");
    const cache = catalogCache("owner-b");
    const controller = new AbortController();
    const waiting = cache.reserve(task, inputs, "1.0", controller.signal);
    await delay(heartbeatMs * 3);
    controller.abort(new Error("execution aborted"));
    await expect(waiting).rejects.toThrow("execution aborted");
    expect((await reservationAs("busy")).ownerId).toBe("busy");
    // Already aborted: nothing is asked for at all.
    await expect(catalogCache("owner-c").reserve(trainTask("v1"), literalMap({ lr: floatLiteral(0.3) }), "1.0", AbortSignal.abort(new Error("gone")))).rejects.toThrow("gone");
    const free = catalogEntry(trainTask("v1"), literalMap({ lr: floatLiteral(0.3) }), "1.0");
    const taken = await dc.client.getOrExtendReservation({ reservationId: { datasetId: free.dataset, tagName: free.tag }, ownerId: "peeker", heartbeatInterval: { seconds: 1n } });
    expect(taken.reservation?.ownerId).toBe("peeker");
    // The aborted caller left no local claim behind: the same instance acquires once the holder is gone.
    dc.clock.advance(30_000);
    await acquired(await cache.reserve(task, inputs, "1.0", never)).release();
  });
});
