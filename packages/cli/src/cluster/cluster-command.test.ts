import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ClusterRouterService, ClusterState } from "@skein/idl/router/v1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedEndpoint, skein, startTestRouter } from "./test-services.test-util.js";

let router: Awaited<ReturnType<typeof startTestRouter>>;
let client: Client<typeof ClusterRouterService>;
let env: Record<string, string>;

beforeAll(async () => {
  router = await startTestRouter();
  client = createClient(ClusterRouterService, createConnectTransport({ baseUrl: router.service.url, httpVersion: "1.1" }));
  env = { SKEIN_ROUTER_ENDPOINT: router.service.url };
});
afterAll(async () => {
  await router.close();
});

async function stateOf(id: string): Promise<ClusterState | undefined> {
  const { clusters } = await client.listClusters({});
  return clusters.find((c) => c.id === id)?.state;
}

describe("skein cluster", () => {
  it("lists no clusters before any registers", async () => {
    expect(await skein(env, "cluster", "list")).toEqual({ code: 0, out: "no clusters registered\n", err: "" });
  });

  describe("with local-a heartbeating and local-b registered only", () => {
    beforeAll(async () => {
      await client.registerCluster({ id: "local-a", region: "us-east", labels: { region: "us-east" }, weight: 1 });
      await client.heartbeat({ clusterId: "local-a", load: { runningExecutions: 2, freeCapacity: 8 } });
      await client.registerCluster({ id: "local-b", region: "eu-west", labels: { region: "eu-west", gpu: "true" }, weight: 1, capacity: 4 });
    });

    it("shows every cluster with region, labels, health, load, assignments and drain state", async () => {
      const listed = await skein(env, "cluster", "list");
      expect(listed.code).toBe(0);
      expect(listed.out).toBe(
        [
          "CLUSTER  REGION   LABELS                   HEALTH   LOAD               ASSIGNMENTS  DRAINED",
          "local-a  us-east  region=us-east           HEALTHY  2 running, 8 free  0            no",
          "local-b  eu-west  gpu=true,region=eu-west  PENDING  -                  0            no",
          "",
        ].join("\n"),
      );
    });

    it("filters by label and region, and prints JSON with --json", async () => {
      const gpu = await skein(env, "cluster", "list", "--label", "gpu", "--json");
      expect(gpu.code).toBe(0);
      const json = JSON.parse(gpu.out) as { clusters: { id: string; labels: Record<string, string>; health: string; state: string; capacity: number }[] };
      expect(json.clusters).toHaveLength(1);
      expect(json.clusters[0]).toMatchObject({ id: "local-b", labels: { gpu: "true", region: "eu-west" }, health: "CLUSTER_HEALTH_PENDING", state: "CLUSTER_STATE_ACTIVE", capacity: 4 });
      const east = await skein(env, "cluster", "list", "--region", "us-east");
      expect(east.out.split("\n").filter((line) => line.startsWith("local-"))).toEqual([expect.stringMatching(/^local-a /)]);
    });

    it("drains a cluster, keeping its running work there, and undrains it", async () => {
      const assigned = await client.assign({ executionId: { project: "demo", domain: "development", name: "stays" }, selection: { clusterId: "local-a" } });
      expect(assigned.assignment?.clusterId).toBe("local-a");

      const drained = await skein(env, "cluster", "drain", "local-a");
      expect(drained).toEqual({ code: 0, out: "cluster local-a drained: no new work goes there; 1 assigned execution finishes there\n", err: "" });
      expect(await stateOf("local-a")).toBe(ClusterState.DRAINING);
      const listed = await skein(env, "cluster", "list");
      expect(listed.out).toMatch(/^local-a .* 1 +yes$/m);
      const stays = await client.getAssignment({ executionId: { project: "demo", domain: "development", name: "stays" } });
      expect(stays.assignment).toMatchObject({ clusterId: "local-a", epoch: 1n });

      // Draining again changes nothing.
      expect((await skein(env, "cluster", "drain", "local-a")).code).toBe(0);
      expect(await skein(env, "cluster", "undrain", "local-a")).toEqual({ code: 0, out: "cluster local-a undrained: it receives new work again\n", err: "" });
      expect(await stateOf("local-a")).toBe(ClusterState.ACTIVE);
    });

    it("drain --migrate moves the running work to another cluster under the next epoch", async () => {
      await client.registerCluster({ id: "local-c", region: "us-east", labels: {}, weight: 1 });
      await client.heartbeat({ clusterId: "local-c", load: { runningExecutions: 0, freeCapacity: 10 } });
      const executionId = { project: "demo", domain: "development", name: "moves" };
      await client.assign({ executionId, selection: { clusterId: "local-c" } });

      const drained = await skein(env, "cluster", "drain", "local-c", "--migrate");
      expect(drained.code).toBe(0);
      expect(drained.out).toBe("cluster local-c drained: no new work goes there; its executions were moved to other clusters\n");
      const moved = await client.getAssignment({ executionId });
      expect(moved.assignment?.clusterId).not.toBe("local-c");
      expect(moved.assignment?.previousClusterId).toBe("local-c");
      await client.undrainCluster({ clusterId: "local-c" });
    });
  });

  it("exits 1 naming an unknown cluster", async () => {
    const drained = await skein(env, "cluster", "drain", "nowhere");
    expect(drained.code).toBe(1);
    expect(drained.err).toMatch(/^error: .*nowhere/);
  });

  it("exits 2 when the router refuses the input, naming the field", async () => {
    const drained = await skein(env, "cluster", "drain", "Not_A_Name");
    expect(drained.code).toBe(2);
    expect(drained.err).toContain("cluster_id");
    const listed = await skein(env, "cluster", "list", "--label", "=bad");
    expect(listed.code).toBe(2);
    expect(listed.err).toContain("cluster_label");
  });

  it("exits 2 for bad command lines", async () => {
    expect((await skein(env, "cluster", "drain")).code).toBe(2);
    expect((await skein(env, "cluster", "list", "--bogus")).code).toBe(2);
    expect((await skein(env, "cluster", "explode")).code).toBe(2);
    const badUrl = await skein(env, "cluster", "list", "--router-endpoint", "ftp://router");
    expect(badUrl).toMatchObject({ code: 2, err: 'error: --router-endpoint: "ftp://router" must use http:// or https://\n' });
    const badEnv = await skein({ SKEIN_ROUTER_ENDPOINT: "not a url" }, "cluster", "list");
    expect(badEnv.code).toBe(2);
    expect(badEnv.err).toContain("SKEIN_ROUTER_ENDPOINT");
  });

  it("reaches the router at the admin endpoint when no router endpoint is set", async () => {
    const viaFlag = await skein({}, "--endpoint", router.service.url, "cluster", "list");
    expect(viaFlag.code).toBe(0);
    expect(viaFlag.out).toMatch(/^local-a /m);
    const viaEnv = await skein({ SKEIN_ENDPOINT: router.service.url }, "cluster", "list", "--json");
    expect(viaEnv.code).toBe(0);
    // The router's own flag wins over both.
    const unreachable = await closedEndpoint();
    const flagWins = await skein({ SKEIN_ENDPOINT: unreachable, SKEIN_ROUTER_ENDPOINT: unreachable }, "cluster", "list", "--router-endpoint", router.service.url);
    expect(flagWins.code).toBe(0);
  });

  it("exits 1 naming the address when the router cannot be reached", async () => {
    const unreachable = await closedEndpoint();
    const listed = await skein({ SKEIN_ROUTER_ENDPOINT: unreachable }, "cluster", "list");
    expect(listed.code).toBe(1);
    expect(listed.out).toBe("");
    expect(listed.err).toContain(`error: cannot reach the cluster router at ${unreachable}`);
    expect(listed.err).toContain("--router-endpoint / SKEIN_ROUTER_ENDPOINT");
  });
});
