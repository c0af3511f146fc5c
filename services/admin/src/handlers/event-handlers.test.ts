import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { CatalogCacheStatus, NodeExecutionPhase as N, ResourceType, TaskExecutionPhase as T, WorkflowExecutionPhase as W } from "@skein/idl";
import { EventOutcome as O, SortDirection } from "@skein/idl/admin/v1";
import { intLiteral, literalMap } from "@skein/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExecutionRepository } from "../repositories/execution-repository.js";
import { executionFromRow } from "../repositories/transformers/execution-transformer.js";
import { createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";
import { batch, insertExecution, nodeEvent, taskEvent, workflowEvent } from "../test-support/event-fixtures.js";

let admin: InProcessAdmin;
beforeAll(async () => {
  admin = await createInProcessAdmin();
  await admin.client.registerProject({ project: { id: "proj" } });
});
afterAll(() => admin.destroy());

async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  return promise.then(
    () => expect.fail("expected the call to fail"),
    (e: unknown) => ConnectError.from(e),
  );
}

async function execution(name: string) {
  return executionFromRow(await new ExecutionRepository(admin.db).get({ project: "proj", domain: "development", name }));
}

async function outcomes(...events: Parameters<typeof batch>): Promise<O[]> {
  const { results } = await admin.client.createEvents({ events: batch(...events) });
  return results.map((r) => r.outcome);
}

const nodeId = (name: string, node: string) => ({ nodeId: node, executionId: { project: "proj", domain: "development", name } });

describe("workflow events", () => {
  it("move the execution through its phases, recording start, duration and outputs", async () => {
    await insertExecution(admin.db, "wf-life");
    await admin.client.createWorkflowEvent({ event: workflowEvent("wf-life", W.RUNNING, 10) });
    await admin.client.createWorkflowEvent({
      event: workflowEvent("wf-life", W.SUCCEEDED, 25, { outputResult: { case: "outputData", value: literalMap({ y: intLiteral(2n) }) } }),
    });
    const closure = (await execution("wf-life")).closure;
    expect(closure?.phase).toBe(W.SUCCEEDED);
    expect(timestampDate(closure!.startedAt!)).toEqual(new Date("2025-05-01T12:00:10Z"));
    expect(closure?.duration?.seconds).toBe(15n);
    expect(closure?.result.case).toBe("outputs");
  });

  it("answer a duplicate with AlreadyExists and a late or illegal phase with the proto's codes", async () => {
    await insertExecution(admin.db, "wf-rules");
    await admin.client.createWorkflowEvent({ event: workflowEvent("wf-rules", W.RUNNING, 1) });
    expect(await failure(admin.client.createWorkflowEvent({ event: workflowEvent("wf-rules", W.RUNNING, 2) }))).toMatchObject({
      code: Code.AlreadyExists,
      rawMessage: "execution is already RUNNING",
    });
    expect((await failure(admin.client.createWorkflowEvent({ event: workflowEvent("wf-rules", W.QUEUED, 3) }))).code).toBe(Code.InvalidArgument);
    await admin.client.createWorkflowEvent({ event: workflowEvent("wf-rules", W.FAILED, 4, { outputResult: { case: "error", value: { code: "E", message: "boom" } } }) });
    expect(await failure(admin.client.createWorkflowEvent({ event: workflowEvent("wf-rules", W.RUNNING, 5) }))).toMatchObject({
      code: Code.FailedPrecondition,
      rawMessage: "execution is already in terminal phase FAILED; RUNNING refused",
    });
    const closure = (await execution("wf-rules")).closure;
    expect(closure?.phase).toBe(W.FAILED);
    expect(closure?.reason).toBe("boom");
  });

  it("accept SUCCEEDED before RUNNING, and then refuse the late RUNNING", async () => {
    await insertExecution(admin.db, "wf-order");
    expect(await outcomes(workflowEvent("wf-order", W.SUCCEEDED, 9), workflowEvent("wf-order", W.RUNNING, 5))).toEqual([O.ACCEPTED, O.ALREADY_TERMINAL]);
    const closure = (await execution("wf-order")).closure;
    expect(closure?.phase).toBe(W.SUCCEEDED);
    expect(closure?.startedAt).toBeUndefined();
  });

  it("allow only terminal phases after ABORTING", async () => {
    await insertExecution(admin.db, "wf-abort", { phase: "aborting" });
    expect(await outcomes(workflowEvent("wf-abort", W.RUNNING, 1), workflowEvent("wf-abort", W.ABORTED, 2))).toEqual([O.INVALID, O.ACCEPTED]);
  });

  it("refuse a foreign cluster and a stale epoch, and move ownership on a higher epoch", async () => {
    await insertExecution(admin.db, "wf-owner", { cluster: "east", epoch: 3n });
    const west = await failure(admin.client.createWorkflowEvent({ event: workflowEvent("wf-owner", W.RUNNING, 1, { producerId: "west", epoch: 3n }) }));
    expect(west).toMatchObject({ code: Code.FailedPrecondition, rawMessage: 'producer "west" does not own the execution; cluster "east" does at epoch 3' });
    expect(await outcomes(workflowEvent("wf-owner", W.RUNNING, 1, { epoch: 2n }))).toEqual([O.STALE_OWNER]);
    // The router reassigned the execution to west at epoch 4: west's QUEUED announces it.
    expect(await outcomes(workflowEvent("wf-owner", W.QUEUED, 2, { producerId: "west", epoch: 4n }))).toEqual([O.ACCEPTED]);
    const closure = (await execution("wf-owner")).closure;
    expect(closure).toMatchObject({ cluster: "west", assignmentEpoch: 4n, phase: W.QUEUED });
    expect(await outcomes(workflowEvent("wf-owner", W.RUNNING, 3, { epoch: 3n }), nodeEvent("wf-owner", "n0", N.RUNNING, 3, { epoch: 3n }))).toEqual([
      O.STALE_OWNER,
      O.STALE_OWNER,
    ]);
    expect(await outcomes(workflowEvent("wf-owner", W.RUNNING, 3, { producerId: "west", epoch: 4n }))).toEqual([O.ACCEPTED]);
  });

  it("report an unknown execution as NotFound", async () => {
    expect((await failure(admin.client.createWorkflowEvent({ event: workflowEvent("ghost", W.RUNNING, 1) }))).code).toBe(Code.NotFound);
    expect(await outcomes(nodeEvent("ghost", "n0", N.RUNNING, 1))).toEqual([O.NOT_FOUND]);
  });
});

describe("node and task events", () => {
  beforeAll(async () => {
    await insertExecution(admin.db, "nodes");
  });

  it("create the node record on its first event and keep what later events carry", async () => {
    const inputs = literalMap({ x: intLiteral(1n) });
    expect(
      await outcomes(
        nodeEvent("nodes", "n0", N.QUEUED, 1, { inputValue: { case: "inputData", value: inputs }, specNodeId: "n0", nodeName: "double" }),
        nodeEvent("nodes", "n0", N.RUNNING, 2, { targetMetadata: { case: "taskNodeMetadata", value: { cacheStatus: CatalogCacheStatus.MISS } } }),
        nodeEvent("nodes", "n0", N.SUCCEEDED, 7, { outputResult: { case: "outputData", value: literalMap({ y: intLiteral(2n) }) } }),
      ),
    ).toEqual([O.ACCEPTED, O.ACCEPTED, O.ACCEPTED]);
    const { nodeExecution } = await admin.client.getNodeExecution({ id: nodeId("nodes", "n0") });
    expect(nodeExecution?.closure?.phase).toBe(N.SUCCEEDED);
    expect(nodeExecution?.closure?.duration?.seconds).toBe(5n);
    expect(nodeExecution?.metadata).toMatchObject({ specNodeId: "n0", nodeName: "double", parentNodeId: "" });
    expect(nodeExecution?.closure?.targetMetadata).toMatchObject({ case: "taskNodeInfo", value: { cacheStatus: CatalogCacheStatus.MISS } });
    const data = await admin.client.getNodeExecutionData({ id: nodeId("nodes", "n0") });
    expect(data.inputs).toEqual(inputs);
    expect(data.outputs).toEqual(literalMap({ y: intLiteral(2n) }));
  });

  it("keep a dynamic node's generated workflow, and its cache facts, through events that leave them out", async () => {
    const id = { resourceType: ResourceType.WORKFLOW, project: "proj", domain: "development", name: "wf.dyn", version: "v1" };
    const compiledWorkflow = { primary: { template: { id, nodes: [{ id: "dn0" }, { id: "dn1", upstreamNodeIds: ["dn0"] }] } } };
    const dynamicWorkflow = { id, compiledWorkflow };
    const taskMeta = (value: { cacheStatus?: CatalogCacheStatus; dynamicWorkflow?: typeof dynamicWorkflow }) => ({ targetMetadata: { case: "taskNodeMetadata" as const, value } });
    expect(
      await outcomes(
        nodeEvent("nodes", "dyn", N.RUNNING, 1, taskMeta({ cacheStatus: CatalogCacheStatus.MISS })),
        nodeEvent("nodes", "dyn", N.DYNAMIC_RUNNING, 2, { isParent: true, isDynamic: true, ...taskMeta({ dynamicWorkflow }) }),
        nodeEvent("nodes", "dyn", N.SUCCEEDED, 3, { isParent: true, isDynamic: true, ...taskMeta({ cacheStatus: CatalogCacheStatus.POPULATED }) }),
      ),
    ).toEqual([O.ACCEPTED, O.ACCEPTED, O.ACCEPTED]);
    const data = await admin.client.getNodeExecutionData({ id: nodeId("nodes", "dyn") });
    expect(data.dynamicWorkflow?.id?.name).toBe("wf.dyn");
    expect(data.dynamicWorkflow?.compiledWorkflow?.primary?.template?.nodes.map((n) => n.id)).toEqual(["dn0", "dn1"]);
    const { nodeExecution } = await admin.client.getNodeExecution({ id: nodeId("nodes", "dyn") });
    expect(nodeExecution?.metadata).toMatchObject({ isParent: true, isDynamic: true, isArray: false });
    expect(nodeExecution?.closure?.targetMetadata).toMatchObject({ case: "taskNodeInfo", value: { cacheStatus: CatalogCacheStatus.POPULATED } });
    // The event that brought the workflow said nothing of the cache: the MISS before it stayed.
    await outcomes(
      nodeEvent("nodes", "dyn2", N.RUNNING, 1, taskMeta({ cacheStatus: CatalogCacheStatus.MISS })),
      nodeEvent("nodes", "dyn2", N.DYNAMIC_RUNNING, 2, taskMeta({ dynamicWorkflow })),
    );
    const second = await admin.client.getNodeExecution({ id: nodeId("nodes", "dyn2") });
    expect(second.nodeExecution?.closure?.targetMetadata).toMatchObject({ case: "taskNodeInfo", value: { cacheStatus: CatalogCacheStatus.MISS } });
  });

  it("treat a repeated phase as a duplicate and a late phase as already terminal", async () => {
    expect(await outcomes(nodeEvent("nodes", "n1", N.SUCCEEDED, 5), nodeEvent("nodes", "n1", N.RUNNING, 3), nodeEvent("nodes", "n1", N.SUCCEEDED, 5))).toEqual([
      O.ACCEPTED,
      O.ALREADY_TERMINAL,
      O.DUPLICATE,
    ]);
    expect((await failure(admin.client.createNodeEvent({ event: nodeEvent("nodes", "n1", N.RUNNING, 6) }))).code).toBe(Code.FailedPrecondition);
    expect((await failure(admin.client.createNodeEvent({ event: nodeEvent("nodes", "n1", N.SUCCEEDED, 6) }))).code).toBe(Code.AlreadyExists);
  });

  it("repeat a task phase only with a higher phase version, merging logs", async () => {
    const log = (uri: string) => ({ uri, name: uri });
    expect(
      await outcomes(
        nodeEvent("nodes", "t0", N.RUNNING, 1),
        taskEvent("nodes", "t0", 0, T.RUNNING, 1, { logs: [log("a")] }),
        taskEvent("nodes", "t0", 0, T.RUNNING, 2, { phaseVersion: 1, logs: [log("b")], reasons: [{ reason: "pulling image" }] }),
        taskEvent("nodes", "t0", 0, T.RUNNING, 3, { phaseVersion: 1, logs: [log("c")] }),
        taskEvent("nodes", "t0", 0, T.RETRYABLE_FAILED, 4),
        taskEvent("nodes", "t0", 1, T.SUCCEEDED, 9),
        taskEvent("nodes", "t0", 1, T.SUCCEEDED, 9, { phaseVersion: 2 }),
      ),
    ).toEqual([O.ACCEPTED, O.ACCEPTED, O.ACCEPTED, O.DUPLICATE, O.ACCEPTED, O.ACCEPTED, O.ALREADY_TERMINAL]);
    const { taskExecutions } = await admin.client.listTaskExecutions({ nodeExecutionId: nodeId("nodes", "t0"), sortBy: { key: "retry_attempt", direction: SortDirection.ASCENDING } });
    expect(taskExecutions.map((t) => [t.id?.retryAttempt, t.closure?.phase, t.closure?.phaseVersion])).toEqual([
      [0, T.RETRYABLE_FAILED, 0],
      [1, T.SUCCEEDED, 0],
    ]);
    expect(taskExecutions[0]?.closure?.logs.map((l) => l.uri)).toEqual(["a", "b"]);
    const one = await admin.client.getTaskExecution({ id: { taskId: taskEvent("nodes", "t0", 0, T.RUNNING, 0).taskId, nodeExecutionId: nodeId("nodes", "t0"), retryAttempt: 0 } });
    expect(one.taskExecution?.closure?.reason).toBe("");
    expect((await failure(admin.client.createTaskEvent({ event: taskEvent("nodes", "t0", 1, T.RUNNING, 10) }))).code).toBe(Code.FailedPrecondition);
  });

  it("refuse a task event whose node has no record yet, and one naming another task", async () => {
    expect(await outcomes(taskEvent("nodes", "nowhere", 0, T.RUNNING, 1))).toEqual([O.NOT_FOUND]);
    const other = taskEvent("nodes", "t0", 1, T.SUCCEEDED, 9);
    other.taskId!.name = "other";
    const { results } = await admin.client.createEvents({ events: batch(other) });
    expect(results[0]).toMatchObject({ outcome: O.INVALID, message: "task_event.task_id: attempt proj/development/nodes/t0#1 ran task t@v1, not other@v1" });
  });

  it("answer GetTaskExecution naming another task of the attempt with NotFound", async () => {
    const taskId = { ...taskEvent("nodes", "t0", 0, T.RUNNING, 0).taskId!, version: "v2" };
    const error = await failure(admin.client.getTaskExecution({ id: { taskId, nodeExecutionId: nodeId("nodes", "t0"), retryAttempt: 0 } }));
    expect(error).toMatchObject({ code: Code.NotFound, rawMessage: 'task execution "proj/development/nodes/t0#0" of task t@v2 not found' });
  });
});

describe("CreateEvents batches", () => {
  it("give each event its own result, and change nothing when replayed", async () => {
    await insertExecution(admin.db, "mixed");
    const events = [
      workflowEvent("mixed", W.RUNNING, 1),
      nodeEvent("mixed", "a", N.RUNNING, 1),
      nodeEvent("mixed", "a", N.RUNNING, 1),
      nodeEvent("mixed", "b", N.RUNNING, 1, { producerId: "west" }),
      nodeEvent("mixed", "a", N.SUCCEEDED, 2),
      nodeEvent("mixed", "a", N.RUNNING, 3),
      workflowEvent("mixed", W.QUEUED, 3),
      nodeEvent("ghost", "a", N.RUNNING, 1),
      workflowEvent("mixed", W.SUCCEEDED, 4),
    ];
    expect(await outcomes(...events)).toEqual([O.ACCEPTED, O.ACCEPTED, O.DUPLICATE, O.STALE_OWNER, O.ACCEPTED, O.ALREADY_TERMINAL, O.INVALID, O.NOT_FOUND, O.ACCEPTED]);
    const snapshot = async () => ({
      nodes: await admin.db.selectFrom("node_execution").selectAll().where("execution_name", "=", "mixed").execute(),
      changes: await admin.db.selectFrom("execution_change").select("seq").where("execution_name", "=", "mixed").execute(),
      execution: await execution("mixed"),
    });
    const before = await snapshot();
    admin.clock.advance(60_000);
    // Against the final state every event is now late, repeated, stale or unknown.
    const replayed = [O.ALREADY_TERMINAL, O.ALREADY_TERMINAL, O.ALREADY_TERMINAL, O.STALE_OWNER, O.DUPLICATE, O.ALREADY_TERMINAL, O.ALREADY_TERMINAL, O.NOT_FOUND, O.DUPLICATE];
    expect(await outcomes(...events)).toEqual(replayed);
    expect(await snapshot()).toEqual(before);
  });

  it("reports an event the database cannot store as INVALID without refusing the others", async () => {
    await insertExecution(admin.db, "poison");
    const results = (
      await admin.client.createEvents({
        events: batch(nodeEvent("poison", "a", N.RUNNING, 1), nodeEvent("poison", "b", N.RUNNING, 1, { nodeName: "bad\u0000name" }), nodeEvent("poison", "c", N.RUNNING, 1)),
      })
    ).results;
    expect(results.map((r) => r.outcome)).toEqual([O.ACCEPTED, O.INVALID, O.ACCEPTED]);
    expect(results[1]?.message).toMatch(/^event could not be stored \(SQLSTATE 22/);
    const { nodeExecutions } = await admin.client.listNodeExecutions({ executionId: { project: "proj", domain: "development", name: "poison" }, sortBy: { key: "node_id", direction: SortDirection.ASCENDING } });
    expect(nodeExecutions.map((n) => n.id?.nodeId)).toEqual(["a", "c"]);
  });

  it("refuses an empty batch and one over 500 events at the edge", async () => {
    expect((await failure(admin.client.createEvents({ events: [] }))).code).toBe(Code.InvalidArgument);
    const many = batch(...Array.from({ length: 501 }, (_, i) => nodeEvent("mixed", `n${i}`, N.RUNNING, 1)));
    expect((await failure(admin.client.createEvents({ events: many }))).code).toBe(Code.InvalidArgument);
  });
});
