import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { loadAdminConfig, startAdmin } from "@skein/admin";
import { loadRouterConfig, startClusterRouter } from "@skein/cluster-router";
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

async function databaseUrl(owned: TestDatabase[]): Promise<string | undefined> {
  if (testEnvironment().databaseUrl === undefined) return undefined;
  const db = await createTestDatabase();
  owned.push(db);
  return db.url;
}

/**
 * `heartbeatTimeoutMs` is the router's: 2 s by default, so that tests of a silent cluster end
 * soon; the bench passes production's default instead.
 */
export async function startControlPlane(adminOverrides: { inlineDataMaxBytes?: number } = {}, routerOverrides: { heartbeatTimeoutMs?: number } = {}): Promise<ControlPlane> {
  const dataDir = await mkdtemp(join(tmpdir(), "skein-propeller-"));
  const owned: TestDatabase[] = [];
  const router = await startClusterRouter({
    config: loadRouterConfig({ port: 0, dataDir, databaseUrl: await databaseUrl(owned), heartbeatTimeoutMs: 2_000, heartbeatIntervalMs: 200, rebalanceIntervalMs: 200, watchPollMs: 50, ...routerOverrides }, {}),
    logSink: testLogSink(),
  });
  const datacatalog = await startDatacatalog({ config: loadDatacatalogConfig({ port: 0, dataDir, databaseUrl: await databaseUrl(owned) }, {}), logSink: testLogSink() });
  const admin = await startAdmin({ config: loadAdminConfig({ port: 0, dataDir, databaseUrl: await databaseUrl(owned), routerEndpoint: router.url, ...adminOverrides }, {}), logSink: testLogSink() });
  const client = createClient(AdminService, createConnectTransport({ baseUrl: admin.url, httpVersion: "1.1" }));
  await client.registerProject({ project: { id: "default", name: "default" } });
  return {
    admin,
    router,
    datacatalog,
    client,
    dataDir,
    async close() {
      await admin.close();
      await datacatalog.close();
      await router.close();
      for (const db of owned) await db.destroy();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The control plane of startControlPlane in a child process (bench/control-plane-process.ts), on
 * its own event loop. Its logs go to this process's stderr when SKEIN_TEST_LOGS is set.
 */
export async function startControlPlaneProcess(): Promise<ControlPlane> {
  const script = fileURLToPath(new URL("../bench/control-plane-process.ts", import.meta.url));
  const child = spawn(process.execPath, [...(process.env.SKEIN_BENCH_CHILD_ARGS?.split(" ") ?? []), "--import", "tsx", script], { stdio: ["pipe", "pipe", "inherit"], env: process.env });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([new Promise<string>((resolve) => lines.once("line", resolve)), exited.then((code) => Promise.reject(new Error(`the control plane process exited (code ${code}) before it served`)))]);
  lines.close();
  const urls = JSON.parse(first) as { admin: string; router: string; datacatalog: string; dataDir: string };
  return {
    admin: { url: urls.admin },
    router: { url: urls.router },
    datacatalog: { url: urls.datacatalog },
    dataDir: urls.dataDir,
    client: createClient(AdminService, createConnectTransport({ baseUrl: urls.admin, httpVersion: "1.1" })),
    async close() {
      child.kill("SIGTERM");
      await exited;
    },
  };
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
