import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ClusterHealth, ClusterRouterService, type Cluster } from "@skein/idl/router/v1";
import { createTestDatabase, testEnvironment, type TestDatabase } from "@skein/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedEndpoint, startTestRouter } from "../cluster/test-services.test-util.js";
import { runCli } from "../program.js";
import { serveCommand } from "./serve-command.js";

const dataDir = await mkdtemp(join(tmpdir(), "skein-serve-propeller-"));
let router: Awaited<ReturnType<typeof startTestRouter>>;
let database: TestDatabase | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  router = await startTestRouter();
  if (testEnvironment().databaseUrl !== undefined) database = await createTestDatabase();
  // Nothing answers at admin's and datacatalog's addresses: a replica with no work never dials them.
  const nowhere = await closedEndpoint();
  env = {
    SKEIN_ROUTER_ENDPOINT: router.service.url,
    SKEIN_ADMIN_ENDPOINT: nowhere,
    SKEIN_DATACATALOG_ENDPOINT: nowhere,
    SKEIN_PROPELLER_HEARTBEAT_INTERVAL_MS: "100",
    ...(database?.url !== undefined && { DATABASE_URL: database.url }),
  };
});
afterAll(async () => {
  await router.close();
  await database?.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

/** The cluster as the router sees it, once it has heartbeated. */
async function healthyCluster(id: string): Promise<Cluster> {
  const client = createClient(ClusterRouterService, createConnectTransport({ baseUrl: router.service.url, httpVersion: "1.1" }));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { clusters } = await client.listClusters({});
    const found = clusters.find((c) => c.id === id);
    if (found?.health === ClusterHealth.HEALTHY) return found;
    if (Date.now() > deadline) throw new Error(`cluster ${id} never became healthy (router knows: ${clusters.map((c) => `${c.id} ${ClusterHealth[c.health]}`).join(", ") || "none"})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("skein serve propeller", () => {
  it("registers the cluster the flags name with the router and heartbeats until stopped", async () => {
    const stop = new AbortController();
    let out = "";
    let err = "";
    const argv = ["serve", "propeller", "--port", "0", "--data-dir", dataDir, "--cluster", "edge-1", "--labels", "gpu=true,zone=a", "--region", "eu-north"];
    const exited = runCli(argv, { out: (t) => (out += t), err: (t) => (err += t), env: { ...env, SKEIN_LOG_LEVEL: "error" }, abort: stop.signal });
    const cluster = await Promise.race([healthyCluster("edge-1"), exited.then((code) => expect.fail(`serve exited with ${code} before registering: ${err}`))]);
    expect({ region: cluster.region, labels: cluster.labels }).toEqual({ region: "eu-north", labels: { gpu: "true", zone: "a" } });
    stop.abort();
    expect(await exited).toBe(0);
    expect(out).toMatch(/^propeller running, dialing admin, the cluster router and datacatalog; health on http:\/\/127\.0\.0\.1:\d+ \(database: (pglite|postgres)\)\npropeller stopped\n$/);
  });

  it("takes the cluster from the environment when no flag names it", async () => {
    const stop = new AbortController();
    const exited = serveCommand("propeller", { port: "0", dataDir }, { out: () => undefined, err: () => undefined, env: { ...env, SKEIN_CLUSTER_ID: "edge-2", SKEIN_CLUSTER_LABELS: "tier=batch", SKEIN_LOG_LEVEL: "error" }, abort: stop.signal });
    const cluster = await healthyCluster("edge-2");
    expect({ region: cluster.region, labels: cluster.labels }).toEqual({ region: "local", labels: { tier: "batch" } });
    stop.abort();
    expect(await exited).toBe(0);
  });

  it("exits 2 naming the field when a cluster flag or an endpoint is bad, before starting", async () => {
    const attempt = async (flags: Record<string, string>, extraEnv: Record<string, string> = {}) => {
      let err = "";
      const code = await serveCommand("propeller", { port: "0", dataDir, ...flags }, { out: () => undefined, err: (t) => (err += t), env: { ...env, ...extraEnv } });
      return { code, err };
    };
    const cluster = await attempt({ cluster: "Edge_1" });
    expect(cluster.code).toBe(2);
    expect(cluster.err).toContain("clusterId: must be a lowercase DNS label");
    const labels = await attempt({ labels: "gpu=true,bad label" });
    expect(labels.code).toBe(2);
    expect(labels.err).toContain('labels: label "bad label" must be key=value');
    const region = await attempt({ region: "" });
    expect(region.code).toBe(2);
    expect(region.err).toContain("region:");
    const admin = await attempt({}, { SKEIN_ADMIN_ENDPOINT: "ftp://admin" });
    expect(admin.code).toBe(2);
    expect(admin.err).toContain("adminEndpoint (from SKEIN_ADMIN_ENDPOINT)");
  });

  it("exits 2 when a cluster flag is given to a service that is not propeller", async () => {
    let err = "";
    const code = await runCli(["serve", "admin", "--port", "0", "--data-dir", dataDir, "--labels", "gpu=true"], { out: () => undefined, err: (t) => (err += t), env: {} });
    expect(code).toBe(2);
    expect(err).toBe("error: serve admin: --labels applies only to skein serve propeller\n");
  });
});
