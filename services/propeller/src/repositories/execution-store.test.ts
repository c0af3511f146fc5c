import { beforeAll, describe, expect, it } from "vitest";
import { storeKinds, useStore } from "../test-support/store-fixture.js";
import { LeaseLostError, type ExecutionKey, type ExecutionStore, type Lease, type StepWrite } from "./execution-store.js";

// The store's writes on both databases it runs on: the real PostgreSQL of the tests (when there is
// one) and the embedded one the sandbox uses.

const step = (write: Partial<StepWrite>): StepWrite => ({ header: "h", nodes: [], nodeData: [], removedNodes: [], addWork: [], removeWork: [], events: [], ...write });

describe.each(storeKinds)("the execution store on %s", (kind) => {
  const fixture = useStore(kind);
  let store: ExecutionStore;
  beforeAll(() => {
    store = fixture.store;
  });
  const claimed = () => fixture.claimed();

  const events = (store_: ExecutionStore, key: ExecutionKey) =>
    store_.pendingEvents("east", 100_000).then((rows) => rows.filter((r) => r.key.name === key.name).map((r) => Buffer.from(r.event).toString()));

  it("keeps the execution's data from the step that wrote it until a step writes new data", async () => {
    const { key, lease } = await claimed();
    expect((await store.load(key)).executionData).toBeNull();
    await store.commitStep(lease, step({ header: "h1", executionData: "inputs" }));
    await store.commitStep(lease, step({ header: "h2" }));
    expect((await store.load(key)).executionData).toBe("inputs");
    await store.commitStep(lease, step({ header: "h3", executionData: "inputs and outputs" }));
    expect((await store.load(key)).executionData).toBe("inputs and outputs");
  });

  it("writes a step's nodes, their data, its work and its events in order, and the next step's changes", async () => {
    const { key, lease } = await claimed();
    const bytes = (text: string) => new TextEncoder().encode(text);
    await store.commitStep(lease, step({
      nodes: [["a", "a1"], ["b", "b1"]],
      nodeData: [["a", "in-a"]],
      addWork: [{ key: "attempt:a#0", decision: "run a" }, { key: "attempt:b#0", decision: "run b" }],
      events: [bytes("first"), bytes("second"), bytes("third")],
    }));
    // b's data arrives, a's is left as it was, b is gone from the state, a's attempt is done.
    await store.commitStep(lease, step({ header: "h2", nodes: [["a", "a2"], ["c", "c1"]], nodeData: [["c", "in-c"]], removedNodes: ["b"], removeWork: ["attempt:a#0"], addWork: [{ key: "attempt:c#0", decision: "run c" }], events: [bytes("fourth")] }));
    const loaded = await store.load(key);
    expect(loaded.nodes.sort()).toEqual([["a", "a2"], ["c", "c1"]]);
    expect(loaded.nodeData.sort()).toEqual([["a", "in-a"], ["c", "in-c"]]);
    expect(loaded.work.map((w) => [w.key, w.decision]).sort()).toEqual([["attempt:b#0", "run b"], ["attempt:c#0", "run c"]]);
    expect(await events(store, key)).toEqual(["first", "second", "third", "fourth"]);
  });

  it("ends the execution on its last step: every work row goes and no one holds it", async () => {
    const { key, lease } = await claimed();
    await store.commitStep(lease, step({ addWork: [{ key: "attempt:a#0", decision: "run a" }] }));
    await store.commitStep(lease, step({ done: true, addWork: [{ key: "attempt:z#0", decision: "never" }] }));
    expect((await store.load(key)).work).toEqual([]);
    await expect(store.commitStep(lease, step({}))).rejects.toBeInstanceOf(LeaseLostError);
  });

  it("writes nothing of a step whose lease is lost", async () => {
    const { key, lease } = await claimed();
    await store.commitStep(lease, step({ nodes: [["a", "a1"]] }));
    const stale: Lease = { ...lease, token: lease.token + 1n };
    await expect(store.commitStep(stale, step({ nodes: [["a", "stale"], ["b", "stale"]], addWork: [{ key: "attempt:b#0", decision: "x" }], events: [new Uint8Array([1])] }))).rejects.toBeInstanceOf(LeaseLostError);
    const loaded = await store.load(key);
    expect(loaded.nodes).toEqual([["a", "a1"]]);
    expect(loaded.work).toEqual([]);
    expect(await events(store, key)).toEqual([]);
  });

  it("writes a step of thousands of nodes in one go", async () => {
    const { key, lease } = await claimed();
    const nodes = Array.from({ length: 5000 }, (_, i) => [`map/${i}`, `s${i}`] as const);
    await store.commitStep(lease, step({ nodes, nodeData: nodes.map(([path]) => [path, `d-${path}`] as const), events: nodes.map(([path]) => new TextEncoder().encode(path)) }));
    const loaded = await store.load(key);
    expect(loaded.nodes).toHaveLength(5000);
    expect(new Map(loaded.nodeData).get("map/4999")).toBe("d-map/4999");
    expect(await events(store, key)).toEqual(nodes.map(([path]) => path));
  });

  it("renews every lease it still holds in one go and names the ones it lost", async () => {
    const held: { key: ExecutionKey; lease: Lease }[] = [];
    for (let i = 0; i < 300; i++) held.push(await claimed());
    const lost = held[7]!;
    // Another replica took this one over (its lease ran out): the token moved on.
    await fixture.handle.db.updateTable("propeller_execution").set({ lease_token: (eb) => eb("lease_token", "+", 1) }).where("name", "=", lost.key.name).execute();
    expect(await store.renew(held.map((h) => h.lease), 60_000)).toEqual([lost.key]);
    const rows = await fixture.handle.db.selectFrom("propeller_execution").select(["name", "lease_expires_at"]).where("name", "in", held.map((h) => h.key.name)).execute();
    const soon = Date.now() + 30_000;
    expect(rows.filter((r) => r.name !== lost.key.name && new Date(r.lease_expires_at as Date).getTime() > soon)).toHaveLength(299);
    expect(await store.renew([], 60_000)).toEqual([]);
  });

  it("does not claim again an execution this replica still drives, even with its lease run out", async () => {
    const driven = await claimed();
    const free = await claimed();
    await fixture.handle.db.updateTable("propeller_execution").set({ lease_expires_at: new Date(Date.now() - 60_000) }).where("name", "in", [driven.key.name, free.key.name]).execute();
    const again = await store.claim("east", "me", 60_000, 100, [`${driven.key.project}/${driven.key.domain}/${driven.key.name}`]);
    expect(again.map((c) => c.lease.key.name)).toEqual([free.key.name]);
    // Its driver's lease still holds for its writes, and renewing brings it back.
    await store.commitStep(driven.lease, step({ nodes: [["a", "a1"]] }));
    expect(await store.renew([driven.lease], 60_000)).toEqual([]);
  });
});
