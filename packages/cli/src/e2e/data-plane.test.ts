import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CatalogCacheStatus, WorkflowExecutionPhase } from "@skein/idl";
import { createAdminClient, type AdminClient } from "@skein/sdk";
import { startTcpProxy, testEnvironment, type TcpProxy } from "@skein/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../program.js";
import { Scratch, serve, type ServiceProcess } from "./processes.test-util.js";

// The data plane as production runs it: admin, datacatalog, the cluster router and two clusters'
// propellers, each its own `skein serve` process, on the real PostgreSQL when configured. The
// `skein` commands under test run in this process against admin.

const repo = fileURLToPath(new URL("../../../../", import.meta.url));
// Fixture code lives inside the repository so that it resolves @skein/sdk like user code does.
const fixtures = mkdtempSync(join(fileURLToPath(new URL("../../", import.meta.url)), ".test-e2e-"));
const marks = join(fixtures, "marks.log");

// 50 task nodes: five chains of ten. Every attempt appends a line to the marks file as it starts,
// so the test can tell that no attempt ran twice.
writeFileSync(
  join(fixtures, "chains.ts"),
  [
    `import { appendFileSync } from "node:fs";`,
    `import { t, task, workflow } from "@skein/sdk";`,
    `export const step = task({ name: "step", inputs: { x: t.int(), id: t.string() }, outputs: t.int() }, async ({ x, id }) => {`,
    `  appendFileSync(process.env.SKEIN_E2E_MARKS ?? "/dev/null", id + " " + process.pid + " " + process.cwd() + "\\n");`,
    `  await new Promise((r) => setTimeout(r, 300));`,
    `  return x + 1;`,
    `});`,
    `export const chains = workflow({ name: "chains", inputs: { x: t.int() }, outputs: { c0: t.int(), c1: t.int(), c2: t.int(), c3: t.int(), c4: t.int() } }, ({ x }) => {`,
    `  const ends = [0, 1, 2, 3, 4].map((c) => { let v = step({ x, id: "c" + c + "s0" }); for (let s = 1; s < 10; s++) v = step({ x: v, id: "c" + c + "s" + s }); return v; });`,
    `  return { c0: ends[0]!, c1: ends[1]!, c2: ends[2]!, c3: ends[3]!, c4: ends[4]! };`,
    `});`,
    "",
  ].join("\n"),
);

let scratch: Scratch;
let admin: ServiceProcess;
let datacatalog: ServiceProcess;
let services: ServiceProcess[] = [];
const propellers = new Map<string, ServiceProcess>();
let propellerEnv: Record<string, Record<string, string>> = {};
let client: AdminClient;
// Admin reaches Redis (when the tests have one) through a proxy the Redis test cuts mid-run.
let redis: TcpProxy | undefined;

async function skein(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = { out: "", err: "" };
  const code = await runCli(argv, { out: (t) => (io.out += t), err: (t) => (io.err += t), env: { ...process.env, SKEIN_ENDPOINT: admin.url } });
  return { code, ...io };
}

async function startPropeller(cluster: string): Promise<ServiceProcess> {
  const labels = cluster === "local-a" ? "region=us-east" : "region=eu-west,gpu=true";
  const p = await serve("propeller", ["--cluster", cluster, "--labels", labels], propellerEnv[cluster] ?? {});
  propellers.set(cluster, p);
  return p;
}

beforeAll(async () => {
  scratch = await Scratch.create();
  const dataDir = (name: string) => ({ SKEIN_DATA_DIR: join(scratch.dir, name) });
  const router = await serve("cluster-router", [], {
    ...(await scratch.databaseEnv()),
    ...dataDir("router"),
    SKEIN_HEARTBEAT_TIMEOUT_MS: "3000",
    SKEIN_HEARTBEAT_INTERVAL_MS: "500",
    SKEIN_ROUTER_REBALANCE_INTERVAL_MS: "250",
    SKEIN_ROUTER_WATCH_POLL_MS: "100",
  });
  datacatalog = await serve("datacatalog", [], { ...(await scratch.databaseEnv()), ...dataDir("datacatalog") });
  const redisUrl = testEnvironment().redisUrl;
  if (redisUrl !== undefined) {
    const target = new URL(redisUrl);
    redis = await startTcpProxy(target.hostname, Number(target.port || 6379));
  }
  const redisEnv: Record<string, string> = redis === undefined ? {} : { REDIS_URL: `redis://127.0.0.1:${redis.port}` };
  admin = await serve("admin", [], { ...(await scratch.databaseEnv()), ...dataDir("admin"), ...redisEnv, SKEIN_ROUTER_ENDPOINT: router.url });
  services = [router, datacatalog, admin];
  const common = {
    SKEIN_ADMIN_ENDPOINT: admin.url,
    SKEIN_ROUTER_ENDPOINT: router.url,
    SKEIN_DATACATALOG_ENDPOINT: datacatalog.url,
    SKEIN_PROPELLER_LEASE_TTL_MS: "2000",
    SKEIN_PROPELLER_HEARTBEAT_INTERVAL_MS: "500",
    SKEIN_E2E_MARKS: marks,
  };
  propellerEnv = {
    "local-a": { ...common, ...(await scratch.databaseEnv()), ...dataDir("local-a") },
    "local-b": { ...common, ...(await scratch.databaseEnv()), ...dataDir("local-b") },
  };
  await startPropeller("local-a");
  await startPropeller("local-b");
  client = createAdminClient(admin.url);
  expect((await skein("project", "create", "default")).code).toBe(0);
  // Both clusters heartbeat before anything is placed.
  for (let i = 0; i < 100; i++) {
    const listed = await skein("cluster", "list");
    if ((listed.out.match(/healthy/gi) ?? []).length >= 2) break;
    await new Promise((r) => setTimeout(r, 100));
  }
}, 180_000);

afterAll(async () => {
  for (const p of propellers.values()) await p.stop();
  for (const s of services.reverse()) await s.stop();
  await redis?.close();
  await scratch.release();
  rmSync(fixtures, { recursive: true, force: true });
}, 60_000);

const id = (name: string) => ({ project: "default", domain: "development", name });

async function waitFinished(name: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { execution } = await client.getExecution({ id: id(name) });
    const phase = execution?.closure?.phase ?? WorkflowExecutionPhase.UNSPECIFIED;
    if ([WorkflowExecutionPhase.SUCCEEDED, WorkflowExecutionPhase.FAILED, WorkflowExecutionPhase.ABORTED, WorkflowExecutionPhase.TIMED_OUT].includes(phase)) return execution;
    if (Date.now() > deadline) throw new Error(`${name} still ${phase} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("the data plane, each service in its own process", () => {
  it("runs hello world remotely and prints its result", async () => {
    const run = await skein("run", "--remote", "--wait", "--name", "hello-ada", join(repo, "examples/hello.ts"), "wf", "--name", "Ada");
    expect(run.err, run.err).toContain("SUCCEEDED");
    expect(run.out).toContain("Hello, Ada!");
    expect(run.code).toBe(0);
  }, 120_000);

  it("runs on the gpu cluster when asked for the gpu label, and says so", async () => {
    const run = await skein("run", "--remote", "--wait", "--cluster-label", "gpu", "--name", "hello-gpu", join(repo, "examples/hello.ts"), "wf", "--name", "Grace");
    expect(run.out).toContain("Hello, Grace!");
    const shown = await skein("get", "execution", "hello-gpu");
    expect(shown.out).toContain("local-b");
  }, 120_000);

  it("serves the ML example's second run from the cache", async () => {
    const file = join(repo, "examples/ml-pipeline.ts");
    expect((await skein("run", "--remote", "--wait", "--name", "ml-one", file, "training")).code).toBe(0);
    expect((await skein("run", "--remote", "--wait", "--name", "ml-two", file, "training")).code).toBe(0);
    const { nodeExecutions } = await client.listNodeExecutions({ executionId: id("ml-two"), limit: 1000 });
    const statuses = new Map(nodeExecutions.map((n) => [n.id?.nodeId ?? "", n.closure?.targetMetadata.case === "taskNodeInfo" ? n.closure.targetMetadata.value.cacheStatus : undefined]));
    const hits = [...statuses.values()].filter((s) => s === CatalogCacheStatus.HIT).length;
    expect(hits).toBeGreaterThanOrEqual(2);
    expect([...statuses.values()]).not.toContain(CatalogCacheStatus.POPULATED);
    const entries = await skein("cache", "list", "--catalog-endpoint", datacatalog.url);
    expect(entries.out, entries.err).toContain("ml-one");
  }, 240_000);

  it.runIf(testEnvironment().redisUrl !== undefined)("finishes a run, and the CLI watching it, with Redis stopped mid-run", async () => {
    const watching = skein("run", "--remote", "--wait", "--cluster-label", "gpu", "--name", "chains-no-redis", join(fixtures, "chains.ts"), "chains", "--x", "5");
    for (;;) {
      const { nodeExecutions } = await client.listNodeExecutions({ executionId: id("chains-no-redis"), limit: 100 }).catch(() => ({ nodeExecutions: [] }));
      if (nodeExecutions.length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    redis?.cut();
    const run = await watching;
    expect(run.err, run.err).toContain("SUCCEEDED");
    expect(run.out).toContain("15");
    expect(run.code).toBe(0);
    expect((await waitFinished("chains-no-redis"))?.closure?.cluster).toBe("local-b");
  }, 120_000);

  it("finishes a 50-node workflow correctly through ten kill -9s of its propeller, running no attempt twice", async () => {
    if (existsSync(marks)) rmSync(marks);
    const started = await skein("run", "--remote", "--cluster-label", "region=us-east", "--name", "chains-crash", join(fixtures, "chains.ts"), "chains", "--x", "0");
    expect(started.code).toBe(0);
    let kills = 0;
    while (kills < 10) {
      await new Promise((r) => setTimeout(r, 200 + Math.floor(Math.random() * 1000)));
      const { execution } = await client.getExecution({ id: id("chains-crash") });
      expect(execution?.closure?.phase).not.toBe(WorkflowExecutionPhase.SUCCEEDED);
      await propellers.get("local-a")?.kill();
      kills += 1;
      await startPropeller("local-a");
    }
    const execution = await waitFinished("chains-crash");
    expect(execution?.closure?.phase).toBe(WorkflowExecutionPhase.SUCCEEDED);
    expect(execution?.closure?.cluster).toBe("local-a");
    const outputs = await skein("get", "execution", "chains-crash");
    expect(outputs.code).toBe(0);
    const data = await client.getExecutionData({ id: id("chains-crash") });
    expect(Object.keys(data.outputs?.literals ?? {}).sort()).toEqual(["c0", "c1", "c2", "c3", "c4"]);
    for (const literal of Object.values(data.outputs?.literals ?? {})) {
      const value = literal.value.case === "scalar" && literal.value.value.value.case === "primitive" ? literal.value.value.value.value.value.value : undefined;
      expect(value).toBe(10n);
    }
    // One line per started attempt: "<step id> <pid> <attempt directory>".
    const lines = readFileSync(marks, "utf8").trim().split("\n");
    const steps = lines.map((line) => line.split(" ")[0]);
    expect(new Set(steps).size).toBe(50);
    expect(lines, lines.filter((l) => steps.filter((s) => s === l.split(" ")[0]).length > 1).join("\n")).toHaveLength(50);
  }, 300_000);
});
