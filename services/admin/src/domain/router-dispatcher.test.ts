import { Code, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { loadRouterConfig, startClusterRouter, type RunningClusterRouter } from "@skein/cluster-router";
import { ResourceType, WorkflowExecutionPhase } from "@skein/idl";
import { AdminService, ConcurrencyBehavior } from "@skein/idl/admin/v1";
import { AssignmentState, ClusterRouterService } from "@skein/idl/router/v1";
import { createLogger, createMemorySink } from "@skein/server";
import { createTestDatabase, testEnvironment, type TestDatabase } from "@skein/testing";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAdminConfig } from "../config.js";
import { startAdmin } from "../main.js";
import { ProjectRepository } from "../repositories/project-repository.js";
import { createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";
import { failure } from "../test-support/call-failure.js";
import { batch, workflowEvent } from "../test-support/event-fixtures.js";
import { DOMAIN, id, inputs, int, PROJECT, registerLaunchPlan, registerWorld } from "../test-support/execution-fixtures.js";
import { configuredDomains } from "./domains.js";
import { executionManagers } from "./execution-managers.js";
import { RouterDispatcher } from "./router-dispatcher.js";

// A real cluster router over TCP (its own PostgreSQL database when the test environment has a
// server, else embedded in a temporary directory) and an in-process admin dispatching to it.
let router: RunningClusterRouter;
let routerDatabase: TestDatabase | undefined;
let dataDir: string;
let routerClient: Client<typeof ClusterRouterService>;
let dispatcher: RouterDispatcher;
let admin: InProcessAdmin;

async function startRouter(port: number): Promise<RunningClusterRouter> {
  // Health is not under test here: clusters registered at the start stay healthy however slow the run.
  const config = loadRouterConfig({ port, dataDir, databaseUrl: routerDatabase?.url, heartbeatTimeoutMs: 3_600_000, heartbeatIntervalMs: 60_000 }, {});
  return startClusterRouter({ config, logSink: createMemorySink() });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "skein-admin-router-"));
  if (testEnvironment().databaseUrl !== undefined) routerDatabase = await createTestDatabase();
  router = await startRouter(0);
  routerClient = createClient(ClusterRouterService, createConnectTransport({ baseUrl: router.url, httpVersion: "1.1" }));
  const clusters: { id: string; region: string; labels: Record<string, string> }[] = [
    { id: "east", region: "us-east", labels: { region: "us-east" } },
    { id: "west-gpu", region: "eu-west", labels: { region: "eu-west", gpu: "true" } },
  ];
  for (const cluster of clusters) {
    await routerClient.registerCluster({ ...cluster, weight: 1 });
    await routerClient.heartbeat({ clusterId: cluster.id, load: { runningExecutions: 0, freeCapacity: 100 } });
  }
  dispatcher = new RouterDispatcher({ endpoint: router.url, logger: createLogger({ component: "admin", sink: createMemorySink() }) });
  admin = await createInProcessAdmin({}, { dispatcher });
  await registerWorld(admin.client);
  await registerLaunchPlan(admin.client, "lp");
  await registerLaunchPlan(admin.client, "on-gpu", { executionClusterLabel: "gpu=true" });
  await registerLaunchPlan(admin.client, "odd-label", { executionClusterLabel: "not a selector" });
});

afterAll(async () => {
  dispatcher.close();
  await admin.destroy();
  await router.close();
  await routerDatabase?.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

const exec = (name: string) => ({ project: PROJECT, domain: DOMAIN, name });
const run = (name: string, extra: Record<string, unknown> = {}, plan = "lp") =>
  admin.client.createExecution({ project: PROJECT, domain: DOMAIN, name, target: { case: "launchPlanId", value: id(ResourceType.LAUNCH_PLAN, plan) }, inputs: inputs({ x: int(1) }), ...extra });

async function closureOf(name: string) {
  const { execution } = await admin.client.getExecution({ id: exec(name) });
  return execution?.closure;
}

async function assignmentOf(name: string) {
  const { assignment } = await routerClient.getAssignment({ executionId: exec(name) });
  return assignment;
}

async function rowCount(name: string): Promise<number> {
  const rows = await admin.db.selectFrom("execution").select("name").where("name", "=", name).execute();
  return rows.length;
}

describe("executions placed by the cluster router", () => {
  it("sends the request's cluster label and records the router's pick and epoch", async () => {
    await run("labelled", { executionClusterLabel: "gpu" });
    expect(await closureOf("labelled")).toMatchObject({ phase: WorkflowExecutionPhase.QUEUED, cluster: "west-gpu", assignmentEpoch: 1n });
    expect(await assignmentOf("labelled")).toMatchObject({ state: AssignmentState.ACTIVE, clusterId: "west-gpu", epoch: 1n, selection: { clusterLabel: "gpu", clusterId: "" } });
  });

  it("without a label records whichever cluster the router chose", async () => {
    await run("unlabelled");
    const assignment = await assignmentOf("unlabelled");
    expect(assignment).toMatchObject({ state: AssignmentState.ACTIVE, epoch: 1n, selection: { clusterLabel: "", clusterId: "" } });
    expect(["east", "west-gpu"]).toContain(assignment?.clusterId);
    expect(await closureOf("unlabelled")).toMatchObject({ cluster: assignment?.clusterId, assignmentEpoch: 1n });
  });

  it("passes the launch plan's label, and an explicit target cluster over any label", async () => {
    await run("from-plan", {}, "on-gpu");
    expect(await closureOf("from-plan")).toMatchObject({ cluster: "west-gpu", assignmentEpoch: 1n });
    expect((await assignmentOf("from-plan"))?.selection?.clusterLabel).toBe("gpu=true");
    await run("pinned", { targetCluster: "east" }, "on-gpu");
    expect(await closureOf("pinned")).toMatchObject({ cluster: "east", assignmentEpoch: 1n });
    expect((await assignmentOf("pinned"))?.selection).toMatchObject({ clusterId: "east", clusterLabel: "gpu=true" });
  });

  it("records a pending assignment as no cluster at epoch 0", async () => {
    await run("waits", { executionClusterLabel: "tpu" });
    expect(await closureOf("waits")).toMatchObject({ phase: WorkflowExecutionPhase.QUEUED, cluster: "", assignmentEpoch: 0n });
    expect(await assignmentOf("waits")).toMatchObject({ state: AssignmentState.PENDING, clusterId: "", epoch: 0n, pendingReason: expect.stringContaining("tpu") as unknown });
  });

  it("places an execution a QUEUE policy held back with its own label once it is admitted", async () => {
    await registerLaunchPlan(admin.client, "one-at-a-time", { executionClusterLabel: "gpu", concurrencyPolicy: { max: 1, behavior: ConcurrencyBehavior.QUEUE } });
    await run("slot-1", {}, "one-at-a-time");
    await run("slot-2", { executionClusterLabel: "region=us-east" }, "one-at-a-time");
    expect(await closureOf("slot-2")).toMatchObject({ cluster: "", assignmentEpoch: 0n });
    expect((await failure(assignmentOf("slot-2"))).code).toBe(Code.NotFound);
    await admin.db.updateTable("execution").set({ phase: "succeeded" }).where("name", "=", "slot-1").execute();
    const config = loadAdminConfig({}, {});
    const logger = createLogger({ component: "test", sink: createMemorySink() });
    const { creator } = executionManagers({ db: admin.db, logger, clock: admin.clock, config, blobs: admin.blobs, dispatcher }, new ProjectRepository(admin.db), configuredDomains(config.domains), logger);
    expect(await creator.promoteWaiting({ project: PROJECT, domain: DOMAIN, name: "one-at-a-time" })).toBe(1);
    expect(await closureOf("slot-2")).toMatchObject({ cluster: "east", assignmentEpoch: 1n });
    expect((await assignmentOf("slot-2"))?.selection?.clusterLabel).toBe("region=us-east");
  });

  it("is idempotent: a retried creation and a repeated dispatch keep the first assignment", async () => {
    const first = await run("twice", { executionClusterLabel: "region=us-east" });
    const again = await run("twice", { executionClusterLabel: "region=us-east" });
    expect([first.created, again.created]).toEqual([true, false]);
    const repeated = await dispatcher.dispatch(exec("twice"), { targetCluster: "", clusterLabel: "gpu" });
    expect(repeated).toEqual({ cluster: "east", epoch: 1n });
    expect(await closureOf("twice")).toMatchObject({ cluster: "east", assignmentEpoch: 1n });
  });

  it("refuses an unregistered target cluster and a label the router rejects, recording nothing", async () => {
    const unknown = await failure(run("nowhere", { targetCluster: "mars" }));
    expect(unknown.code).toBe(Code.NotFound);
    expect(unknown.rawMessage).toBe('cluster "mars" (target_cluster) not found');
    const odd = await failure(run("odd", {}, "odd-label"));
    expect(odd.code).toBe(Code.FailedPrecondition);
    expect(odd.rawMessage).toMatch(/^the cluster router refused the placement \(target_cluster "", execution_cluster_label "not a selector"\): .*cluster_label/);
    expect(await rowCount("nowhere")).toBe(0);
    expect(await rowCount("odd")).toBe(0);
  });

  it("terminates through the router, idempotently", async () => {
    await run("stopme", { executionClusterLabel: "gpu" });
    await admin.client.terminateExecution({ id: exec("stopme"), cause: "no longer needed" });
    expect(await closureOf("stopme")).toMatchObject({ phase: WorkflowExecutionPhase.ABORTING });
    const assignment = await assignmentOf("stopme");
    expect(assignment).toMatchObject({ state: AssignmentState.ACTIVE, clusterId: "west-gpu", termination: { cause: "no longer needed" } });
    expect(await dispatcher.terminate(exec("stopme"), "asked again")).toBe("stopping");
    expect((await assignmentOf("stopme"))?.termination?.cause).toBe("no longer needed");
  });

  it("releases the assignment when the owning cluster reports the end, freeing its slot", async () => {
    await run("finishes", { executionClusterLabel: "gpu" });
    const owner = { producerId: "west-gpu", epoch: 1n };
    const events = batch(workflowEvent("finishes", WorkflowExecutionPhase.RUNNING, 1, owner), workflowEvent("finishes", WorkflowExecutionPhase.SUCCEEDED, 2, owner));
    await admin.client.createEvents({ events });
    expect(await assignmentOf("finishes")).toMatchObject({ state: AssignmentState.RELEASED, clusterId: "west-gpu" });
    // Releasing again (a retried notification) is harmless.
    await dispatcher.release(exec("finishes"));
    expect(await assignmentOf("finishes")).toMatchObject({ state: AssignmentState.RELEASED });
  });

  it("ends an execution no cluster took at once: ABORTED, its pending assignment released", async () => {
    await run("unplaced", { executionClusterLabel: "tpu" });
    await admin.client.terminateExecution({ id: exec("unplaced"), cause: "gave up" });
    expect(await closureOf("unplaced")).toMatchObject({ phase: WorkflowExecutionPhase.ABORTED, cluster: "" });
    expect(await assignmentOf("unplaced")).toMatchObject({ state: AssignmentState.RELEASED, clusterId: "", termination: { cause: "gave up" } });
    expect(await dispatcher.terminate(exec("unplaced"), "again")).toBe("unplaced");
    expect(await dispatcher.terminate(exec("never-dispatched"), "cleanup")).toBe("unplaced");
  });
});

describe("a served admin with routerEndpoint configured", () => {
  it("dispatches through the router", async () => {
    const adminDatabase = testEnvironment().databaseUrl !== undefined ? await createTestDatabase() : undefined;
    const adminDir = await mkdtemp(path.join(tmpdir(), "skein-admin-served-"));
    const served = await startAdmin({ config: loadAdminConfig({ port: 0, dataDir: adminDir, databaseUrl: adminDatabase?.url, routerEndpoint: router.url }, {}), logSink: createMemorySink() });
    try {
      const client = createClient(AdminService, createConnectTransport({ baseUrl: served.url, httpVersion: "1.1" }));
      await registerWorld(client);
      await registerLaunchPlan(client, "lp");
      await client.createExecution({ project: PROJECT, domain: DOMAIN, name: "served", target: { case: "launchPlanId", value: id(ResourceType.LAUNCH_PLAN, "lp") }, inputs: inputs({ x: int(1) }), executionClusterLabel: "gpu" });
      const { execution } = await client.getExecution({ id: exec("served") });
      expect(execution?.closure).toMatchObject({ cluster: "west-gpu", assignmentEpoch: 1n });
      expect((await assignmentOf("served"))?.clusterId).toBe("west-gpu");
    } finally {
      await served.close();
      await adminDatabase?.destroy();
      await rm(adminDir, { recursive: true, force: true });
    }
  });
});

describe("an unreachable cluster router", () => {
  it("fails creation and termination with Unavailable naming the endpoint, leaving nothing behind, and recovers when it returns", async () => {
    await run("before-outage", { executionClusterLabel: "gpu" });
    const port = router.port;
    await router.close();

    const refused = await failure(run("during-outage"));
    expect(refused.code).toBe(Code.Unavailable);
    expect(refused.rawMessage).toBe(`cluster router at ${router.url} is unreachable; retry later`);
    expect(await rowCount("during-outage")).toBe(0);
    expect((await failure(admin.client.getExecution({ id: exec("during-outage") }))).code).toBe(Code.NotFound);

    const notStopped = await failure(admin.client.terminateExecution({ id: exec("before-outage"), cause: "stop" }));
    expect(notStopped.code).toBe(Code.Unavailable);
    expect(await closureOf("before-outage")).toMatchObject({ phase: WorkflowExecutionPhase.QUEUED, cluster: "west-gpu" });

    router = await startRouter(port);
    await run("during-outage");
    expect(await closureOf("during-outage")).toMatchObject({ cluster: (await assignmentOf("during-outage"))?.clusterId, assignmentEpoch: 1n });
  });
});
