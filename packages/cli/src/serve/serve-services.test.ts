import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemorySink } from "@skein/server";
import { createTestDatabase, testEnvironment, type TestDatabase } from "@skein/testing";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { runCli } from "../program.js";
import { serveCommand } from "./serve-command.js";
import type { RunningService } from "./services.js";

const dataDir = await mkdtemp(join(tmpdir(), "skein-serve-services-"));
afterAll(() => rm(dataDir, { recursive: true, force: true }));

// Each test gets a database of its own on the PostgreSQL server when one is configured.
let database: TestDatabase | undefined;
afterEach(async () => {
  await database?.destroy();
  database = undefined;
});
async function databaseEnv(): Promise<Record<string, string>> {
  if (testEnvironment().databaseUrl === undefined) return {};
  database = await createTestDatabase();
  return database.url === undefined ? {} : { DATABASE_URL: database.url };
}

/** Serves `name` on a free port, calls `rpc` on it with `{}`, stops it, and returns what happened. */
async function serveAndCall(name: string, rpc: string): Promise<{ code: number; out: string; status: number; body: unknown }> {
  const stop = new AbortController();
  let out = "";
  let started!: (service: RunningService) => void;
  const listening = new Promise<RunningService>((resolve) => (started = resolve));
  const env = await databaseEnv();
  const exited = serveCommand(name, { port: "0", dataDir }, { out: (t) => (out += t), err: () => undefined, env, abort: stop.signal, onListening: started, logSink: createMemorySink() });
  const service = await Promise.race([listening, exited.then((code) => expect.fail(`serve exited with ${code} before listening`))]);
  const response = await fetch(`${service.url}/${rpc}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(rpc.endsWith("FindArtifacts") ? { project: "demo", domain: "development" } : {}) });
  const body: unknown = await response.json();
  stop.abort();
  const code = await exited;
  // Stopped means stopped: the port no longer answers.
  await expect(fetch(`${service.url}/${rpc}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" })).rejects.toThrow();
  return { code, out, status: response.status, body };
}

describe("skein serve", () => {
  it("serves the cluster router until stopped", async () => {
    const run = await serveAndCall("cluster-router", "skein.router.v1.ClusterRouterService/ListClusters");
    expect({ code: run.code, status: run.status, body: run.body }).toEqual({ code: 0, status: 200, body: {} });
    const kind = testEnvironment().databaseUrl === undefined ? "pglite" : "postgres";
    expect(run.out).toMatch(new RegExp(`^cluster-router serving Connect, gRPC and gRPC-Web on http://127\\.0\\.0\\.1:\\d+ \\(database: ${kind}\\)\\ncluster-router stopped\\n$`));
  });

  it("serves datacatalog until stopped", async () => {
    const run = await serveAndCall("datacatalog", "skein.datacatalog.v1.DataCatalogService/FindArtifacts");
    expect({ code: run.code, status: run.status, body: run.body }).toEqual({ code: 0, status: 200, body: {} });
    expect(run.out).toMatch(/^datacatalog serving Connect, gRPC and gRPC-Web on http:\/\/127\.0\.0\.1:\d+ \(database: (pglite|postgres)\)\ndatacatalog stopped\n$/);
  });

  it("exits 2 naming the setting when the configuration is bad, before listening", async () => {
    const errors: string[] = [];
    const io = { out: () => undefined, err: (t: string) => errors.push(t), env: { SKEIN_HEARTBEAT_INTERVAL_MS: "20000", SKEIN_HEARTBEAT_TIMEOUT_MS: "10000" } };
    expect(await serveCommand("cluster-router", { port: "0", dataDir }, io)).toBe(2);
    expect(errors.join("")).toContain("heartbeatIntervalMs");
    expect(await serveCommand("datacatalog", { port: "not-a-port", dataDir }, { ...io, env: {} })).toBe(2);
    expect(errors.join("")).toContain("port");
    expect(await serveCommand("datacatalog", { port: "0", dataDir }, { ...io, env: { DATABASE_URL: "mysql://db/x" } })).toBe(2);
    expect(errors.join("")).toContain("DATABASE_URL");
  });

  it("exits 2 for an unknown service, listing the available ones", async () => {
    let err = "";
    const code = await runCli(["serve", "propeller-x"], { out: () => undefined, err: (t) => (err += t), env: {} });
    expect(code).toBe(2);
    expect(err).toBe('error: serve: "propeller-x" is not a service that can run on its own (available: admin, datacatalog, cluster-router, propeller)\n');
  });
});
