import { Code } from "@connectrpc/connect";
import { ResourceType } from "@skein/idl";
import { NamedEntityState, SortDirection, VersionState } from "@skein/idl/admin/v1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";
import { chainWorkflow, createWorkflowRequest, workflowId } from "../test-support/registration-fixtures.js";
import { createTaskRequest, taskId } from "../test-support/task-fixtures.js";
import { failure } from "../test-support/call-failure.js";

let admin: InProcessAdmin;
beforeAll(async () => {
  admin = await createInProcessAdmin();
  await admin.client.registerProject({ project: { id: "proj" } });
  for (const [name, version] of [["alpha", "v1"], ["beta", "v1"], ["alpha", "v2"], ["gamma", "v1"]] as const) {
    admin.clock.advance(1_000);
    await admin.client.createTask(createTaskRequest(taskId(name, version)));
  }
});
afterAll(() => admin.destroy());

const scope = { resourceType: ResourceType.TASK, project: "proj", domain: "development" };

async function names(request: { filters?: string; includeArchived?: boolean; sortKey?: string; limit?: number } = {}): Promise<string[]> {
  const seen: string[] = [];
  let token = "";
  do {
    const sortBy = request.sortKey === undefined ? undefined : { key: request.sortKey, direction: SortDirection.ASCENDING };
    const page = await admin.client.listNamedEntities({ ...scope, ...request, sortBy, limit: request.limit ?? 1, token });
    seen.push(...page.entities.map((e) => e.id?.name ?? ""));
    token = page.nextToken;
  } while (token !== "");
  return seen;
}

describe("ListNamedEntities and UpdateNamedEntity", () => {
  it("lists each name once with the span of its versions, newest first, across pages", async () => {
    expect(await names()).toEqual(["gamma", "beta", "alpha"]);
    expect(await names({ sortKey: "latest_version_created_at" })).toEqual(["beta", "alpha", "gamma"]);
    const { entities } = await admin.client.listNamedEntities({ ...scope, filters: "eq(name,alpha)" });
    expect(entities[0]).toMatchObject({ resourceType: ResourceType.TASK, id: { project: "proj", domain: "development", name: "alpha" } });
    expect(entities[0]?.createdAt?.seconds).toBeLessThan(entities[0]?.latestVersionCreatedAt?.seconds ?? 0n);
    expect((await admin.client.listNamedEntities({ ...scope, resourceType: ResourceType.WORKFLOW })).entities).toEqual([]);
  });

  it("sets description and archive state; archived names leave the default list", async () => {
    const id = { project: "proj", domain: "development", name: "beta" };
    const { entity } = await admin.client.updateNamedEntity({ resourceType: ResourceType.TASK, id, metadata: { description: "second", state: NamedEntityState.ARCHIVED } });
    expect(entity?.metadata).toMatchObject({ description: "second", state: NamedEntityState.ARCHIVED });
    expect(await names({ sortKey: "name" })).toEqual(["alpha", "gamma"]);
    expect(await names({ sortKey: "name", includeArchived: true, filters: "eq(state,ARCHIVED)" })).toEqual(["beta"]);
    await admin.client.updateNamedEntity({ resourceType: ResourceType.TASK, id, metadata: { description: "back" } });
    expect(await names({ sortKey: "name" })).toEqual(["alpha", "beta", "gamma"]);
  });

  it("refuses a name without versions, a bad filter and a wrong resource type", async () => {
    const ghost = await failure(admin.client.updateNamedEntity({ resourceType: ResourceType.TASK, id: { project: "proj", domain: "development", name: "ghost" }, metadata: {} }));
    expect(ghost).toMatchObject({ code: Code.NotFound, rawMessage: 'task "proj/development/ghost" not found' });
    const bad = await failure(admin.client.listNamedEntities({ ...scope, filters: "contains(created_at,2025)" }));
    expect(bad.rawMessage).toBe('filters: "contains(created_at,2025)": operator contains does not apply to created_at (timestamp)');
    expect((await failure(admin.client.listNamedEntities({ ...scope, resourceType: ResourceType.UNSPECIFIED }))).code).toBe(Code.InvalidArgument);
  });
});

describe("ArchiveVersion", () => {
  it("hides a task or workflow version from lists until restored; it stays readable by id", async () => {
    const id = taskId("gamma");
    expect((await admin.client.archiveVersion({ id })).state).toBe(VersionState.ARCHIVED);
    const listed = await admin.client.listTasks({ project: "proj", domain: "development", name: "gamma" });
    expect(listed.tasks).toEqual([]);
    expect((await admin.client.getTask({ id })).task?.state).toBe(VersionState.ARCHIVED);
    expect((await admin.client.archiveVersion({ id, restore: true })).state).toBe(VersionState.ACTIVE);
    expect((await admin.client.listTasks({ project: "proj", domain: "development", name: "gamma" })).tasks).toHaveLength(1);

    const wf = workflowId("flow");
    await admin.client.createWorkflow(createWorkflowRequest(wf, chainWorkflow(wf, taskId("alpha"))));
    await admin.client.archiveVersion({ id: wf });
    expect((await admin.client.listWorkflows({ project: "proj", domain: "development" })).workflows).toEqual([]);
    expect((await admin.client.listWorkflows({ project: "proj", domain: "development", includeArchived: true })).workflows).toHaveLength(1);
  });

  it("answers NotFound for an unknown version", async () => {
    expect(await failure(admin.client.archiveVersion({ id: taskId("nobody") }))).toMatchObject({ code: Code.NotFound, rawMessage: 'task "proj/development/nobody@v1" not found' });
  });
});
