import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { loadAdminConfig, startAdmin } from "@skein/admin";
import { loadRouterConfig, startClusterRouter, type RouterConfig } from "@skein/cluster-router";
import { loadDatacatalogConfig, startDatacatalog } from "@skein/datacatalog";
import { isTerminalWorkflowPhase } from "@skein/engine";
import { ResourceType, type LiteralMap } from "@skein/idl";
import { AdminService, type Execution } from "@skein/idl/admin/v1";
import { PluginRegistry, type BackendPlugin, type ResourceQuotas } from "@skein/plugin-core";
import { collectEntities, planRegistration, registrationRequests, type TaskDefinition } from "@skein/sdk";
import { createMemorySink, type LogSink } from "@skein/server";
import { createTestDatabase, testEnvironment, type TestDatabase } from "@skein/testing";
import { loadPropellerConfig, type PropellerConfig } from "../config.js";
import { startPropeller, type RunningPropeller } from "../main.js";

/** Admin, router and datacatalog as real servers on free ports, each on a database of its own. */
export interface ControlPlane {
  readonly admin: { readonly url: string };
  readonly router: { readonly url: string };
  readonly datacatalog: { readonly url: string };
  readonly client: Client<typeof AdminService>;
  readonly dataDir: string;
  close(): Promise<void>;
}

/**
 * Settings of the router that tests and the bench choose differently: tests use short ones so that
 * a silent cluster is failed over soon; the bench passes production's defaults.
 */
export type RouterOverrides = Partial<Pick<RouterConfig, "heartbeatTimeoutMs" | "heartbeatIntervalMs" | "rebalanceIntervalMs" | "watchPollMs">>;

/** One control-plane service serving on a free port, with its own database when tests use PostgreSQL. */
export interface ServingService {
  readonly url: string;
  close(): Promise<void>;
}

/** A control-plane service by name, on `dataDir` (the blob store all of them and the propellers share). */
export async function startControlPlaneService(
  service: "router" | "datacatalog" | "admin",
  dataDir: string,
  options: { routerUrl?: string; admin?: { inlineDataMaxBytes?: number }; router?: RouterOverrides } = {},
): Promise<ServingService> {
  const owned: TestDatabase[] = [];
  const databaseUrl = await ownDatabaseUrl(owned);
  const running = await (async () => {
    switch (service) {
      case "router":
        return startClusterRouter({
          config: loadRouterConfig({ port: 0, dataDir, databaseUrl, heartbeatTimeoutMs: 2_000, heartbeatIntervalMs: 200, rebalanceIntervalMs: 200, watchPollMs: 50, ...options.router }, {}),
          logSink: testLogSink(),
        });
      case "datacatalog":
        return startDatacatalog({ config: loadDatacatalogConfig({ port: 0, dataDir, databaseUrl }, {}), logSink: testLogSink() });
      case "admin": {
        if (options.routerUrl === undefined) throw new Error("admin needs the router's url");
        const admin = await startAdmin({ config: loadAdminConfig({ port: 0, dataDir, databaseUrl, routerEndpoint: options.routerUrl, ...options.admin }, {}), logSink: testLogSink() });
        await createClient(AdminService, createConnectTransport({ baseUrl: admin.url, httpVersion: "1.1" })).registerProject({ project: { id: "default", name: "default" } });
        return admin;
      }
    }
  })();
  return {
    url: running.url,
    async close() {
      await running.close();
      for (const db of owned) await db.destroy();
    },
  };
}

async function ownDatabaseUrl(owned: TestDatabase[]): Promise<string | undefined> {
  if (testEnvironment().databaseUrl === undefined) return undefined;
  const db = await createTestDatabase();
  owned.push(db);
  return db.url;
}

/** Admin, router and datacatalog in this process, with the tests' router settings unless overridden. */
export async function startControlPlane(adminOverrides: { inlineDataMaxBytes?: number } = {}, routerOverrides: RouterOverrides = {}): Promise<ControlPlane> {
  const dataDir = await mkdtemp(join(tmpdir(), "skein-propeller-"));
  const router = await startControlPlaneService("router", dataDir, { router: routerOverrides });
  const datacatalog = await startControlPlaneService("datacatalog", dataDir);
  const admin = await startControlPlaneService("admin", dataDir, { routerUrl: router.url, admin: adminOverrides });
  return {
    admin,
    router,
    datacatalog,
    client: createClient(AdminService, createConnectTransport({ baseUrl: admin.url, httpVersion: "1.1" })),
    dataDir,
    async close() {
      await admin.close();
      await datacatalog.close();
      await router.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The control plane with each service in a child process of its own (bench/control-plane-process.ts),
 * as production runs them: none shares an event loop with another or with this process. The router
 * waits as long as production before it fails a silent cluster over. Their logs go to this
 * process's stderr when SKEIN_TEST_LOGS is set; SKEIN_BENCH_CHILD_ARGS adds node options to each
 * (for instance `--cpu-prof --cpu-prof-dir=DIR`).
 */
export async function startControlPlaneProcesses(): Promise<ControlPlane> {
  const dataDir = await mkdtemp(join(tmpdir(), "skein-propeller-"));
  const children: { close(): Promise<void> }[] = [];
  const close = async () => {
    for (const child of children.reverse()) await child.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const router = await serviceProcess(children, "router", dataDir);
    const datacatalog = await serviceProcess(children, "datacatalog", dataDir);
    const admin = await serviceProcess(children, "admin", dataDir, router.url);
    return {
      admin,
      router,
      datacatalog,
      dataDir,
      client: createClient(AdminService, createConnectTransport({ baseUrl: admin.url, httpVersion: "1.1" })),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function serviceProcess(children: { close(): Promise<void> }[], service: string, dataDir: string, routerUrl = ""): Promise<{ url: string }> {
  const script = fileURLToPath(new URL("../bench/control-plane-process.ts", import.meta.url));
  const nodeArgs = process.env.SKEIN_BENCH_CHILD_ARGS?.split(" ").filter((a) => a !== "") ?? [];
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", script, service, dataDir, routerUrl], { stdio: ["pipe", "pipe", "inherit"], env: process.env });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  children.push({
    async close() {
      child.kill("SIGTERM");
      await exited;
    },
  });
  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([
    new Promise<string>((resolve) => lines.once("line", resolve)),
    exited.then((code) => Promise.reject(new Error(`the ${service} process exited (code ${code}) before it served`))),
  ]);
  lines.close();
  return JSON.parse(first) as { url: string };
}

/**
 * A propeller replica for `cluster`, running tasks through `plugin`. Its database is the one passed
 * (shared by replicas of one cluster), else a fresh PostgreSQL database dropped on close, else
 * (without a test PostgreSQL) an embedded one under the data directory.
 */
export async function startTestPropeller(
  plane: ControlPlane,
  plugin: BackendPlugin,
  options: Partial<Parameters<typeof loadPropellerConfig>[0]> & { databaseUrl?: string; quotas?: ResourceQuotas } = {},
): Promise<RunningPropeller & { config: PropellerConfig }> {
  const { quotas, ...overrides } = options;
  const owned = overrides.databaseUrl === undefined ? await propellerDatabase() : undefined;
  const config = loadPropellerConfig(
    {
      port: 0,
      ...(owned?.url !== undefined ? { databaseUrl: owned.url } : {}),
      dataDir: plane.dataDir,
      adminEndpoint: plane.admin.url,
      routerEndpoint: plane.router.url,
      datacatalogEndpoint: plane.datacatalog.url,
      leaseTtlMs: 1_000,
      claimIntervalMs: 100,
      heartbeatIntervalMs: 200,
      pollMs: 50,
      // The outbox thread loads the propeller's TypeScript anew, which is slow on a loaded test
      // machine: tests send from the main thread unless they ask (propeller.test.ts does).
      outboxThread: false,
      ...(process.env.SKEIN_TEST_LOGS !== undefined ? { logLevel: "debug" as const } : {}),
      ...overrides,
    },
    {},
  );
  const plugins = new PluginRegistry();
  plugins.register({ id: "in-process", taskTypes: ["typescript"], isDefault: true, load: () => Promise.resolve(plugin) });
  const running = await startPropeller({ config, plugins, logSink: testLogSink(), ...(quotas !== undefined ? { quotas } : {}) });
  return {
    ...running,
    config,
    async close() {
      await running.close();
      await owned?.destroy();
    },
  };
}

/** Log lines of the services under test: kept in memory, and printed when SKEIN_TEST_LOGS is set. */
export function testLogSink(): LogSink {
  const memory = createMemorySink();
  if (process.env.SKEIN_TEST_LOGS === undefined) return memory;
  return (record) => {
    memory(record);
    process.stderr.write(`${JSON.stringify(record)}\n`);
  };
}

/** A database for a propeller, shared by replicas of one cluster when passed to each. */
export async function propellerDatabase(): Promise<{ url: string | undefined; destroy(): Promise<void> }> {
  if (testEnvironment().databaseUrl === undefined) return { url: undefined, destroy: () => Promise.resolve() };
  const db = await createTestDatabase();
  return { url: db.url, destroy: () => db.destroy() };
}

/**
 * Registers every task, workflow and launch plan a module exports under `version`; returns its
 * tasks by name. `code` says where the tasks' code is (a real bundle, for the process plugin);
 * without it the templates point at a bundle that does not exist.
 */
export async function register(
  client: Client<typeof AdminService>,
  moduleExports: Record<string, unknown>,
  version: string,
  code: { readonly bundleUri: string; readonly module: string } = { bundleUri: "file:///unused.tgz", module: "test.ts" },
): Promise<Map<string, TaskDefinition>> {
  const plan = planRegistration([{ module: code.module, entities: collectEntities(moduleExports) }]);
  const tasks = new Map<string, TaskDefinition>();
  for (const entity of plan) if (entity.kind === "task") tasks.set(entity.name, entity.definition);
  for (const request of registrationRequests(plan, { project: "default", domain: "development", version }, code.bundleUri)) {
    if (request.kind === "task") await client.createTask(request.request);
    else if (request.kind === "workflow") await client.createWorkflow(request.request);
    else await client.createLaunchPlan(request.request);
  }
  return tasks;
}

/** Starts the launch plan `name@version` and returns the execution name. */
export async function launch(client: Client<typeof AdminService>, name: string, version: string, inputs: LiteralMap["literals"], options: { clusterLabel?: string } = {}): Promise<string> {
  const response = await client.createExecution({
    project: "default",
    domain: "development",
    target: { case: "launchPlanId", value: { resourceType: ResourceType.LAUNCH_PLAN, project: "default", domain: "development", name, version } },
    inputs: { literals: inputs },
    ...(options.clusterLabel !== undefined ? { executionClusterLabel: options.clusterLabel } : {}),
  });
  return response.id?.name ?? "";
}

/** Waits until the execution is terminal and returns it. */
export async function finished(client: Client<typeof AdminService>, name: string, timeoutMs = 60_000): Promise<Execution> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { execution } = await client.getExecution({ id: { project: "default", domain: "development", name } });
    if (execution?.closure && isTerminalWorkflowPhase(execution.closure.phase)) return execution;
    if (Date.now() > deadline) throw new Error(`execution ${name} did not finish within ${timeoutMs} ms (phase ${execution?.closure?.phase ?? "?"})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
