import { Code } from "@connectrpc/connect";
import { ClusterHealth, ClusterState } from "@skein/idl/router/v1";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { failure } from "../test-support/call-failure.js";
import { execId, healthyCluster, registration } from "../test-support/cluster-fixtures.js";
import { createInProcessRouter, type InProcessRouter } from "../test-support/router-fixture.js";

let router: InProcessRouter;
beforeEach(async () => {
  router = await createInProcessRouter({ heartbeatTimeoutMs: 15_000, heartbeatIntervalMs: 5_000 });
});
afterEach(async () => {
  await router.destroy();
});

describe("RegisterCluster", () => {
  it("registers a cluster, then updates it in place keeping its drain state", async () => {
    const first = await router.client.registerCluster(registration("local-a", { labels: { region: "us-east" }, weight: 2, capacity: 10, domains: ["development"] }));
    expect(first.created).toBe(true);
    expect(first.cluster).toMatchObject({
      id: "local-a",
      region: "us-east",
      labels: { region: "us-east" },
      weight: 2,
      capacity: 10,
      domains: ["development"],
      state: ClusterState.ACTIVE,
      health: ClusterHealth.PENDING,
      assignedExecutions: 0,
    });
    await router.client.drainCluster({ clusterId: "local-a" });
    router.clock.advance(1_000);
    const again = await router.client.registerCluster(registration("local-a", { labels: { gpu: "true" }, weight: 5 }));
    expect(again.created).toBe(false);
    expect(again.cluster).toMatchObject({ labels: { gpu: "true" }, weight: 5, capacity: 0, domains: [], state: ClusterState.DRAINING });
    expect(again.cluster?.registeredAt).toEqual(first.cluster?.registeredAt);
  });

  it("rejects bad input naming the field", async () => {
    const badId = await failure(router.client.registerCluster(registration("Local_A")));
    expect(badId.code).toBe(Code.InvalidArgument);
    expect(badId.rawMessage).toMatch(/^invalid skein\.router\.v1\.RegisterClusterRequest: id: /);
    const noWeight = await failure(router.client.registerCluster({ id: "w", region: "r" }));
    expect(noWeight).toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringMatching(/weight: must be greater than or equal to 1 and less than or equal to 10000/) as unknown });
    const badLabel = await failure(router.client.registerCluster(registration("l", { labels: { "bad key!": "x" } })));
    expect(badLabel).toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringMatching(/labels\["bad key!"\]/) as unknown });
    const twice = await failure(router.client.registerCluster(registration("d", { domains: ["development", "development"] })));
    expect(twice).toMatchObject({ code: Code.InvalidArgument, rawMessage: 'domains: lists "development" twice' });
    expect((await router.client.listClusters({})).clusters).toEqual([]);
  });
});

describe("Heartbeat and health", () => {
  it("records load, answers with the state and the interval, and turns unreachable after the timeout", async () => {
    await router.client.registerCluster(registration("local-a"));
    const beat = await router.client.heartbeat({ clusterId: "local-a", load: { runningExecutions: 3, freeCapacity: 7 } });
    expect(beat.state).toBe(ClusterState.ACTIVE);
    expect(beat.nextHeartbeatIn).toMatchObject({ seconds: 5n });
    let [cluster] = (await router.client.listClusters({})).clusters;
    expect(cluster).toMatchObject({ health: ClusterHealth.HEALTHY, load: { runningExecutions: 3, freeCapacity: 7 } });
    expect(cluster?.lastHeartbeatAt?.seconds).toBe(BigInt(router.clock.now().getTime() / 1000));

    router.clock.advance(15_000);
    [cluster] = (await router.client.listClusters({})).clusters;
    expect(cluster?.health).toBe(ClusterHealth.HEALTHY);
    router.clock.advance(1);
    [cluster] = (await router.client.listClusters({})).clusters;
    expect(cluster?.health).toBe(ClusterHealth.UNREACHABLE);

    await router.client.heartbeat({ clusterId: "local-a", load: { runningExecutions: 0, freeCapacity: 10 } });
    [cluster] = (await router.client.listClusters({})).clusters;
    expect(cluster?.health).toBe(ClusterHealth.HEALTHY);
  });

  it("refuses a heartbeat from an unknown cluster or without load", async () => {
    const unknown = await failure(router.client.heartbeat({ clusterId: "ghost", load: { freeCapacity: 1 } }));
    expect(unknown).toMatchObject({ code: Code.NotFound, rawMessage: 'cluster "ghost" not found' });
    const noLoad = await failure(router.client.heartbeat({ clusterId: "ghost" }));
    expect(noLoad).toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringMatching(/load: value is required/) as unknown });
  });
});

describe("ListClusters", () => {
  it("orders by id, filters by region and label selector, and counts active assignments", async () => {
    await healthyCluster(router.client, "local-b", { region: "eu-west", labels: { region: "eu-west", gpu: "true" } });
    await healthyCluster(router.client, "local-a", { region: "us-east", labels: { region: "us-east" } });
    await healthyCluster(router.client, "local-c", { region: "eu-west", labels: { gpu: "false" } });
    await router.client.assign({ executionId: execId("on-b"), selection: { clusterId: "local-b" } });
    await router.client.assign({ executionId: execId("on-b-too"), selection: { clusterId: "local-b" } });

    const all = await router.client.listClusters({});
    expect(all.clusters.map((c) => [c.id, c.assignedExecutions])).toEqual([["local-a", 0], ["local-b", 2], ["local-c", 0]]);
    expect((await router.client.listClusters({ region: "eu-west" })).clusters.map((c) => c.id)).toEqual(["local-b", "local-c"]);
    expect((await router.client.listClusters({ clusterLabel: "gpu" })).clusters.map((c) => c.id)).toEqual(["local-b", "local-c"]);
    expect((await router.client.listClusters({ clusterLabel: "gpu=true" })).clusters.map((c) => c.id)).toEqual(["local-b"]);
    expect((await router.client.listClusters({ clusterLabel: "gpu=true", region: "us-east" })).clusters).toEqual([]);

    const bad = await failure(router.client.listClusters({ clusterLabel: "=oops" }));
    expect(bad).toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringMatching(/cluster_label: /) as unknown });
  });
});

describe("DrainCluster and UndrainCluster", () => {
  it("a drained cluster gets no new assignments and keeps its running ones; undrain lets work in again", async () => {
    await healthyCluster(router.client, "local-a");
    const before = await router.client.assign({ executionId: execId("running") });
    expect(before.assignment).toMatchObject({ clusterId: "local-a", epoch: 1n });

    const drained = await router.client.drainCluster({ clusterId: "local-a" });
    expect(drained.cluster).toMatchObject({ state: ClusterState.DRAINING, assignedExecutions: 1 });
    expect((await router.client.drainCluster({ clusterId: "local-a" })).cluster?.state).toBe(ClusterState.DRAINING);
    expect((await router.client.heartbeat({ clusterId: "local-a", load: { freeCapacity: 5 } })).state).toBe(ClusterState.DRAINING);

    const held = await router.client.assign({ executionId: execId("new-work") });
    expect(held.assignment).toMatchObject({ state: 1, clusterId: "", epoch: 0n, pendingReason: "no cluster is active, healthy, serving the execution's project and domain, with free capacity" });
    expect((await router.client.getAssignment({ executionId: execId("running") })).assignment).toMatchObject({ state: 2, clusterId: "local-a", epoch: 1n });

    const undrained = await router.client.undrainCluster({ clusterId: "local-a" });
    expect(undrained.cluster?.state).toBe(ClusterState.ACTIVE);
    expect(await router.rebalancer.round()).toMatchObject({ failedOver: 0, placed: 1 });
    expect((await router.client.getAssignment({ executionId: execId("new-work") })).assignment).toMatchObject({ state: 2, clusterId: "local-a", epoch: 1n, pendingReason: "" });
  });

  it("with migrate_assignments moves running work to another cluster under the next epoch", async () => {
    await healthyCluster(router.client, "local-a", { labels: { pool: "x" } });
    await router.client.assign({ executionId: execId("movable"), selection: { clusterLabel: "pool" } });
    await healthyCluster(router.client, "local-b", { labels: { pool: "y" } });
    const drained = await router.client.drainCluster({ clusterId: "local-a", migrateAssignments: true });
    expect(drained.cluster?.assignedExecutions).toBe(0);
    expect((await router.client.getAssignment({ executionId: execId("movable") })).assignment).toMatchObject({
      state: 2,
      clusterId: "local-b",
      epoch: 2n,
      previousClusterId: "local-a",
    });
  });

  it("refuses unknown clusters and bad ids", async () => {
    expect(await failure(router.client.drainCluster({ clusterId: "ghost" }))).toMatchObject({ code: Code.NotFound, rawMessage: 'cluster "ghost" not found' });
    expect(await failure(router.client.undrainCluster({ clusterId: "ghost" }))).toMatchObject({ code: Code.NotFound });
    const bad = await failure(router.client.drainCluster({ clusterId: "" }));
    expect(bad).toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringMatching(/cluster_id: /) as unknown });
  });
});
