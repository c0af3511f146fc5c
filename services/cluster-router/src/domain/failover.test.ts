import { AssignmentState } from "@skein/idl/router/v1";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { execId, healthyCluster } from "../test-support/cluster-fixtures.js";
import { createInProcessRouter, createRouterReplica, type InProcessRouter } from "../test-support/router-fixture.js";
import { describeUpdate, openWatch, type WatchStream } from "../test-support/watch-stream.js";

// Failover: a cluster that misses heartbeats for longer than the timeout loses its unfinished
// assignments to other qualifying clusters, each exactly once and under the next epoch.

const timeoutMs = 15_000;
let router: InProcessRouter;
const streams: WatchStream[] = [];
beforeEach(async () => {
  router = await createInProcessRouter({ heartbeatTimeoutMs: timeoutMs, heartbeatIntervalMs: 5_000 });
});
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  await router.destroy();
});

function watch(clusterId: string): WatchStream {
  const stream = openWatch(router.client, clusterId);
  streams.push(stream);
  return stream;
}

/** Lets the timeout pass for every cluster, then heartbeats the ones still alive. */
async function silence(alive: readonly string[], ...clocks: { advance(ms: number): void }[]): Promise<void> {
  for (const clock of [router.clock, ...clocks]) clock.advance(timeoutMs + 1);
  for (const id of alive) await router.client.heartbeat({ clusterId: id, load: { freeCapacity: 100 } });
}

describe("failover", () => {
  it("moves unfinished work off a silent cluster with epoch + 1; finished work stays; the old owner hears REVOKED", async () => {
    await healthyCluster(router.client, "local-a");
    for (const name of ["one", "two", "done"]) await router.client.assign({ executionId: execId(name) });
    await router.client.releaseAssignment({ executionId: execId("done") });
    await healthyCluster(router.client, "local-b");
    const a = watch("local-a");
    const b = watch("local-b");
    expect(await a.snapshot()).toEqual(["ASSIGNED one@local-a#1", "ASSIGNED two@local-a#1", "SYNCED"]);
    expect(await b.snapshot()).toEqual(["SYNCED"]);

    // Just inside the timeout nothing moves.
    router.clock.advance(timeoutMs);
    await router.client.heartbeat({ clusterId: "local-b", load: { freeCapacity: 100 } });
    expect(await router.rebalancer.failOver()).toBe(0);

    router.clock.advance(1);
    expect(await router.rebalancer.failOver()).toBe(2);
    for (const name of ["one", "two"]) {
      expect((await router.client.getAssignment({ executionId: execId(name) })).assignment).toMatchObject({
        state: AssignmentState.ACTIVE,
        clusterId: "local-b",
        epoch: 2n,
        previousClusterId: "local-a",
      });
    }
    expect((await router.client.getAssignment({ executionId: execId("done") })).assignment).toMatchObject({ state: AssignmentState.RELEASED, clusterId: "local-a", epoch: 1n });
    expect([describeUpdate(await b.next()), describeUpdate(await b.next())]).toEqual(["ASSIGNED one@local-b#2", "ASSIGNED two@local-b#2"]);
    expect([describeUpdate(await a.next()), describeUpdate(await a.next())]).toEqual(["REVOKED one@local-b#2", "REVOKED two@local-b#2"]);
    // Nothing left to move: another round changes nothing.
    expect(await router.rebalancer.failOver()).toBe(0);
    // The silent cluster, back again, owns nothing any more.
    await router.client.heartbeat({ clusterId: "local-a", load: { freeCapacity: 100 } });
    expect(await watch("local-a").snapshot()).toEqual(["SYNCED"]);
  });

  it("keeps the selection: work moves only to a cluster the label still allows, else waits pending", async () => {
    await healthyCluster(router.client, "gpu-1", { labels: { gpu: "true" } });
    await router.client.assign({ executionId: execId("train"), selection: { clusterLabel: "gpu" } });
    await router.client.terminateAssignment({ executionId: execId("train"), cause: "cancelled" });
    await healthyCluster(router.client, "cpu-only");
    await silence(["cpu-only"]);
    expect(await router.rebalancer.failOver()).toBe(1);
    expect((await router.client.getAssignment({ executionId: execId("train") })).assignment).toMatchObject({
      state: AssignmentState.PENDING,
      clusterId: "",
      epoch: 0n,
      previousClusterId: "gpu-1",
      pendingReason: expect.stringContaining('label "gpu"') as unknown,
    });

    await healthyCluster(router.client, "gpu-2", { labels: { gpu: "true" } });
    const gpu2 = watch("gpu-2");
    expect(await gpu2.snapshot()).toEqual(["SYNCED"]);
    expect(await router.rebalancer.round()).toMatchObject({ placed: 1 });
    // The epoch continues from the one the silent cluster held, and the termination follows the work.
    expect([describeUpdate(await gpu2.next()), describeUpdate(await gpu2.next())]).toEqual(["ASSIGNED train@gpu-2#2", "TERMINATE train@gpu-2#2"]);
    expect((await router.client.getAssignment({ executionId: execId("train") })).assignment).toMatchObject({ previousClusterId: "gpu-1", epoch: 2n });
  });

  it("a cluster that heartbeats again before the round keeps its work", async () => {
    await healthyCluster(router.client, "local-a");
    await router.client.assign({ executionId: execId("stays") });
    await healthyCluster(router.client, "local-b");
    await silence(["local-b", "local-a"]);
    expect(await router.rebalancer.failOver()).toBe(0);
    expect((await router.client.getAssignment({ executionId: execId("stays") })).assignment).toMatchObject({ clusterId: "local-a", epoch: 1n });
  });

  it("two replicas failing over at once move each assignment exactly once", async () => {
    const other = await createRouterReplica(router);
    await healthyCluster(router.client, "dying");
    const names = Array.from({ length: 30 }, (_, i) => `run-${i}`);
    for (const name of names) await router.client.assign({ executionId: execId(name) });
    await healthyCluster(router.client, "b");
    await healthyCluster(router.client, "c");
    await silence(["b", "c"], other.clock);

    const [first, second] = await Promise.all([router.rebalancer.failOver(), other.rebalancer.failOver()]);
    expect(first + second).toBe(30);
    const epochs = await Promise.all(names.map(async (name) => (await router.client.getAssignment({ executionId: execId(name) })).assignment));
    for (const assignment of epochs) expect(assignment).toMatchObject({ state: AssignmentState.ACTIVE, epoch: 2n, previousClusterId: "dying" });
    expect(new Set(epochs.map((a) => a?.clusterId))).toEqual(new Set(["b", "c"]));

    const changes = await router.db.selectFrom("assignment_change").select(["cluster_id", "kind", "name"]).where("kind", "in", ["revoked", "assigned"]).execute();
    const revoked = changes.filter((c) => c.kind === "revoked");
    expect(revoked.map((c) => c.name).sort()).toEqual([...names].sort());
    expect(revoked.every((c) => c.cluster_id === "dying")).toBe(true);
    const reassigned = changes.filter((c) => c.kind === "assigned" && c.cluster_id !== "dying");
    expect(reassigned.map((c) => c.name).sort()).toEqual([...names].sort());
    expect(await Promise.all([router.rebalancer.failOver(), other.rebalancer.failOver()])).toEqual([0, 0]);
  });

  it("runs as a background loop until stopped", async () => {
    const config = { rebalanceIntervalMs: 10 };
    const looped = await createRouterReplica(router, config);
    await healthyCluster(router.client, "local-a");
    await router.client.assign({ executionId: execId("looped") });
    await healthyCluster(router.client, "local-b");
    await silence(["local-b"], looped.clock);
    const b = watch("local-b");
    expect(await b.snapshot()).toEqual(["SYNCED"]);
    const stop = new AbortController();
    const loop = createLoop(looped, stop.signal);
    expect(describeUpdate(await b.next())).toBe("ASSIGNED looped@local-b#2");
    stop.abort();
    await loop;
  });
});

function createLoop(replica: { rebalancer: InProcessRouter["rebalancer"]; config: InProcessRouter["config"] }, signal: AbortSignal): Promise<void> {
  return replica.rebalancer.loop(replica.config.rebalanceIntervalMs).run(signal);
}
