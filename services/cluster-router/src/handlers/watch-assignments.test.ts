import { Code } from "@connectrpc/connect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { shardOf } from "../domain/execution-hash.js";
import { failure } from "../test-support/call-failure.js";
import { execId, healthyCluster } from "../test-support/cluster-fixtures.js";
import { createInProcessRouter, createRouterReplica, type InProcessRouter } from "../test-support/router-fixture.js";
import { describeUpdate, openWatch, type WatchStream } from "../test-support/watch-stream.js";

let router: InProcessRouter;
const streams: WatchStream[] = [];
beforeEach(async () => {
  router = await createInProcessRouter();
  await healthyCluster(router.client, "local-a");
  await healthyCluster(router.client, "local-b");
});
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  await router.destroy();
});

function watch(clusterId: string, shard?: { count: number; index: number }): WatchStream {
  const stream = openWatch(router.client, clusterId, shard);
  streams.push(stream);
  return stream;
}

describe("WatchAssignments", () => {
  it("sends a snapshot, SYNCED, then each change of this cluster only", async () => {
    await router.client.assign({ executionId: execId("before"), selection: { clusterId: "local-a" } });
    const a = watch("local-a");
    expect(await a.snapshot()).toEqual(["ASSIGNED before@local-a#1", "SYNCED"]);

    await router.client.assign({ executionId: execId("elsewhere"), selection: { clusterId: "local-b" } });
    await router.client.assign({ executionId: execId("mine"), selection: { clusterId: "local-a" } });
    expect(describeUpdate(await a.next())).toBe("ASSIGNED mine@local-a#1");
    await router.client.terminateAssignment({ executionId: execId("mine"), cause: "stop" });
    const terminate = await a.next();
    expect(describeUpdate(terminate)).toBe("TERMINATE mine@local-a#1");
    expect(terminate.assignment?.termination?.cause).toBe("stop");
    await router.client.releaseAssignment({ executionId: execId("elsewhere") });
    await router.client.releaseAssignment({ executionId: execId("before") });
    expect(describeUpdate(await a.next())).toBe("RELEASED before@local-a#1");

    // A reconnecting propeller resumes from a fresh snapshot: pending terminations are repeated.
    expect(await watch("local-a").snapshot()).toEqual(["ASSIGNED mine@local-a#1", "TERMINATE mine@local-a#1", "SYNCED"]);
    expect(await watch("local-b").snapshot()).toEqual(["SYNCED"]);
  });

  it("splits a cluster's assignments between shards by execution hash", async () => {
    const names = Array.from({ length: 12 }, (_, i) => `shard-${i}`);
    for (const name of names) await router.client.assign({ executionId: execId(name), selection: { clusterId: "local-a" } });
    const expected = (index: number) =>
      names
        .filter((n) => shardOf(execId(n), 3) === index)
        .sort()
        .map((n) => `ASSIGNED ${n}@local-a#1`);
    const seen = await Promise.all([0, 1, 2].map((index) => watch("local-a", { count: 3, index }).snapshot()));
    for (const index of [0, 1, 2]) expect(seen[index]).toEqual([...expected(index), "SYNCED"]);
    expect(seen.flat().filter((s) => s !== "SYNCED")).toHaveLength(12);
    expect(seen.every((s) => s.length > 1)).toBe(true);
  });

  it("delivers changes made through another router replica", async () => {
    const other = await createRouterReplica(router);
    const a = watch("local-a");
    expect(await a.snapshot()).toEqual(["SYNCED"]);
    await other.client.assign({ executionId: execId("via-other"), selection: { clusterId: "local-a" } });
    expect(describeUpdate(await a.next())).toBe("ASSIGNED via-other@local-a#1");
  });

  it("refuses an unregistered cluster and a shard index out of range", async () => {
    const unknown = await failure(watch("ghost").next());
    expect(unknown).toMatchObject({ code: Code.FailedPrecondition, rawMessage: expect.stringMatching(/^cluster "ghost" is not registered/) as unknown });
    const shard = await failure(watch("local-a", { count: 2, index: 2 }).next());
    expect(shard).toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringMatching(/shard_index must be lower than shard_count/) as unknown });
  });
});
