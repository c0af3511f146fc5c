import { Code } from "@connectrpc/connect";
import { VersionState } from "@skein/idl/admin/v1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";
import {
  INT, callNode, chainWorkflow, createWorkflowRequest, launchPlanId, taskNode, workflowId, workflowTemplate,
} from "../test-support/registration-fixtures.js";
import { createTaskRequest, taskId } from "../test-support/task-fixtures.js";
import { failure } from "../test-support/call-failure.js";

let admin: InProcessAdmin;
const double = taskId("double");
beforeAll(async () => {
  admin = await createInProcessAdmin();
  await admin.client.registerProject({ project: { id: "proj" } });
  await admin.client.createTask(createTaskRequest(double));
});
afterAll(() => admin.destroy());

describe("CreateWorkflow and GetWorkflow", () => {
  it("compiles against the registered task and stores the closure with a hex digest", async () => {
    const id = workflowId("twice");
    const { workflow, created } = await admin.client.createWorkflow(createWorkflowRequest(id, chainWorkflow(id, double)));
    expect(created).toBe(true);
    expect(workflow?.state).toBe(VersionState.ACTIVE);
    expect(workflow?.description).toBe("doubles twice");
    const closure = workflow?.closure?.compiledWorkflow;
    expect(closure?.primary?.template?.nodes.map((n) => n.id)).toEqual(["n0", "n1"]);
    expect(closure?.tasks.map((t) => t.template?.id?.name)).toEqual(["double"]);
    expect(closure?.primary?.connections?.upstream.n1?.ids).toEqual(["n0"]);
    expect(workflow?.closure?.digest).toMatch(/^[0-9a-f]{64}$/);
    expect((await admin.client.getWorkflow({ id })).workflow).toEqual(workflow);
  });

  it("answers an identical re-registration with the stored version and created = false", async () => {
    const id = workflowId("again");
    const first = await admin.client.createWorkflow(createWorkflowRequest(id, chainWorkflow(id, double)));
    admin.clock.advance(60_000);
    const again = await admin.client.createWorkflow(createWorkflowRequest(id, chainWorkflow(id, double), "other words"));
    expect(again.created).toBe(false);
    expect(again.workflow).toEqual(first.workflow);
  });

  it("refuses different content under a taken id with AlreadyExists listing each difference", async () => {
    const id = workflowId("changed");
    await admin.client.createWorkflow(createWorkflowRequest(id, chainWorkflow(id, double)));
    const single = workflowTemplate(id, { nodes: [taskNode("n0", double, { input: "x" })], output: "n0" });
    const error = await failure(admin.client.createWorkflow(createWorkflowRequest(id, single)));
    expect(error.code).toBe(Code.AlreadyExists);
    expect(error.rawMessage).toMatch(/^workflow "proj\/development\/changed@v1" already exists with different content; register it under a new version\. Differences: /);
    expect(error.rawMessage).toContain('spec.template.nodes[1]: {"id":"n1",');
    expect(error.rawMessage).toContain('spec.template.outputs[0].binding.promise.node_id: "n1" → "n0"');
  });

  it("names the node and the id of every unregistered or archived reference, storing nothing", async () => {
    await admin.client.createTask(createTaskRequest(taskId("old")));
    await admin.client.archiveVersion({ id: taskId("old") });
    const id = workflowId("dangling");
    const template = workflowTemplate(id, {
      nodes: [taskNode("n0", taskId("missing"), { input: "x" }), taskNode("n1", taskId("old"), { node: "n0" }), callNode("n2", launchPlanId("nowhere"), "x")],
      output: "n1",
    });
    const error = await failure(admin.client.createWorkflow(createWorkflowRequest(id, template)));
    expect(error).toMatchObject({
      code: Code.InvalidArgument,
      rawMessage:
        "spec.template: has 3 problems: " +
        'workflow "dangling", node "n0": task "proj/development/missing@v1" is not registered; ' +
        'workflow "dangling", node "n1": task "proj/development/old@v1" is archived; ' +
        'workflow "dangling", node "n2": launch plan "proj/development/nowhere@v1" is not registered',
    });
    expect((await failure(admin.client.getWorkflow({ id }))).code).toBe(Code.NotFound);
  });

  it("reports compile problems of the template in one InvalidArgument", async () => {
    const id = workflowId("broken");
    const template = workflowTemplate(id, { nodes: [taskNode("n0", double, { input: "nope" })], output: "n0" });
    const error = await failure(admin.client.createWorkflow(createWorkflowRequest(id, template)));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(/^spec\.template: has 1 problem: \[[A-Z_]+\] workflow "broken", node "n0", input "x": /);
  });

  it("compiles against registered sub-workflows and launch plans, bringing their closures along", async () => {
    const inner = workflowId("inner");
    await admin.client.createWorkflow(createWorkflowRequest(inner, chainWorkflow(inner, double)));
    const plan = launchPlanId("inner-plan");
    await admin.client.createLaunchPlan({ id: plan, spec: { workflowId: inner, defaultInputs: { parameters: { x: { var: { type: INT }, behavior: { case: "required", value: true } } } } } });
    const outer = workflowId("outer");
    const template = workflowTemplate(outer, { nodes: [callNode("sub", inner, "x"), callNode("lp", plan, "x")], output: "sub" });
    const { workflow } = await admin.client.createWorkflow(createWorkflowRequest(outer, template));
    const closure = workflow?.closure?.compiledWorkflow;
    expect(closure?.subWorkflows.map((w) => w.template?.id?.name)).toEqual(["inner"]);
    expect(closure?.tasks.map((t) => t.template?.id?.name)).toEqual(["double"]);
    expect(closure?.launchPlans.map((l) => l.template?.id?.name)).toEqual(["inner-plan"]);
  });

  it("requires a configured domain, an existing project and a template id equal to the id", async () => {
    const ghost = workflowId("w", "v1", "ghost");
    expect(await failure(admin.client.createWorkflow(createWorkflowRequest(ghost, chainWorkflow(ghost, double))))).toMatchObject({ code: Code.NotFound });
    const qa = workflowId("w", "v1", "proj", "qa");
    expect((await failure(admin.client.createWorkflow(createWorkflowRequest(qa, chainWorkflow(qa, double))))).rawMessage).toMatch(/^id\.domain: "qa" is not a configured domain/);
    const mismatch = await failure(admin.client.createWorkflow(createWorkflowRequest(workflowId("w", "v2"), chainWorkflow(workflowId("w"), double))));
    expect(mismatch.rawMessage).toBe('spec.template.id: must equal the id being registered ("proj/development/w@v2")');
  });
});

describe("ListWorkflows", () => {
  beforeAll(async () => {
    await admin.client.registerProject({ project: { id: "wlist" } });
    await admin.client.createTask(createTaskRequest(taskId("double", "v1", "wlist")));
    for (const [name, version] of [["a", "v1"], ["b", "v1"], ["a", "v2"], ["c", "v1"]] as const) {
      admin.clock.advance(1_000);
      const id = workflowId(name, version, "wlist");
      await admin.client.createWorkflow(createWorkflowRequest(id, chainWorkflow(id, taskId("double", "v1", "wlist"))));
    }
    await admin.client.archiveVersion({ id: workflowId("b", "v1", "wlist") });
  });

  async function collect(request: { limit: number; filters?: string; includeArchived?: boolean; sortKey?: string }): Promise<string[]> {
    const seen: string[] = [];
    let token = "";
    do {
      const sortBy = request.sortKey === undefined ? undefined : { key: request.sortKey };
      const page = await admin.client.listWorkflows({ project: "wlist", domain: "development", ...request, sortBy, token });
      expect(page.workflows.length).toBeLessThanOrEqual(request.limit);
      seen.push(...page.workflows.map((w) => `${w.id?.name}@${w.id?.version}`));
      token = page.nextToken;
    } while (token !== "");
    return seen;
  }

  it("pages newest first, leaving archived versions out unless asked", async () => {
    expect(await collect({ limit: 1 })).toEqual(["c@v1", "a@v2", "a@v1"]);
    expect(await collect({ limit: 2, includeArchived: true })).toEqual(["c@v1", "a@v2", "b@v1", "a@v1"]);
    expect(await collect({ limit: 3, sortKey: "name" })).toEqual(["c@v1", "a@v2", "a@v1"]);
  });

  it("filters, and names the token of a bad filter", async () => {
    expect(await collect({ limit: 1, filters: "eq(name,a)" })).toEqual(["a@v2", "a@v1"]);
    expect(await collect({ limit: 5, filters: "eq(state,ARCHIVED)", includeArchived: true })).toEqual(["b@v1"]);
    const bad = await failure(admin.client.listWorkflows({ project: "wlist", domain: "development", filters: "eq(name,a)+gt(created_at,yesterday)" }));
    expect(bad).toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: 'filters: "gt(created_at,yesterday)": "yesterday" is not an RFC 3339 UTC timestamp (like 2025-01-31T00:00:00Z) for created_at',
    });
  });
});
