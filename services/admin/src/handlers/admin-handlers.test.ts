import { Code } from "@connectrpc/connect";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { AdminService, ProjectState, SortDirection } from "@skein/idl/admin/v1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";
import { adminHandlers, type AdminManagers } from "./admin-handlers.js";
import { failure } from "../test-support/call-failure.js";

let admin: InProcessAdmin;
beforeAll(async () => {
  admin = await createInProcessAdmin();
});
afterAll(() => admin.destroy());

const domainIds = ["development", "staging", "production"];

describe("projects", () => {
  it("registers a project with defaults filled and every configured domain", async () => {
    const { project } = await admin.client.registerProject({ project: { id: "demo", labels: { team: "ml" } } });
    expect(project).toMatchObject({ id: "demo", name: "demo", state: ProjectState.ACTIVE, labels: { team: "ml" } });
    expect(project?.domains.map((d) => d.id)).toEqual(domainIds);
    expect(timestampDate(project!.createdAt!)).toEqual(new Date("2025-05-01T12:00:00Z"));
    expect((await admin.client.getProject({ id: "demo" })).project).toEqual(project);
    expect(admin.logs).toContainEqual(expect.objectContaining({ level: "info", msg: "project registered", component: "admin.projects", fields: { projectId: "demo" } }));
  });

  it("refuses a second project with the same id", async () => {
    await admin.client.registerProject({ project: { id: "twice" } });
    const error = await failure(admin.client.registerProject({ project: { id: "twice", name: "Other" } }));
    expect(error).toMatchObject({ code: Code.AlreadyExists, rawMessage: 'project "twice" already exists' });
    expect((await admin.client.getProject({ id: "twice" })).project?.name).toBe("twice");
  });

  it("rejects invalid input naming each field, before anything is written", async () => {
    const error = await failure(admin.client.registerProject({ project: { id: "Bad_Id", labels: { "bad key!": "v" } } }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(/project\.id: does not match regex pattern/);
    expect(error.rawMessage).toMatch(/project\.labels\["bad key!"\]: /);
    expect((await failure(admin.client.getProject({ id: "Bad_Id" }))).code).toBe(Code.InvalidArgument);
    expect((await failure(admin.client.getProject({ id: "missing" }))).rawMessage).toBe('project "missing" not found');
  });

  it("updates name, description and labels, archives and restores", async () => {
    await admin.client.registerProject({ project: { id: "upd", name: "Before", labels: { a: "1" } } });
    admin.clock.advance(60_000);
    const { project } = await admin.client.updateProject({ project: { id: "upd", description: "now described", labels: { b: "2" } } });
    expect(project).toMatchObject({ id: "upd", name: "upd", description: "now described", labels: { b: "2" }, state: ProjectState.ACTIVE });
    expect(timestampDate(project!.createdAt!)).toEqual(new Date("2025-05-01T12:00:00Z"));
    const archived = await admin.client.updateProject({ project: { id: "upd", name: "Kept", state: ProjectState.ARCHIVED } });
    expect(archived.project?.state).toBe(ProjectState.ARCHIVED);
    // An unspecified state leaves the project as it is rather than reviving it.
    expect((await admin.client.updateProject({ project: { id: "upd", name: "Kept" } })).project?.state).toBe(ProjectState.ARCHIVED);
    expect((await admin.client.updateProject({ project: { id: "upd", state: ProjectState.ACTIVE } })).project?.state).toBe(ProjectState.ACTIVE);
    expect((await failure(admin.client.updateProject({ project: { id: "ghost" } }))).code).toBe(Code.NotFound);
  });
});

describe("ListProjects", () => {
  let ids: string[];
  beforeAll(async () => {
    ids = ["page-a", "page-b", "page-c", "page-d", "page-e"];
    for (const id of ids) {
      admin.clock.advance(1_000);
      await admin.client.registerProject({ project: { id, labels: { suite: "paging" } } });
    }
    await admin.client.updateProject({ project: { id: "page-c", state: ProjectState.ARCHIVED } });
  });

  async function collect(request: { limit: number; sortKey?: string; direction?: SortDirection; includeArchived?: boolean }) {
    const seen: string[] = [];
    let token = "";
    let pages = 0;
    do {
      const sortBy = request.sortKey === undefined ? undefined : { key: request.sortKey, direction: request.direction };
      const page = await admin.client.listProjects({ limit: request.limit, token, sortBy, includeArchived: request.includeArchived ?? false });
      expect(page.projects.length).toBeLessThanOrEqual(request.limit);
      seen.push(...page.projects.map((p) => p.id).filter((id) => id.startsWith("page-")));
      token = page.nextToken;
      pages += 1;
    } while (token !== "");
    return { seen, pages };
  }

  it("pages newest first by default, with opaque tokens, leaving archived projects out", async () => {
    const { seen } = await collect({ limit: 2 });
    expect(seen).toEqual(["page-e", "page-d", "page-b", "page-a"]);
    const first = await admin.client.listProjects({ limit: 1 });
    expect(first.nextToken).not.toContain("page-e");
  });

  it("orders by id or name in either direction and can include archived projects", async () => {
    expect((await collect({ limit: 3, sortKey: "id", direction: SortDirection.ASCENDING, includeArchived: true })).seen).toEqual(ids);
    expect((await collect({ limit: 2, sortKey: "name", includeArchived: true })).seen).toEqual([...ids].reverse());
  });

  it("ends with an empty token when the last page is exactly full", async () => {
    const all = await admin.client.listProjects({ limit: 1000, includeArchived: true });
    const exact = await admin.client.listProjects({ limit: all.projects.length, includeArchived: true });
    expect(exact.nextToken).toBe("");
  });

  it("filters by label, state and id", async () => {
    const ids = async (filters: string) =>
      (await admin.client.listProjects({ filters, includeArchived: true, sortBy: { key: "id", direction: SortDirection.ASCENDING } })).projects.map((p) => p.id);
    expect(await ids("contains(id,page-)+eq(state,ARCHIVED)")).toEqual(["page-c"]);
    // UpdateProject replaced page-c's labels, so only the others still carry the label.
    expect(await ids("eq(labels.suite,paging)")).toEqual(["page-a", "page-b", "page-d", "page-e"]);
    expect(await ids("contains(id,page-)+ne(labels.suite,paging)")).toEqual(["page-c"]);
    expect(await ids("eq(labels.suite,paging)+value_in(id,page-a;page-e)")).toEqual(["page-a", "page-e"]);
    expect(await ids("contains(id,page-)+ne(state,ARCHIVED)+gt(id,page-b)")).toEqual(["page-d", "page-e"]);
    const badLabel = await failure(admin.client.listProjects({ filters: "gt(labels.suite,a)" }));
    expect(badLabel.rawMessage).toBe('filters: "gt(labels.suite,a)": operator gt does not apply to labels');
  });

  it("rejects a foreign token, a token from another ordering, an unknown sort key and filters", async () => {
    const garbage = await failure(admin.client.listProjects({ token: "not-a-token" }));
    expect(garbage).toMatchObject({ code: Code.InvalidArgument, rawMessage: "token: is not a page token returned by this list" });
    const { nextToken } = await admin.client.listProjects({ limit: 1 });
    const crossed = await failure(admin.client.listProjects({ token: nextToken, sortBy: { key: "id" } }));
    expect(crossed.rawMessage).toBe('token: was issued for ordering "created_at:desc", not "id:desc"; start again with an empty token');
    const badKey = await failure(admin.client.listProjects({ sortBy: { key: "labels" } }));
    expect(badKey.rawMessage).toBe('sort_by.key: must be one of id, name, created_at; got "labels"');
    const filters = await failure(admin.client.listProjects({ filters: "eq(state,GONE)" }));
    expect(filters).toMatchObject({ code: Code.InvalidArgument, rawMessage: 'filters: "eq(state,GONE)": "GONE" is not a value of state (ACTIVE, ARCHIVED)' });
    expect((await failure(admin.client.listProjects({ limit: 1001 }))).rawMessage).toMatch(/limit: must be less than or equal to 1000/);
  });
});

describe("domains and the rest of the service", () => {
  it("returns the configured domains in order", async () => {
    const { domains } = await admin.client.getDomains({});
    expect(domains.map((d) => [d.id, d.name])).toEqual([
      ["development", "Development"],
      ["staging", "Staging"],
      ["production", "Production"],
    ]);
  });

  it("implements every RPC of the contract", () => {
    // Handlers only reach their managers when called, so empty managers are enough to list them.
    const handlers = adminHandlers({ registration: {}, executions: {}, events: {} } as unknown as AdminManagers);
    const missing = AdminService.methods.map((m) => m.localName).filter((name) => !(name in handlers));
    expect(missing).toEqual([]);
  });
});
