import { Code } from "@connectrpc/connect";
import { ResourceType, SimpleType } from "@skein/idl";
import { MatchableResource } from "@skein/idl/admin/v1";
import { simpleType } from "@skein/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExecutionRepository } from "../repositories/execution-repository.js";
import { executionFromRow } from "../repositories/transformers/execution-transformer.js";
import { createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";
import { failure } from "../test-support/call-failure.js";
import { DOMAIN, id, inputs, int, PROJECT, registerLaunchPlan, registerWorld, str } from "../test-support/execution-fixtures.js";
import { createTaskRequest, taskId } from "../test-support/task-fixtures.js";
import { BoundedCache } from "./execution-target.js";

// CreateExecution keeps what a target version defines in memory; these tests change the version
// behind that cache (archive, delete, register again) and check that creation always follows the
// database, and that the cluster label attribute is read fresh for every creation.

let admin: InProcessAdmin;
beforeAll(async () => {
  admin = await createInProcessAdmin();
  await registerWorld(admin.client);
});
afterAll(() => admin.destroy());

const exec = (name: string) => ({ project: PROJECT, domain: DOMAIN, name });
const run = (name: string, lp: ReturnType<typeof id>, values = inputs({ x: int(1) }), extra: { executionClusterLabel?: string } = {}) =>
  admin.client.createExecution({ project: PROJECT, domain: DOMAIN, name, target: { case: "launchPlanId", value: lp }, inputs: values, ...extra });
const label = (value: string) => ({ target: { case: "executionClusterLabel" as const, value: { value } } });

async function finishAndDelete(name: string): Promise<void> {
  await admin.db.updateTable("execution").set({ phase: "succeeded" }).where("name", "=", name).execute();
  await admin.client.deleteExecution({ id: exec(name) });
}

describe("CreateExecution with a known target version", () => {
  it("refuses a launch plan archived after it was last run, before looking at the inputs, and runs it again once restored", async () => {
    const lp = await registerLaunchPlan(admin.client, "shelved");
    await run("shelved-1", lp);
    await admin.client.archiveVersion({ id: lp });
    const archived = await failure(run("shelved-2", lp));
    expect(archived).toMatchObject({ code: Code.FailedPrecondition, rawMessage: "launch_plan_id: launch plan shelved@v1 is archived; restore it to run it" });
    // Bad inputs too: the archived target is still what is reported.
    expect((await failure(run("shelved-3", lp, inputs({ z: int(1) })))).code).toBe(Code.FailedPrecondition);
    // A retry of an execution created before the archive is answered the same way.
    expect((await failure(run("shelved-1", lp))).code).toBe(Code.FailedPrecondition);
    for (const name of ["shelved-2", "shelved-3"]) expect((await failure(admin.client.getExecution({ id: exec(name) }))).code).toBe(Code.NotFound);
    await admin.client.archiveVersion({ id: lp, restore: true });
    expect((await run("shelved-4", lp)).created).toBe(true);
  });

  it("answers NotFound for a launch plan version deleted after it was used", async () => {
    const lp = await registerLaunchPlan(admin.client, "fleeting");
    // A refused creation still reads (and remembers) the target.
    expect((await failure(run("fleeting-1", lp, inputs({})))).code).toBe(Code.InvalidArgument);
    await admin.client.deleteVersion({ id: lp });
    const gone = await failure(run("fleeting-2", lp));
    expect(gone).toMatchObject({ code: Code.NotFound, rawMessage: 'launch plan "proj/development/fleeting@v1" (launch_plan_id) not found' });
  });

  it("runs a version deleted and registered again with other content as it is registered now", async () => {
    const lp = await registerLaunchPlan(admin.client, "reborn");
    await run("reborn-1", lp);
    const before = await admin.client.getExecutionData({ id: exec("reborn-1") });
    expect(before.inputs?.literals.greeting).toEqual(str("hello"));
    await finishAndDelete("reborn-1");
    await admin.client.deleteVersion({ id: lp });
    // Same id, different content: x is no longer required and greeting is fixed.
    await registerLaunchPlan(admin.client, "reborn", {
      defaultInputs: { parameters: { x: { var: { type: simpleType(SimpleType.INTEGER) }, behavior: { case: "default", value: int(7) } } } },
      fixedInputs: { literals: { greeting: str("again") } },
    });
    await admin.client.createExecution({ project: PROJECT, domain: DOMAIN, name: "reborn-2", target: { case: "launchPlanId", value: lp } });
    const after = await admin.client.getExecutionData({ id: exec("reborn-2") });
    expect(after.inputs?.literals).toEqual({ x: int(7), greeting: str("again") });
    const fixed = await failure(run("reborn-3", lp, inputs({ x: int(1), greeting: str("mine") })));
    expect(fixed).toMatchObject({ code: Code.InvalidArgument, rawMessage: "inputs.greeting: is fixed by the launch plan and cannot be overridden" });
  });

  it("takes the cluster label from the request, else the most specific attribute as it is at creation time", async () => {
    const lp = await registerLaunchPlan(admin.client, "placed");
    const labelOf = async (name: string) => (await admin.client.getExecution({ id: exec(name) })).execution?.spec?.executionClusterLabel;
    await run("placed-1", lp);
    expect(await labelOf("placed-1")).toBe("");
    await admin.client.updateProjectDomainAttributes({ attributes: { project: PROJECT, domain: DOMAIN, matchingAttributes: label("pool=shared") } });
    await run("placed-2", lp);
    expect(await labelOf("placed-2")).toBe("pool=shared");
    await admin.client.updateLaunchPlanAttributes({ attributes: { project: PROJECT, domain: DOMAIN, launchPlan: "placed", matchingAttributes: label("pool=gpu") } });
    await run("placed-3", lp);
    expect(await labelOf("placed-3")).toBe("pool=gpu");
    await run("placed-4", lp, inputs({ x: int(1) }), { executionClusterLabel: "pool=mine" });
    expect(await labelOf("placed-4")).toBe("pool=mine");
    // A task run on its own sees the project-domain level.
    await admin.client.createTask(createTaskRequest(taskId("placed-task")));
    await admin.client.createExecution({ project: PROJECT, domain: DOMAIN, name: "placed-5", target: { case: "taskId", value: taskId("placed-task") }, inputs: inputs({ x: int(1) }) });
    expect(await labelOf("placed-5")).toBe("pool=shared");
    await admin.client.deleteProjectDomainAttributes({ project: PROJECT, domain: DOMAIN, resourceType: MatchableResource.EXECUTION_CLUSTER_LABEL });
    await admin.client.createExecution({ project: PROJECT, domain: DOMAIN, name: "placed-6", target: { case: "taskId", value: taskId("placed-task") }, inputs: inputs({ x: int(1) }) });
    expect(await labelOf("placed-6")).toBe("");
  });

  it("takes parallelism, labels and cache overwrite from the request, else the launch plan, else the most specific execution config attribute, else the server", async () => {
    const config = (init: { maxParallelism?: number; labels?: Record<string, string>; overwriteCache?: boolean }) => ({
      target: { case: "workflowExecutionConfig" as const, value: init },
    });
    const lp = await registerLaunchPlan(admin.client, "configured", { labels: { owner: "plan" } });
    const specOf = async (name: string) => (await admin.client.getExecution({ id: exec(name) })).execution?.spec;
    await run("configured-1", lp);
    // The server's default parallelism (25); the launch plan's labels.
    expect(await specOf("configured-1")).toMatchObject({ maxParallelism: 25, labels: { owner: "plan" }, overwriteCache: false });

    await admin.client.updateProjectAttributes({ attributes: { project: PROJECT, matchingAttributes: config({ maxParallelism: 7, labels: { team: "ml", owner: "project" }, overwriteCache: true }) } });
    await run("configured-2", lp);
    // The launch plan's own label wins over the attribute's; the attribute fills the rest.
    expect(await specOf("configured-2")).toMatchObject({ maxParallelism: 7, labels: { team: "ml", owner: "plan" }, overwriteCache: true });

    await admin.client.updateWorkflowAttributes({ attributes: { project: PROJECT, domain: DOMAIN, workflow: "wf", matchingAttributes: config({ maxParallelism: 3 }) } });
    await run("configured-3", lp);
    expect(await specOf("configured-3")).toMatchObject({ maxParallelism: 3, labels: { owner: "plan" }, overwriteCache: false });

    await admin.client.createExecution({ project: PROJECT, domain: DOMAIN, name: "configured-4", target: { case: "launchPlanId", value: lp }, inputs: inputs({ x: int(1) }), maxParallelism: 2, labels: { owner: "me" } });
    expect(await specOf("configured-4")).toMatchObject({ maxParallelism: 2, labels: { owner: "me" } });
    await admin.client.deleteWorkflowAttributes({ project: PROJECT, domain: DOMAIN, workflow: "wf", resourceType: MatchableResource.WORKFLOW_EXECUTION_CONFIG });
    await admin.client.deleteProjectAttributes({ project: PROJECT, resourceType: MatchableResource.WORKFLOW_EXECUTION_CONFIG });
  });

  it("refuses an unknown project before a target of another project, and an unknown task", async () => {
    const ghost = await failure(admin.client.createExecution({ project: "ghost", domain: DOMAIN, target: { case: "launchPlanId", value: id(ResourceType.LAUNCH_PLAN, "placed") } }));
    expect(ghost).toMatchObject({ code: Code.NotFound, rawMessage: 'project "ghost" not found' });
    expect((await failure(admin.client.createExecution({ project: PROJECT, domain: DOMAIN, target: { case: "taskId", value: taskId("no-such-task") } }))).code).toBe(Code.NotFound);
  });

  it("refuses a parent node execution whose execution does not exist, naming the field", async () => {
    const lp = await registerLaunchPlan(admin.client, "orphan");
    const parentNodeExecution = { nodeId: "n0", executionId: exec("no-such-parent") };
    const orphan = await failure(admin.client.createExecution({ project: PROJECT, domain: DOMAIN, name: "orphan-1", target: { case: "launchPlanId", value: lp }, inputs: inputs({ x: int(1) }), parentNodeExecution }));
    expect(orphan).toMatchObject({ code: Code.NotFound, rawMessage: `parent execution "${PROJECT}/${DOMAIN}/no-such-parent" (parent_node_execution) not found` });
    expect((await failure(admin.client.getExecution({ id: exec("orphan-1") }))).code).toBe(Code.NotFound);
  });
});

describe("GetExecution", () => {
  it("reads the same execution from its view columns as from the whole row, outputs size included", async () => {
    const lp = await registerLaunchPlan(admin.client, "viewed");
    await run("viewed-1", lp);
    const outputs = new Uint8Array([10, 3, 1, 2, 3]);
    await admin.db.updateTable("execution").set({ phase: "succeeded", outputs: Buffer.from(outputs) }).where("name", "=", "viewed-1").execute();
    const { execution } = await admin.client.getExecution({ id: exec("viewed-1") });
    const whole = executionFromRow(await new ExecutionRepository(admin.db).get(exec("viewed-1")));
    expect(execution).toEqual(whole);
    expect(execution?.closure?.result).toMatchObject({ case: "outputs", value: { uri: "", sizeBytes: 5n } });
  });
});

describe("BoundedCache", () => {
  it("keeps the most recently used entries up to its capacity", () => {
    const cache = new BoundedCache<number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1);
    cache.set("c", 3);
    expect([cache.get("a"), cache.get("b"), cache.get("c"), cache.size]).toEqual([1, undefined, 3, 2]);
    cache.set("c", 4);
    cache.set("d", 5);
    expect([cache.get("a"), cache.get("c"), cache.get("d"), cache.size]).toEqual([undefined, 4, 5, 2]);
  });
});
