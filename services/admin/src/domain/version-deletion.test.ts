import { Code } from "@connectrpc/connect";
import { ResourceType } from "@skein/idl";
import { LaunchPlanState } from "@skein/idl/admin/v1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";
import { DOMAIN, id, inputs, int, PROJECT, registerLaunchPlan, registerWorld } from "../test-support/execution-fixtures.js";
import { createTaskRequest, taskId } from "../test-support/task-fixtures.js";
import { failure } from "../test-support/call-failure.js";

let admin: InProcessAdmin;
beforeAll(async () => {
  admin = await createInProcessAdmin();
  await registerWorld(admin.client);
});
afterAll(() => admin.destroy());

describe("DeleteVersion", () => {
  it("deletes an unreferenced task version and answers NotFound afterwards", async () => {
    await admin.client.createTask(createTaskRequest(taskId("spare")));
    await admin.client.deleteVersion({ id: taskId("spare") });
    expect((await failure(admin.client.getTask({ id: taskId("spare") }))).code).toBe(Code.NotFound);
    expect((await failure(admin.client.deleteVersion({ id: taskId("spare") }))).code).toBe(Code.NotFound);
  });

  it("refuses a task that a workflow uses and a workflow that a launch plan runs, naming them", async () => {
    const task = await failure(admin.client.deleteVersion({ id: taskId("double") }));
    expect(task.code).toBe(Code.FailedPrecondition);
    expect(task.rawMessage).toContain("workflow wf@v1 uses it");
    await registerLaunchPlan(admin.client, "holder");
    const workflow = await failure(admin.client.deleteVersion({ id: id(ResourceType.WORKFLOW, "wf") }));
    expect(workflow.rawMessage).toContain("launch plan holder@v1 runs it");
  });

  it("refuses a launch plan version that an execution ran or that is active, and deletes it once free", async () => {
    const lp = await registerLaunchPlan(admin.client, "ran");
    await admin.client.createExecution({ project: PROJECT, domain: DOMAIN, name: "user", target: { case: "launchPlanId", value: lp }, inputs: inputs({ x: int(1) }) });
    const used = await failure(admin.client.deleteVersion({ id: lp }));
    expect(used.code).toBe(Code.FailedPrecondition);
    expect(used.rawMessage).toBe('launch plan "proj/development/ran@v1" cannot be deleted: execution user ran it');
    await admin.db.updateTable("execution").set({ phase: "succeeded" }).where("name", "=", "user").execute();
    await admin.client.deleteExecution({ id: { project: PROJECT, domain: DOMAIN, name: "user" } });

    const active = await registerLaunchPlan(admin.client, "live", {}, true);
    expect((await failure(admin.client.deleteVersion({ id: active }))).rawMessage).toContain("active version");
    await admin.client.updateLaunchPlan({ id: active, state: LaunchPlanState.INACTIVE });
    await admin.client.deleteVersion({ id: active });
    await admin.client.deleteVersion({ id: lp });
    expect((await failure(admin.client.getLaunchPlan({ id: lp }))).code).toBe(Code.NotFound);
  });

  it("refuses a task version that a single-task execution ran", async () => {
    await admin.client.createTask(createTaskRequest(taskId("solo-task")));
    await admin.client.createExecution({ project: PROJECT, domain: DOMAIN, name: "solo-run", target: { case: "taskId", value: taskId("solo-task") }, inputs: inputs({ x: int(1) }) });
    expect((await failure(admin.client.deleteVersion({ id: taskId("solo-task") }))).rawMessage).toContain("execution solo-run ran it");
  });
});
