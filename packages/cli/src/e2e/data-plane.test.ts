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

// One task that runs until the test lets it finish: it writes its "started" file, then waits for
// its "release" file. It holds an execution on a cluster for as long as a test needs.
writeFileSync(
  join(fixtures, "held.ts"),
  [
    `import { existsSync, writeFileSync } from "node:fs";`,
    `import { t, task } from "@skein/sdk";`,
    `export const hold = task({ name: "hold", inputs: { started: t.string(), release: t.string() }, outputs: t.string() }, async ({ started, release }) => {`,
    `  writeFileSync(started, String(process.pid));`,
    `  for (let waited = 0; !existsSync(release); waited += 50) {`,
    `    if (waited > 120_000) throw new Error("not released within 120 s");`,
    `    await new Promise((r) => setTimeout(r, 50));`,
    `  }`,
    `  return "released";`,
    `});`,
    "",
  ].join("\n"),
);

let scratch: Scratch;
let admin: ServiceProcess;
let router: ServiceProcess;
let datacatalog: ServiceProcess;
let services: ServiceProcess[] = [];
const propellers = new Map<string, ServiceProcess>();
let propellerEnv: Record<string, Record<string, string>> = {};
let client: AdminClient;
// Admin reaches Redis (when the tests have one) through a proxy the Redis test cuts mid-run.
let redis: TcpProxy | undefined;

async function skein(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = { out: "", err: "" };
  const code = await runCli(argv, { out: (t) => (io.out += t), err: (t) => (io.err += t), env: { ...process.env, SKEIN_ENDPOINT: admin.url, SKEIN_ROUTER_ENDPOINT: router.url, SKEIN_CATALOG_ENDPOINT: datacatalog.url } });
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
  router = await serve("cluster-router", [], {
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

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The `cluster` line of `skein get execution NAME`. */
async function shownCluster(name: string): Promise<string | undefined> {
  const shown = await skein("get", "execution", name);
  return /^cluster +(\S+)$/m.exec(shown.out)?.[1];
}

interface NodeJson {
  readonly node: { readonly id?: { readonly node_id?: string }; readonly closure?: { readonly phase?: string; readonly task_node_info?: { readonly cache_status?: string } } };
  readonly attempts: readonly unknown[];
  readonly children: readonly NodeJson[];
}

/**
 * Every node of an execution as `skein get execution NAME --json` shows it, by path (`train/0` for
 * a child of `train`): its phase, its cache status, and how many task attempts it ran.
 */
async function shownNodes(name: string): Promise<Map<string, { phase: string; cache: string; attempts: number }>> {
  const shown = await skein("get", "execution", name, "--json");
  expect(shown.code, shown.err).toBe(0);
  const nodes = new Map<string, { phase: string; cache: string; attempts: number }>();
  const walk = (trees: readonly NodeJson[], prefix: string) => {
    for (const tree of trees) {
      const path = `${prefix}${tree.node.id?.node_id ?? "?"}`;
      if (tree.children.length > 0) walk(tree.children, `${path}/`);
      else nodes.set(path, { phase: tree.node.closure?.phase ?? "", cache: tree.node.closure?.task_node_info?.cache_status ?? "", attempts: tree.attempts.length });
    }
  };
  walk((JSON.parse(shown.out) as { nodes: NodeJson[] }).nodes, "");
  return nodes;
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

  it("runs a dynamic workflow remotely: the nodes it generates run on the cluster under it", async () => {
    const run = await skein("run", "--remote", "--wait", "--name", "fib-remote", join(repo, "examples/docs/dynamic.ts"), "fib", "--n", "6");
    expect(run.err, run.err).toContain("SUCCEEDED");
    expect(run.out.trim()).toBe("8");
    // fib(6): five additions, each its own node (and attempt) under the dynamic node.
    const nodes = await shownNodes("fib-remote");
    expect([...nodes.keys()].sort()).toEqual(["n0/n0-dn0", "n0/n0-dn1", "n0/n0-dn2", "n0/n0-dn3", "n0/n0-dn4"]);
    for (const node of nodes.values()) expect(node).toMatchObject({ phase: "NODE_EXECUTION_PHASE_SUCCEEDED", attempts: 1 });
  }, 120_000);

  it("drains local-a: new executions go to local-b, the one running there finishes there; undrained, it takes work again", async () => {
    const hello = join(repo, "examples/hello.ts");
    const started = join(fixtures, "held.started");
    const release = join(fixtures, "held.release");
    let undrained: Awaited<ReturnType<typeof skein>>;
    try {
      const held = await skein("run", "--remote", "--cluster-label", "region=us-east", "--name", "drain-held", join(fixtures, "held.ts"), "hold", "--started", started, "--release", release);
      expect(held.code, held.err).toBe(0);
      await until(() => existsSync(started), "drain-held's task to start");

      const drained = await skein("cluster", "drain", "local-a");
      expect(drained.out, drained.err).toBe("cluster local-a drained: no new work goes there; 1 assigned execution finishes there\n");
      const listed = await skein("cluster", "list");
      expect(listed.out).toMatch(/^local-a .* HEALTHY .* 1 +yes$/m);
      expect(listed.out).toMatch(/^local-b .* HEALTHY .* no$/m);

      // With both clusters active, the pick by execution hash sends these two names to local-a
      // (after-undrain-1 below shows the same pick once it is back).
      for (const name of ["while-drained-1", "while-drained-2"]) {
        const run = await skein("run", "--remote", "--wait", "--name", name, hello, "wf", "--name", name);
        expect(run.out, run.err).toContain(`Hello, ${name}!`);
        expect(await shownCluster(name)).toBe("local-b");
      }
      // Only local-a has region=us-east: while it is drained, an execution asking for it waits unplaced.
      const east = await skein("run", "--remote", "--cluster-label", "region=us-east", "--name", "east-while-drained", hello, "wf", "--name", "East");
      expect(east.code, east.err).toBe(0);
      await new Promise((r) => setTimeout(r, 1000));
      expect(await shownCluster("east-while-drained")).toBe("-");
      expect((await client.getExecution({ id: id("east-while-drained") })).execution?.closure?.phase).toBe(WorkflowExecutionPhase.QUEUED);

      // The execution that was running when the drain began stayed on local-a and finishes there.
      expect((await client.getExecution({ id: id("drain-held") })).execution?.closure?.phase).toBe(WorkflowExecutionPhase.RUNNING);
      writeFileSync(release, "");
      expect((await waitFinished("drain-held"))?.closure).toMatchObject({ phase: WorkflowExecutionPhase.SUCCEEDED, cluster: "local-a" });
      expect(await shownCluster("drain-held")).toBe("local-a");
    } finally {
      // Whatever failed above, the tests after this one find local-a taking work.
      writeFileSync(release, "");
      undrained = await skein("cluster", "undrain", "local-a");
    }
    expect(undrained.out, undrained.err).toBe("cluster local-a undrained: it receives new work again\n");
    expect((await skein("cluster", "list")).out).toMatch(/^local-a .* HEALTHY .* no$/m);
    // The waiting execution is placed on local-a as soon as it qualifies again, and new work goes there.
    expect((await waitFinished("east-while-drained"))?.closure).toMatchObject({ phase: WorkflowExecutionPhase.SUCCEEDED, cluster: "local-a" });
    const back = await skein("run", "--remote", "--wait", "--name", "after-undrain-1", hello, "wf", "--name", "Back");
    expect(back.out, back.err).toContain("Hello, Back!");
    expect(await shownCluster("after-undrain-1")).toBe("local-a");
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

  it("re-runs only the changed task and what follows it in a new version of the ML example", async () => {
    // Uses the entries ml-one stored above. Each copy changes train alone; registered anew, every
    // task of the copy has a new version, which the cache key does not include.
    const original = readFileSync(join(repo, "examples/ml-pipeline.ts"), "utf8");
    const trainAt = original.indexOf('name: "train",');
    expect(trainAt).toBeGreaterThan(0);
    const changeTrain = (edit: (train: string) => string) => original.slice(0, trainAt) + edit(original.slice(trainAt));
    const newBody = (train: string) => train.replace("ctx.log(`lr=", "ctx.log(`retrained lr=");
    const copies = {
      // Only train's code changed: a new task version, the same cache version.
      "ml-train-edited": changeTrain(newBody),
      // train's code and its cache version changed, as when its results change.
      "ml-train-v2": changeTrain((train) => newBody(train).replace('cache: { version: "1" }', 'cache: { version: "2" }')),
    };
    const versions = new Set([/^target +(\S+)$/m.exec((await skein("get", "execution", "ml-one")).out)?.[1]]);
    for (const [name, text] of Object.entries(copies)) {
      expect(text).not.toBe(original);
      const file = join(fixtures, `${name}.ts`);
      writeFileSync(file, text);
      const run = await skein("run", "--remote", "--wait", "--name", name, file, "training");
      expect(run.code, run.err).toBe(0);
      expect(run.out).toContain("Best model on 400 points (seed 7)");
      versions.add(/^target +(\S+)$/m.exec((await skein("get", "execution", name)).out)?.[1]);
    }
    // Three registrations of the workflow, three versions.
    expect([...versions].filter((v) => v !== undefined)).toHaveLength(3);

    // Cached steps that were served: no attempt. Steps that ran: one attempt each.
    const served = { phase: "NODE_EXECUTION_PHASE_SUCCEEDED", cache: "CATALOG_CACHE_STATUS_HIT", attempts: 0 };
    const stored = { phase: "NODE_EXECUTION_PHASE_SUCCEEDED", cache: "CATALOG_CACHE_STATUS_POPULATED", attempts: 1 };
    const uncached = { phase: "NODE_EXECUTION_PHASE_SUCCEEDED", cache: "CATALOG_CACHE_STATUS_DISABLED", attempts: 1 };
    const expected = (train: typeof served) => ({
      load_data: served,
      preprocess: served,
      ...Object.fromEntries([0, 1, 2, 3].map((i) => [`train/train-${i}`, train])),
      pick_best: uncached,
      "decide/decide-report": uncached,
    });
    // A new task version alone keeps every entry, train's included: the version is not in the key.
    expect(Object.fromEntries(await shownNodes("ml-two"))).toEqual(expected(served));
    expect(Object.fromEntries(await shownNodes("ml-train-edited"))).toEqual(expected(served));
    // A new cache version of train runs train's four items again and what follows; the steps before still hit.
    expect(Object.fromEntries(await shownNodes("ml-train-v2"))).toEqual(expected(stored));
    // The table shows the same: train's items under the map node.
    expect((await skein("get", "execution", "ml-train-v2")).out).toMatch(/^ +train-0 +SUCCEEDED +1 +POPULATED /m);
    // Both cache versions of train have entries, the new ones made by ml-train-v2.
    const entries = await skein("cache", "list", "--task", "train");
    expect(entries.out, entries.err).toMatch(/^train +1-\S+ .* ml-one /m);
    expect(entries.out).toMatch(/^train +2-\S+ .* ml-train-v2 /m);
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
    const result = execution?.closure?.result;
    expect(execution?.closure?.phase, result?.case === "error" ? `${result.value.code}: ${result.value.message}` : (execution?.closure?.reason ?? "")).toBe(WorkflowExecutionPhase.SUCCEEDED);
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
