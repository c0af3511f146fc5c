import { Code } from "@connectrpc/connect";
import { AssignmentState } from "@skein/idl/router/v1";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { failure } from "../test-support/call-failure.js";
import { execId, healthyCluster } from "../test-support/cluster-fixtures.js";
import { createInProcessRouter, type InProcessRouter } from "../test-support/router-fixture.js";

let router: InProcessRouter;
beforeEach(async () => {
  router = await createInProcessRouter({ defaultExecutionLabel: "tier" });
});
afterEach(async () => {
  await router.destroy();
});

describe("Assign", () => {
  it("is idempotent per execution: asking again returns the same cluster and epoch, unchanged", async () => {
    await healthyCluster(router.client, "local-a", { labels: { tier: "a" } });
    await healthyCluster(router.client, "local-b", { labels: { tier: "b" } });
    const first = await router.client.assign({ executionId: execId("same") });
    expect(first.assignment).toMatchObject({ state: AssignmentState.ACTIVE, epoch: 1n, previousClusterId: "", executionId: execId("same") });
    expect(["local-a", "local-b"]).toContain(first.assignment?.clusterId);
    router.clock.advance(1_000);
    // Even a different selection does not move an existing assignment.
    const again = await router.client.assign({ executionId: execId("same"), selection: { clusterId: "local-b" } });
    expect(again.assignment).toEqual(first.assignment);
    const [a, b] = (await router.client.listClusters({})).clusters;
    expect((a?.assignedExecutions ?? 0) + (b?.assignedExecutions ?? 0)).toBe(1);
  });

  it("concurrent first calls for one execution agree on one assignment", async () => {
    await healthyCluster(router.client, "local-a", { labels: { tier: "a" } });
    await healthyCluster(router.client, "local-b", { labels: { tier: "b" } });
    const results = await Promise.all(Array.from({ length: 5 }, () => router.client.assign({ executionId: execId("racy") })));
    for (const result of results) expect(result.assignment).toEqual(results[0]?.assignment);
  });

  it("uses the explicit cluster, the label, else the configured default label", async () => {
    await healthyCluster(router.client, "plain");
    await healthyCluster(router.client, "gpu", { labels: { gpu: "true" } });
    await healthyCluster(router.client, "tiered", { labels: { tier: "standard" } });
    expect((await router.client.assign({ executionId: execId("e1"), selection: { clusterId: "plain" } })).assignment?.clusterId).toBe("plain");
    expect((await router.client.assign({ executionId: execId("e2"), selection: { clusterLabel: "gpu=true" } })).assignment?.clusterId).toBe("gpu");
    for (const name of ["e3", "e4", "e5", "e6"]) {
      expect((await router.client.assign({ executionId: execId(name) })).assignment?.clusterId).toBe("tiered");
    }
    expect((await router.client.getAssignment({ executionId: execId("e2") })).assignment?.selection).toMatchObject({ clusterLabel: "gpu=true" });
  });

  it("holds work pending, naming the label, until a matching cluster qualifies", async () => {
    await healthyCluster(router.client, "plain");
    const held = await router.client.assign({ executionId: execId("wants-gpu"), selection: { clusterLabel: "gpu" } });
    expect(held.assignment).toMatchObject({
      state: AssignmentState.PENDING,
      clusterId: "",
      epoch: 0n,
      pendingReason: 'no cluster matching label "gpu" is registered',
    });
    expect(await router.rebalancer.round()).toMatchObject({ placed: 0 });
    await router.client.registerCluster({ id: "gpu", region: "us-east", weight: 1, labels: { gpu: "true" } });
    await router.rebalancer.round();
    expect((await router.client.getAssignment({ executionId: execId("wants-gpu") })).assignment?.pendingReason).toBe(
      "no cluster matching label \"gpu\" is active, healthy, serving the execution's project and domain, with free capacity",
    );
    await router.client.heartbeat({ clusterId: "gpu", load: { freeCapacity: 4 } });
    expect(await router.rebalancer.round()).toMatchObject({ placed: 1 });
    expect((await router.client.getAssignment({ executionId: execId("wants-gpu") })).assignment).toMatchObject({
      state: AssignmentState.ACTIVE,
      clusterId: "gpu",
      epoch: 1n,
      pendingReason: "",
    });
  });

  it("respects capacity: a full cluster gets nothing more, a released slot is reused", async () => {
    await healthyCluster(router.client, "small", { labels: { tier: "x" }, capacity: 1 });
    expect((await router.client.assign({ executionId: execId("one") })).assignment?.clusterId).toBe("small");
    const second = await router.client.assign({ executionId: execId("two") });
    expect(second.assignment).toMatchObject({ state: AssignmentState.PENDING, pendingReason: expect.stringContaining('label "tier"') as unknown });
    await router.client.releaseAssignment({ executionId: execId("one") });
    expect(await router.rebalancer.round()).toMatchObject({ placed: 1 });
    expect((await router.client.getAssignment({ executionId: execId("two") })).assignment).toMatchObject({ clusterId: "small", epoch: 1n });
  });

  it("refuses an unregistered explicit cluster and bad input, leaving nothing behind", async () => {
    const missing = await failure(router.client.assign({ executionId: execId("x"), selection: { clusterId: "ghost" } }));
    expect(missing).toMatchObject({ code: Code.NotFound, rawMessage: 'cluster "ghost" not found' });
    expect(await failure(router.client.getAssignment({ executionId: execId("x") }))).toMatchObject({ code: Code.NotFound });

    const noId = await failure(router.client.assign({}));
    expect(noId).toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringMatching(/execution_id: value is required/) as unknown });
    const badName = await failure(router.client.assign({ executionId: execId("Bad Name") }));
    expect(badName).toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringMatching(/execution_id\.name: /) as unknown });
    const badLabel = await failure(router.client.assign({ executionId: execId("y"), selection: { clusterLabel: "a=b=c" } }));
    expect(badLabel).toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringMatching(/selection\.cluster_label: /) as unknown });
    const badCluster = await failure(router.client.assign({ executionId: execId("y"), selection: { clusterId: "UPPER" } }));
    expect(badCluster).toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringMatching(/selection\.cluster_id: /) as unknown });
  });
});

describe("ReleaseAssignment and TerminateAssignment", () => {
  it("release frees the slot and is idempotent", async () => {
    await healthyCluster(router.client, "local-a", { labels: { tier: "a" } });
    await router.client.assign({ executionId: execId("done") });
    await router.client.releaseAssignment({ executionId: execId("done") });
    await router.client.releaseAssignment({ executionId: execId("done") });
    const released = (await router.client.getAssignment({ executionId: execId("done") })).assignment;
    expect(released).toMatchObject({ state: AssignmentState.RELEASED, clusterId: "local-a", epoch: 1n });
    expect((await router.client.listClusters({})).clusters[0]?.assignedExecutions).toBe(0);
    // Assign stays idempotent after release: the execution does not run again.
    expect((await router.client.assign({ executionId: execId("done") })).assignment).toEqual(released);
    expect(await failure(router.client.releaseAssignment({ executionId: execId("never") }))).toMatchObject({ code: Code.NotFound });
  });

  it("terminate records the request on an active assignment once, and releases a pending one at once", async () => {
    await healthyCluster(router.client, "local-a", { labels: { tier: "a" } });
    await router.client.assign({ executionId: execId("running") });
    const terminated = await router.client.terminateAssignment({ executionId: execId("running"), cause: "user asked", principal: "ada" });
    expect(terminated.assignment).toMatchObject({ state: AssignmentState.ACTIVE, clusterId: "local-a", termination: { cause: "user asked", principal: "ada" } });
    router.clock.advance(1_000);
    const again = await router.client.terminateAssignment({ executionId: execId("running"), cause: "again", principal: "bob" });
    expect(again.assignment?.termination).toEqual(terminated.assignment?.termination);

    const pending = await router.client.assign({ executionId: execId("queued"), selection: { clusterLabel: "nowhere" } });
    expect(pending.assignment?.state).toBe(AssignmentState.PENDING);
    const dropped = await router.client.terminateAssignment({ executionId: execId("queued"), cause: "not needed" });
    expect(dropped.assignment).toMatchObject({ state: AssignmentState.RELEASED, termination: { cause: "not needed" } });
    expect(await router.rebalancer.round()).toMatchObject({ placed: 0 });

    const tooLong = await failure(router.client.terminateAssignment({ executionId: execId("running"), cause: "x".repeat(2049) }));
    expect(tooLong).toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringMatching(/cause: /) as unknown });
  });
});
