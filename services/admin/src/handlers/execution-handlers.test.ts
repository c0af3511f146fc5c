import { fromBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { LiteralSchema, ResourceType, SimpleType, WorkflowExecutionPhase } from "@skein/idl";
import { simpleType } from "@skein/engine";
import { ExecutionMode, ExecutionState, SortDirection } from "@skein/idl/admin/v1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";
import { DOMAIN, id, inputs, int, PROJECT, registerLaunchPlan, registerWorld, str } from "../test-support/execution-fixtures.js";
import type { ExecutionRowPhase } from "../repositories/database.js";
import { failure } from "../test-support/call-failure.js";

let admin: InProcessAdmin;
beforeAll(async () => {
  admin = await createInProcessAdmin({ inlineDataMaxBytes: 256 });
  await registerWorld(admin.client);
  await registerLaunchPlan(admin.client, "lp");
  await registerLaunchPlan(admin.client, "fixed", {
    fixedInputs: { literals: { greeting: str("fixed hello") } },
    defaultInputs: { parameters: { x: { var: { type: simpleType(SimpleType.INTEGER) }, behavior: { case: "required", value: true } } } },
  });
});
afterAll(() => admin.destroy());

const lp = () => id(ResourceType.LAUNCH_PLAN, "lp");
const exec = (name: string) => ({ project: PROJECT, domain: DOMAIN, name });
const run = (name: string, values = inputs({ x: int(2) }), extra: Record<string, unknown> = {}) =>
  admin.client.createExecution({ project: PROJECT, domain: DOMAIN, name, target: { case: "launchPlanId", value: lp() }, inputs: values, ...extra });

/** Stands in for the data plane's terminal event. */
async function finish(name: string, phase: ExecutionRowPhase = "succeeded"): Promise<void> {
  await admin.db.updateTable("execution").set({ phase }).where("name", "=", name).execute();
}

describe("CreateExecution of a launch plan", () => {
  it("records the execution QUEUED, fills defaults, and hands it to the data plane", async () => {
    const { id: created, created: isNew } = await run("first");
    expect(isNew).toBe(true);
    expect(created).toMatchObject(exec("first"));
    const { execution } = await admin.client.getExecution({ id: exec("first") });
    expect(execution?.closure?.phase).toBe(WorkflowExecutionPhase.QUEUED);
    expect(execution?.closure).toMatchObject({ cluster: "local", assignmentEpoch: 1n });
    expect(execution?.closure?.workflowId).toMatchObject({ name: "wf", version: "v1" });
    expect(execution?.spec?.target).toEqual({ case: "launchPlanId", value: lp() });
    expect(execution?.spec?.metadata?.mode).toBe(ExecutionMode.MANUAL);
    expect(execution?.spec?.maxParallelism).toBe(25);
    expect(execution?.spec?.inputs?.uri).toBe("");
    expect(admin.dispatcher.dispatched()).toContainEqual(exec("first"));
    const data = await admin.client.getExecutionData({ id: exec("first") });
    expect(Object.keys(data.inputs!.literals).sort()).toEqual(["greeting", "x"]);
    expect(data.inputs!.literals.greeting).toEqual(str("hello"));
    expect(Object.keys(data.userInputs!.literals)).toEqual(["x"]);
    expect(data.outputs).toBeUndefined();
  });

  it("picks a random name `a` + 19 characters when none is given", async () => {
    const { id: created } = await run("");
    expect(created?.name).toMatch(/^a[a-z0-9]{19}$/);
  });

  it("answers an identical retry with created = false and a different request under the name with AlreadyExists", async () => {
    await run("retry");
    const calls = admin.dispatcher.dispatched().length;
    expect((await run("retry")).created).toBe(false);
    expect(admin.dispatcher.dispatched().length).toBe(calls);
    const conflict = await failure(run("retry", inputs({ x: int(3) })));
    expect(conflict.code).toBe(Code.AlreadyExists);
    expect(conflict.rawMessage).toContain('execution "proj/development/retry"');
  });

  it("lists every input problem in one InvalidArgument naming each field", async () => {
    const wrongType = await failure(run("bad1", inputs({ x: str("two") })));
    expect(wrongType.code).toBe(Code.InvalidArgument);
    expect(wrongType.rawMessage).toMatch(/^inputs\.x: /);
    const missing = await failure(run("bad2", inputs({})));
    expect(missing.rawMessage).toMatch(/^inputs\.x: .*required input missing/);
    const unknown = await failure(run("bad3", inputs({ x: int(1), z: int(1) })));
    expect(unknown.rawMessage).toMatch(/^inputs\.z: unknown name/);
    const fixed = await failure(
      admin.client.createExecution({ project: PROJECT, domain: DOMAIN, name: "bad4", target: { case: "launchPlanId", value: id(ResourceType.LAUNCH_PLAN, "fixed") }, inputs: inputs({ x: int(1), greeting: str("mine") }) }),
    );
    expect(fixed.rawMessage).toBe("inputs.greeting: is fixed by the launch plan and cannot be overridden");
    const all = await failure(
      admin.client.createExecution({ project: PROJECT, domain: DOMAIN, name: "bad5", target: { case: "launchPlanId", value: id(ResourceType.LAUNCH_PLAN, "fixed") }, inputs: inputs({ greeting: str("mine"), z: int(1) }) }),
    );
    expect(all.code).toBe(Code.InvalidArgument);
    expect(all.rawMessage).toMatch(/^3 problems with the inputs: /);
    for (const field of ["inputs.greeting: is fixed", "inputs.x:", "inputs.z: unknown name"]) expect(all.rawMessage).toContain(field);
    for (const name of ["bad1", "bad2", "bad3", "bad4", "bad5"]) expect((await failure(admin.client.getExecution({ id: exec(name) }))).code).toBe(Code.NotFound);
  });

  it("fills fixed inputs and refuses unknown targets, bad names and foreign projects", async () => {
    await admin.client.createExecution({ project: PROJECT, domain: DOMAIN, name: "withfixed", target: { case: "launchPlanId", value: id(ResourceType.LAUNCH_PLAN, "fixed") }, inputs: inputs({ x: int(1) }) });
    expect((await admin.client.getExecutionData({ id: exec("withfixed") })).inputs!.literals.greeting).toEqual(str("fixed hello"));
    const noPlan = await failure(admin.client.createExecution({ project: PROJECT, domain: DOMAIN, target: { case: "launchPlanId", value: id(ResourceType.LAUNCH_PLAN, "nope") } }));
    expect(noPlan.code).toBe(Code.NotFound);
    expect(noPlan.rawMessage).toContain('launch plan "proj/development/nope@v1"');
    const noTask = await failure(admin.client.createExecution({ project: PROJECT, domain: DOMAIN, target: { case: "taskId", value: id(ResourceType.TASK, "nope") } }));
    expect(noTask.code).toBe(Code.NotFound);
    const badName = await failure(run("Bad_Name"));
    expect(badName.code).toBe(Code.InvalidArgument);
    expect(badName.rawMessage).toContain("name");
    const wrongKind = await failure(admin.client.createExecution({ project: PROJECT, domain: DOMAIN, target: { case: "launchPlanId", value: id(ResourceType.TASK, "double") } }));
    expect(wrongKind.code).toBe(Code.InvalidArgument);
    const foreign = await failure(admin.client.createExecution({ project: PROJECT, domain: "staging", target: { case: "launchPlanId", value: lp() }, inputs: inputs({ x: int(1) }) }));
    expect(foreign.code).toBe(Code.InvalidArgument);
    expect(foreign.rawMessage).toMatch(/^launch_plan_id: must be in the execution's project and domain/);
    const noProject = await failure(admin.client.createExecution({ project: "ghost", domain: DOMAIN, target: { case: "launchPlanId", value: lp() } }));
    expect(noProject.code).toBe(Code.NotFound);
  });

  it("records nothing when the data plane refuses the hand-off", async () => {
    admin.dispatcher.failNext(new ConnectError("router down", Code.Unavailable));
    expect((await failure(run("refused"))).code).toBe(Code.Unavailable);
    expect((await failure(admin.client.getExecution({ id: exec("refused") }))).code).toBe(Code.NotFound);
  });
});

describe("single-task executions", () => {
  it("runs a task version on its own, checked against the task's interface", async () => {
    const target = { case: "taskId" as const, value: id(ResourceType.TASK, "double") };
    await admin.client.createExecution({ project: PROJECT, domain: DOMAIN, name: "solo", target, inputs: inputs({ x: int(4) }) });
    const { execution } = await admin.client.getExecution({ id: exec("solo") });
    expect(execution?.spec?.target).toEqual(target);
    expect(execution?.closure?.workflowId).toMatchObject({ resourceType: ResourceType.WORKFLOW, name: ".skeingen.double", version: "v1" });
    const bad = await failure(admin.client.createExecution({ project: PROJECT, domain: DOMAIN, target, inputs: inputs({ y: int(1) }) }));
    expect(bad.rawMessage).toMatch(/^2 problems with the inputs: .*inputs\.x: .*inputs\.y: unknown name/);
  });
});

describe("offloaded inputs", () => {
  it("stores inputs above the inline limit in the blob store and returns large values as offloaded literals", async () => {
    const big = "z".repeat(2000);
    await run("large", inputs({ x: int(1), greeting: str(big) }));
    const row = await admin.db.selectFrom("execution").selectAll().where("name", "=", "large").executeTakeFirstOrThrow();
    expect(row.inputs).toBeNull();
    expect(row.inputs_uri).toBe(`${admin.blobs.baseUri}/metadata/proj/development/large/inputs.pb`);
    expect(row.user_inputs_uri).toBe(`${admin.blobs.baseUri}/metadata/proj/development/large/user_inputs.pb`);
    const { execution } = await admin.client.getExecution({ id: exec("large") });
    expect(execution?.spec?.inputs?.uri).toBe(row.inputs_uri);
    expect(Number(execution?.spec?.inputs?.sizeBytes)).toBeGreaterThan(2000);
    const data = await admin.client.getExecutionData({ id: exec("large") });
    expect(data.inputs!.literals.x).toEqual(int(1));
    const offloaded = data.inputs!.literals.greeting!.value;
    expect(offloaded.case).toBe("offloaded");
    if (offloaded.case !== "offloaded") return;
    expect(fromBinary(LiteralSchema, await admin.blobs.get(offloaded.value.uri))).toEqual(str(big));
    // Reading again reuses the same object.
    const again = (await admin.client.getExecutionData({ id: exec("large") })).inputs!.literals.greeting!.value;
    expect(again).toEqual(offloaded);
  });
});

describe("TerminateExecution", () => {
  it("moves a running execution to ABORTING with the cause and tells the data plane; refuses terminal ones", async () => {
    await run("stopme");
    await admin.client.terminateExecution({ id: exec("stopme"), cause: "not needed" });
    const { execution } = await admin.client.getExecution({ id: exec("stopme") });
    expect(execution?.closure?.phase).toBe(WorkflowExecutionPhase.ABORTING);
    expect(execution?.closure?.abortMetadata?.cause).toBe("not needed");
    expect(admin.dispatcher.calls).toContainEqual({ kind: "terminate", execution: exec("stopme"), cause: "not needed" });
    await finish("stopme", "aborted");
    const again = await failure(admin.client.terminateExecution({ id: exec("stopme") }));
    expect(again.code).toBe(Code.FailedPrecondition);
    expect(again.rawMessage).toContain("already ABORTED");
    expect((await failure(admin.client.terminateExecution({ id: exec("ghost") }))).code).toBe(Code.NotFound);
  });

  it("leaves the phase unchanged when the data plane cannot be told", async () => {
    await run("stuck");
    admin.dispatcher.failNext(new ConnectError("router down", Code.Unavailable));
    expect((await failure(admin.client.terminateExecution({ id: exec("stuck") }))).code).toBe(Code.Unavailable);
    expect((await admin.client.getExecution({ id: exec("stuck") })).execution?.closure?.phase).toBe(WorkflowExecutionPhase.QUEUED);
  });
});

describe("RelaunchExecution and RecoverExecution", () => {
  it("relaunches with the original caller inputs, mode RELAUNCH and a reference", async () => {
    await run("orig", inputs({ x: int(7), greeting: str("hi") }));
    const { id: relaunched } = await admin.client.relaunchExecution({ id: exec("orig"), name: "orig-again", overwriteCache: true });
    expect(relaunched?.name).toBe("orig-again");
    const { execution } = await admin.client.getExecution({ id: exec("orig-again") });
    expect(execution?.spec?.metadata?.mode).toBe(ExecutionMode.RELAUNCH);
    expect(execution?.spec?.metadata?.referenceExecution).toMatchObject(exec("orig"));
    expect(execution?.spec?.overwriteCache).toBe(true);
    const data = await admin.client.getExecutionData({ id: exec("orig-again") });
    expect(data.userInputs).toEqual((await admin.client.getExecutionData({ id: exec("orig") })).userInputs);
  });

  it("recovers only finished executions, with mode RECOVERED", async () => {
    await run("tofail");
    const early = await failure(admin.client.recoverExecution({ id: exec("tofail") }));
    expect(early.code).toBe(Code.FailedPrecondition);
    await finish("tofail", "failed");
    const { id: recovered } = await admin.client.recoverExecution({ id: exec("tofail") });
    const { execution } = await admin.client.getExecution({ id: recovered! });
    expect(execution?.spec?.metadata?.mode).toBe(ExecutionMode.RECOVERED);
    expect(execution?.spec?.metadata?.referenceExecution?.name).toBe("tofail");
  });
});

describe("UpdateExecution, ListExecutions and DeleteExecution", () => {
  it("archives finished executions only, hides them from lists by default, and restores them", async () => {
    await run("arch");
    expect((await failure(admin.client.updateExecution({ id: exec("arch"), state: ExecutionState.ARCHIVED }))).code).toBe(Code.FailedPrecondition);
    await finish("arch");
    await admin.client.updateExecution({ id: exec("arch"), state: ExecutionState.ARCHIVED });
    const names = async (includeArchived: boolean) =>
      (await admin.client.listExecutions({ project: PROJECT, domain: DOMAIN, limit: 1000, includeArchived })).executions.map((e) => e.id?.name);
    expect(await names(false)).not.toContain("arch");
    expect(await names(true)).toContain("arch");
    expect((await admin.client.getExecution({ id: exec("arch") })).execution?.state).toBe(ExecutionState.ARCHIVED);
    await admin.client.updateExecution({ id: exec("arch"), state: ExecutionState.ACTIVE });
    expect(await names(false)).toContain("arch");
  });

  it("pages with tokens, sorts, and filters by phase, target and labels", async () => {
    for (const n of ["la", "lb", "lc"]) await run(n, inputs({ x: int(1) }), { labels: { team: n === "lb" ? "ml" : "web" } });
    await finish("lb");
    const seen: string[] = [];
    let token = "";
    do {
      const page = await admin.client.listExecutions({ project: PROJECT, domain: DOMAIN, limit: 2, token, sortBy: { key: "name", direction: SortDirection.ASCENDING } });
      seen.push(...page.executions.map((e) => e.id!.name));
      token = page.nextToken;
    } while (token !== "");
    expect(seen).toEqual([...seen].sort());
    expect(seen).toEqual(expect.arrayContaining(["la", "lb", "lc"]));
    const filtered = await admin.client.listExecutions({ project: PROJECT, domain: DOMAIN, filters: "eq(phase,SUCCEEDED)+eq(labels.team,ml)+eq(launch_plan.name,lp)" });
    expect(filtered.executions.map((e) => e.id?.name)).toEqual(["lb"]);
    const tasksOnly = await admin.client.listExecutions({ project: PROJECT, domain: DOMAIN, filters: "eq(task.name,double)" });
    expect(tasksOnly.executions.map((e) => e.id?.name)).toEqual(["solo"]);
    const badKey = await failure(admin.client.listExecutions({ project: PROJECT, domain: DOMAIN, filters: "eq(colour,red)" }));
    expect(badKey.code).toBe(Code.InvalidArgument);
    const badSort = await failure(admin.client.listExecutions({ project: PROJECT, domain: DOMAIN, sortBy: { key: "colour" } }));
    expect(badSort.rawMessage).toMatch(/^sort_by\.key: /);
    const badToken = await failure(admin.client.listExecutions({ project: PROJECT, domain: DOMAIN, token: "garbage" }));
    expect(badToken.rawMessage).toMatch(/^token: /);
  });

  it("deletes a finished execution with its stored data and refuses unfinished ones", async () => {
    await run("gone", inputs({ x: int(1), greeting: str("q".repeat(1000)) }));
    const uri = `${admin.blobs.baseUri}/metadata/proj/development/gone/inputs.pb`;
    expect(await admin.blobs.exists(uri)).toBe(true);
    expect((await failure(admin.client.deleteExecution({ id: exec("gone") }))).code).toBe(Code.FailedPrecondition);
    await finish("gone", "timed_out");
    await admin.client.deleteExecution({ id: exec("gone") });
    expect((await failure(admin.client.getExecution({ id: exec("gone") }))).code).toBe(Code.NotFound);
    expect(await admin.blobs.exists(uri)).toBe(false);
    expect((await failure(admin.client.deleteExecution({ id: exec("gone") }))).code).toBe(Code.NotFound);
  });
});
