import { Code } from "@connectrpc/connect";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { ResourceType } from "@skein/idl";
import { SortDirection, VersionState } from "@skein/idl/admin/v1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";
import { createTaskRequest, taskId, taskTemplate } from "../test-support/task-fixtures.js";
import { failure } from "../test-support/call-failure.js";

let admin: InProcessAdmin;
beforeAll(async () => {
  admin = await createInProcessAdmin();
  await admin.client.registerProject({ project: { id: "proj" } });
});
afterAll(() => admin.destroy());

describe("CreateTask and GetTask", () => {
  it("registers a version with its template, a hex digest and the registration time", async () => {
    const id = taskId("double");
    const { task, created } = await admin.client.createTask(createTaskRequest(id));
    expect(created).toBe(true);
    expect(task?.id).toEqual(id);
    expect(task?.description).toBe("doubles x");
    expect(task?.state).toBe(VersionState.ACTIVE);
    expect(task?.closure?.compiledTask?.template).toEqual(taskTemplate(id));
    expect(task?.closure?.compiledTask?.template?.target).toMatchObject({ case: "container", value: { image: "node:22" } });
    expect(task?.closure?.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(timestampDate(task!.closure!.createdAt!)).toEqual(new Date("2025-05-01T12:00:00Z"));
    expect((await admin.client.getTask({ id })).task).toEqual(task);
    expect(admin.logs).toContainEqual(expect.objectContaining({ msg: "task registered", component: "admin.tasks", fields: { task: "proj/development/double@v1", digest: task?.closure?.digest } }));
  });

  it("answers an identical re-registration with the stored version and created = false", async () => {
    const id = taskId("same");
    const first = await admin.client.createTask(createTaskRequest(id));
    admin.clock.advance(60_000);
    const again = await admin.client.createTask({ id, spec: { template: taskTemplate(id), description: "new words" } });
    expect(again.created).toBe(false);
    expect(again.task).toEqual(first.task);
  });

  it("refuses different content under a taken id with AlreadyExists listing each difference", async () => {
    const id = taskId("changed");
    await admin.client.createTask(createTaskRequest(id, { metadata: { retries: { retries: 1 } } }));
    const changed = createTaskRequest(id, { type: "typescript", metadata: { retries: { retries: 3 } } });
    const error = await failure(admin.client.createTask(changed));
    expect(error.code).toBe(Code.AlreadyExists);
    expect(error.rawMessage).toBe(
      'task "proj/development/changed@v1" already exists with different content; register it under a new version. ' +
        'Differences: spec.template.metadata.retries.retries: 1 → 3; spec.template.type: "container" → "typescript"',
    );
    expect((await admin.client.getTask({ id })).task?.closure?.compiledTask?.template?.type).toBe("container");
    expect((await admin.client.createTask(createTaskRequest(taskId("changed", "v2"), { type: "typescript" }))).created).toBe(true);
  });

  it("lists every compile problem of a bad template as InvalidArgument, storing nothing", async () => {
    const id = taskId("cached");
    const bad = createTaskRequest(id, { metadata: { discoverable: true, cacheIgnoreInputVars: ["nope"] } });
    const error = await failure(admin.client.createTask(bad));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe(
      "spec.template: has 2 problems: " +
        '[INVALID_CACHE_SETTINGS] task "proj/development/cached@v1": the task is cached (discoverable) but has no discovery_version; ' +
        '[INVALID_CACHE_SETTINGS] task "proj/development/cached@v1", input "nope": cache_ignore_input_vars names an input the task does not declare',
    );
    expect((await failure(admin.client.getTask({ id }))).rawMessage).toBe('task "proj/development/cached@v1" not found');
  });

  it("requires an existing project, a configured domain and a template id equal to the id", async () => {
    const ghost = await failure(admin.client.createTask(createTaskRequest(taskId("t", "v1", "ghost"))));
    expect(ghost).toMatchObject({ code: Code.NotFound, rawMessage: 'project "ghost" not found' });
    const domain = await failure(admin.client.createTask(createTaskRequest(taskId("t", "v1", "proj", "qa"))));
    expect(domain).toMatchObject({ code: Code.InvalidArgument, rawMessage: 'id.domain: "qa" is not a configured domain (development, staging, production)' });
    const mismatch = await failure(admin.client.createTask({ id: taskId("t", "v2"), spec: { template: taskTemplate(taskId("t", "v1")) } }));
    expect(mismatch).toMatchObject({ code: Code.InvalidArgument, rawMessage: 'spec.template.id: must equal the id being registered ("proj/development/t@v2")' });
    const notTask = await failure(admin.client.createTask({ id: { ...taskId("t"), resourceType: ResourceType.WORKFLOW }, spec: { template: taskTemplate(taskId("t")) } }));
    expect(notTask.code).toBe(Code.InvalidArgument);
    expect(notTask.rawMessage).toMatch(/id: id must name a task/);
  });
});

describe("ListTasks", () => {
  beforeAll(async () => {
    await admin.client.registerProject({ project: { id: "listing" } });
    for (const [name, version] of [["a", "v1"], ["b", "v1"], ["a", "v2"], ["c", "v1"], ["a", "v3"]] as const) {
      admin.clock.advance(1_000);
      await admin.client.createTask(createTaskRequest(taskId(name, version, "listing")));
    }
    await admin.client.createTask(createTaskRequest(taskId("a", "v9", "listing", "staging")));
  });

  async function collect(request: { limit: number; name?: string; sortKey?: string; direction?: SortDirection }): Promise<string[]> {
    const seen: string[] = [];
    let token = "";
    do {
      const sortBy = request.sortKey === undefined ? undefined : { key: request.sortKey, direction: request.direction };
      const page = await admin.client.listTasks({ project: "listing", domain: "development", name: request.name, limit: request.limit, token, sortBy });
      expect(page.tasks.length).toBeLessThanOrEqual(request.limit);
      seen.push(...page.tasks.map((t) => `${t.id?.name}@${t.id?.version}`));
      token = page.nextToken;
    } while (token !== "");
    return seen;
  }

  it("pages newest first by default within one project and domain", async () => {
    expect(await collect({ limit: 2 })).toEqual(["a@v3", "c@v1", "a@v2", "b@v1", "a@v1"]);
  });

  it("narrows to one name and orders by name or version", async () => {
    expect(await collect({ limit: 1, name: "a" })).toEqual(["a@v3", "a@v2", "a@v1"]);
    expect(await collect({ limit: 2, sortKey: "name", direction: SortDirection.ASCENDING })).toEqual(["a@v1", "a@v2", "a@v3", "b@v1", "c@v1"]);
    expect(await collect({ limit: 3, sortKey: "version" })).toEqual(["a@v3", "a@v2", "c@v1", "b@v1", "a@v1"]);
  });

  it("filters by name, version and registration time, and pages within the filtered rows", async () => {
    const names = async (filters: string, limit = 2) => {
      const seen: string[] = [];
      let token = "";
      do {
        const page = await admin.client.listTasks({ project: "listing", domain: "development", filters, limit, token });
        seen.push(...page.tasks.map((t) => `${t.id?.name}@${t.id?.version}`));
        token = page.nextToken;
      } while (token !== "");
      return seen;
    };
    expect(await names("eq(name,a)", 1)).toEqual(["a@v3", "a@v2", "a@v1"]);
    expect(await names("value_in(name,b;c)")).toEqual(["c@v1", "b@v1"]);
    expect(await names("ne(name,a)+eq(version,v1)")).toEqual(["c@v1", "b@v1"]);
    const { tasks } = await admin.client.listTasks({ project: "listing", domain: "development", limit: 5 });
    const third = tasks[2]?.closure?.createdAt;
    const at = new Date(Number(third?.seconds ?? 0n) * 1000).toISOString().replace(".000Z", "Z");
    expect(await names(`gte(created_at,${at})`)).toEqual(["a@v3", "c@v1", "a@v2"]);
    expect(await names("contains(name,zz)")).toEqual([]);
  });

  it("refuses a token issued under other filters", async () => {
    const { nextToken } = await admin.client.listTasks({ project: "listing", domain: "development", filters: "eq(name,a)", limit: 1 });
    const error = await failure(admin.client.listTasks({ project: "listing", domain: "development", filters: "eq(name,b)", limit: 1, token: nextToken }));
    expect(error).toMatchObject({ code: Code.InvalidArgument, rawMessage: "token: was issued for other filters; start again with an empty token" });
  });

  it("rejects foreign tokens, tokens of another ordering, unknown sort keys and filters", async () => {
    const garbage = await failure(admin.client.listTasks({ project: "listing", domain: "development", token: "bm9wZQ" }));
    expect(garbage).toMatchObject({ code: Code.InvalidArgument, rawMessage: "token: is not a page token returned by this list" });
    const { nextToken } = await admin.client.listTasks({ project: "listing", domain: "development", limit: 1 });
    const crossed = await failure(admin.client.listTasks({ project: "listing", domain: "development", token: nextToken, sortBy: { key: "name" } }));
    expect(crossed.rawMessage).toBe('token: was issued for ordering "created_at:desc", not "name:desc"; start again with an empty token');
    const badKey = await failure(admin.client.listTasks({ project: "listing", domain: "development", sortBy: { key: "type" } }));
    expect(badKey.rawMessage).toBe('sort_by.key: must be one of name, version, created_at; got "type"');
    const filters = await failure(admin.client.listTasks({ project: "listing", domain: "development", filters: "eq(type,container)" }));
    expect(filters).toMatchObject({ code: Code.InvalidArgument, rawMessage: 'filters: "eq(type,container)": unknown key "type" (keys: name, version, created_at, state)' });
  });
});
