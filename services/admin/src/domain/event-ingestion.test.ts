import { create, fromBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { LiteralMapSchema, LiteralSchema, NodeExecutionPhase as N, ResourceType, TaskExecutionPhase as T, WorkflowExecutionPhase as W, type Literal } from "@skein/idl";
import { ConcurrencyBehavior, CreateEventsRequestSchema, EventOutcome as O } from "@skein/idl/admin/v1";
import { literalMap, stringLiteral } from "@skein/engine";
import { createLogger, createMemorySink } from "@skein/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAdminConfig } from "../config.js";
import { createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";
import { batch, insertExecution, nodeEvent, taskEvent, workflowEvent } from "../test-support/event-fixtures.js";
import { DOMAIN, id, inputs, int, PROJECT, registerLaunchPlan, registerWorld } from "../test-support/execution-fixtures.js";
import { eventManagers } from "./event-managers.js";

// What event ingestion does beyond the transition rules: admitting executions a QUEUE policy
// holds back, offloading large event data, checking the child executions nodes name, and marking
// the nodes that have child nodes as parents.

const INLINE_MAX = 128;

let admin: InProcessAdmin;
beforeAll(async () => {
  // The background loops are never started here: whatever gets admitted is admitted by ingestion.
  admin = await createInProcessAdmin({ inlineDataMaxBytes: INLINE_MAX });
  await registerWorld(admin.client);
});
afterAll(() => admin.destroy());

async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  return promise.then(
    () => expect.fail("expected the call to fail"),
    (e: unknown) => ConnectError.from(e),
  );
}

async function outcomes(...events: Parameters<typeof batch>): Promise<O[]> {
  const { results } = await admin.client.createEvents({ events: batch(...events) });
  return results.map((r) => r.outcome);
}

const exec = (name: string) => ({ project: PROJECT, domain: DOMAIN, name });
const nodeId = (name: string, node: string) => ({ nodeId: node, executionId: exec(name) });

async function admission(name: string): Promise<{ admission: string; cluster: string }> {
  return admin.db.selectFrom("execution").select(["admission", "cluster"]).where("name", "=", name).executeTakeFirstOrThrow();
}

describe("a terminal workflow event under a QUEUE concurrency policy", () => {
  beforeAll(async () => {
    await registerLaunchPlan(admin.client, "one-at-a-time", { concurrencyPolicy: { max: 1, behavior: ConcurrencyBehavior.QUEUE } });
  });
  const start = (name: string) =>
    admin.client.createExecution({ project: PROJECT, domain: DOMAIN, name, target: { case: "launchPlanId", value: id(ResourceType.LAUNCH_PLAN, "one-at-a-time") }, inputs: inputs({ x: int(1) }) });
  // The in-process data plane places executions on cluster `local` at epoch 1.
  const local = { producerId: "local", epoch: 1n };

  it("admits the waiting execution before CreateEvents returns", async () => {
    await start("first");
    await start("second");
    await start("third");
    expect(await admission("second")).toEqual({ admission: "waiting", cluster: "" });

    // A phase that is not terminal frees nothing.
    expect(await outcomes(workflowEvent("first", W.RUNNING, 1, local))).toEqual([O.ACCEPTED]);
    expect(await admission("second")).toEqual({ admission: "waiting", cluster: "" });

    expect(await outcomes(workflowEvent("first", W.SUCCEEDED, 2, local))).toEqual([O.ACCEPTED]);
    expect(await admission("second")).toEqual({ admission: "admitted", cluster: "local" });
    // One slot, one admission: the third keeps waiting for the second.
    expect(await admission("third")).toEqual({ admission: "waiting", cluster: "" });
    expect(admin.dispatcher.dispatched()).toContainEqual(exec("second"));

    // A replayed terminal event is a duplicate and admits nobody.
    expect(await outcomes(workflowEvent("first", W.SUCCEEDED, 2, local))).toEqual([O.DUPLICATE]);
    expect(await admission("third")).toEqual({ admission: "waiting", cluster: "" });

    // The single-event RPC admits as well, here after an abort.
    await admin.client.createWorkflowEvent({ event: workflowEvent("second", W.ABORTED, 3, local) });
    expect(await admission("third")).toEqual({ admission: "admitted", cluster: "local" });
  });

  it("tells the data plane once that each finished execution's slot is free", async () => {
    // "first" succeeded and "second" aborted above; their replayed terminal events released nothing more.
    expect(admin.dispatcher.released()).toEqual([exec("first"), exec("second")]);
    expect(await outcomes(workflowEvent("third", W.RUNNING, 1, local))).toEqual([O.ACCEPTED]);
    expect(admin.dispatcher.released()).toEqual([exec("first"), exec("second")]);
    // A data plane that cannot be reached does not refuse the event: it is stored all the same.
    admin.dispatcher.failNext(new Error("router down"));
    expect(await outcomes(workflowEvent("third", W.FAILED, 2, local))).toEqual([O.ACCEPTED]);
    expect(admin.logs).toContainEqual(expect.objectContaining({ msg: "could not tell the data plane an execution finished" }));
    expect(await outcomes(workflowEvent("third", W.FAILED, 2, local))).toEqual([O.DUPLICATE]);
    expect(admin.dispatcher.released()).toEqual([exec("first"), exec("second")]);
  });
});

const big = (tag: string): Literal => stringLiteral(`${tag}:${"x".repeat(2 * INLINE_MAX)}`);
const small = stringLiteral("s");

describe("event data above the inline limit", () => {
  beforeAll(async () => {
    await admin.client.registerProject({ project: { id: PROJECT } }).catch(() => undefined);
    await insertExecution(admin.db, "large");
  });

  const blobUri = (file: string) => `${admin.blobs.baseUri}/metadata/${PROJECT}/${DOMAIN}/large/${file}`;
  const readMap = async (uri: string) => fromBinary(LiteralMapSchema, await admin.blobs.get(uri));

  it("goes to the blob store at the reference layout, and the rows keep the uri", async () => {
    const nodeInputs = literalMap({ a: big("in"), b: small });
    const nodeOutputs = literalMap({ y: big("out") });
    expect(
      await outcomes(
        nodeEvent("large", "n0", N.RUNNING, 1, { inputValue: { case: "inputData", value: nodeInputs } }),
        taskEvent("large", "n0", 1, T.RUNNING, 1, { inputValue: { case: "inputData", value: literalMap({ small }) } }),
        taskEvent("large", "n0", 1, T.SUCCEEDED, 2, { outputResult: { case: "outputData", value: nodeOutputs } }),
        nodeEvent("large", "n0", N.SUCCEEDED, 2, { outputResult: { case: "outputData", value: nodeOutputs } }),
        workflowEvent("large", W.SUCCEEDED, 3, { outputResult: { case: "outputData", value: literalMap({ result: big("wf") }) } }),
      ),
    ).toEqual([O.ACCEPTED, O.ACCEPTED, O.ACCEPTED, O.ACCEPTED, O.ACCEPTED]);

    const node = await admin.db.selectFrom("node_execution").selectAll().where("execution_name", "=", "large").where("node_id", "=", "n0").executeTakeFirstOrThrow();
    expect(node).toMatchObject({ inputs: null, inputs_uri: blobUri("n0/inputs.pb"), outputs: null, outputs_uri: blobUri("n0/outputs.pb") });
    expect(await readMap(blobUri("n0/inputs.pb"))).toEqual(nodeInputs);
    expect(await readMap(blobUri("n0/outputs.pb"))).toEqual(nodeOutputs);

    const task = await admin.db.selectFrom("task_execution").selectAll().where("execution_name", "=", "large").where("retry_attempt", "=", 1).executeTakeFirstOrThrow();
    // Small inputs stay in the row; the attempt's outputs go under <node>/<attempt>/.
    expect(task.inputs_uri).toBeNull();
    expect(fromBinary(LiteralMapSchema, task.inputs!)).toEqual(literalMap({ small }));
    expect(task).toMatchObject({ outputs: null, outputs_uri: blobUri("n0/1/outputs.pb") });
    expect(await readMap(blobUri("n0/1/outputs.pb"))).toEqual(nodeOutputs);

    const execution = await admin.db.selectFrom("execution").select(["outputs", "outputs_uri"]).where("name", "=", "large").executeTakeFirstOrThrow();
    expect(execution).toEqual({ outputs: null, outputs_uri: blobUri("outputs.pb") });
    expect((await admin.client.getExecution({ id: exec("large") })).execution?.closure?.result).toMatchObject({ case: "outputs", value: { uri: blobUri("outputs.pb") } });
  });

  it("comes back from GetNodeExecutionData and GetExecutionData with large values offloaded", async () => {
    const data = await admin.client.getNodeExecutionData({ id: nodeId("large", "n0") });
    expect(data.inputs?.literals.b).toEqual(small);
    const offloaded = data.inputs?.literals.a?.value;
    expect(offloaded?.case).toBe("offloaded");
    const ref = offloaded?.case === "offloaded" ? offloaded.value : expect.fail("input a is not offloaded");
    expect(fromBinary(LiteralSchema, await admin.blobs.get(ref.uri))).toEqual(big("in"));
    const output = data.outputs?.literals.y?.value;
    expect(output?.case === "offloaded" ? fromBinary(LiteralSchema, await admin.blobs.get(output.value.uri)) : undefined).toEqual(big("out"));

    const wf = await admin.client.getExecutionData({ id: exec("large") });
    const result = wf.outputs?.literals.result?.value;
    expect(result?.case === "offloaded" ? fromBinary(LiteralSchema, await admin.blobs.get(result.value.uri)) : undefined).toEqual(big("wf"));
  });

  it("is never replaced by a refused event", async () => {
    const late = literalMap({ y: big("late") });
    expect(
      await outcomes(
        nodeEvent("large", "n0", N.SUCCEEDED, 9, { outputResult: { case: "outputData", value: late } }),
        taskEvent("large", "n0", 1, T.SUCCEEDED, 9, { outputResult: { case: "outputData", value: late } }),
        workflowEvent("large", W.SUCCEEDED, 9, { outputResult: { case: "outputData", value: late } }),
      ),
    ).toEqual([O.DUPLICATE, O.DUPLICATE, O.DUPLICATE]);
    expect(await readMap(blobUri("n0/outputs.pb"))).toEqual(literalMap({ y: big("out") }));
    expect(await readMap(blobUri("n0/1/outputs.pb"))).toEqual(literalMap({ y: big("out") }));
    expect(await readMap(blobUri("outputs.pb"))).toEqual(literalMap({ result: big("wf") }));
  });

  it("makes an event invalid when the blob store cannot hold its name, without refusing the others", async () => {
    // Straight to the domain, as an in-process producer would call it: the edge's validation
    // would already refuse the node id.
    const config = { ...loadAdminConfig({}, {}), inlineDataMaxBytes: INLINE_MAX };
    const logger = createLogger({ component: "test", sink: createMemorySink() });
    const { events } = eventManagers({ db: admin.db, logger, clock: admin.clock, config, blobs: admin.blobs, dispatcher: admin.dispatcher }, logger);
    await insertExecution(admin.db, "odd-names");
    const outputs = { outputResult: { case: "outputData" as const, value: literalMap({ y: big("odd") }) } };
    const { results } = await events.createEvents(create(CreateEventsRequestSchema, { events: batch(nodeEvent("odd-names", "odd name", N.SUCCEEDED, 1, outputs), nodeEvent("odd-names", "n0", N.SUCCEEDED, 1, outputs)) }));
    expect(results.map((r) => r.outcome)).toEqual([O.INVALID, O.ACCEPTED]);
    expect(results[0]?.message).toMatch(/^event data cannot be stored: blob key ".*odd name\/outputs.pb": segment "odd name" has characters outside/);
    const nodes = await admin.db.selectFrom("node_execution").select("node_id").where("execution_name", "=", "odd-names").execute();
    expect(nodes).toEqual([{ node_id: "n0" }]);
  });

  it("stays inline up to the limit", async () => {
    await insertExecution(admin.db, "small");
    expect(await outcomes(nodeEvent("small", "n0", N.SUCCEEDED, 1, { outputResult: { case: "outputData", value: literalMap({ small }) } }))).toEqual([O.ACCEPTED]);
    const node = await admin.db.selectFrom("node_execution").select(["outputs", "outputs_uri"]).where("execution_name", "=", "small").executeTakeFirstOrThrow();
    expect(node.outputs_uri).toBeNull();
    expect((await admin.client.getNodeExecutionData({ id: nodeId("small", "n0") })).outputs).toEqual(literalMap({ small }));
    expect(await admin.blobs.exists(`${admin.blobs.baseUri}/metadata/${PROJECT}/${DOMAIN}/small/n0/outputs.pb`)).toBe(false);
  });
});

describe("a node event naming a child execution", () => {
  beforeAll(async () => {
    await insertExecution(admin.db, "parent");
    await insertExecution(admin.db, "child");
  });
  const launches = (child: string) => ({ targetMetadata: { case: "workflowNodeMetadata" as const, value: { executionId: exec(child) } } });

  it("is refused as NOT_FOUND, naming the child, when the child does not exist", async () => {
    const { results } = await admin.client.createEvents({ events: batch(nodeEvent("parent", "lp0", N.RUNNING, 1, launches("missing")), nodeEvent("parent", "n1", N.RUNNING, 1)) });
    expect(results.map((r) => r.outcome)).toEqual([O.NOT_FOUND, O.ACCEPTED]);
    expect(results[0]?.message).toBe(`node_event.workflow_node_metadata.execution_id: child execution "${PROJECT}/${DOMAIN}/missing" not found`);
    expect((await failure(admin.client.createNodeEvent({ event: nodeEvent("parent", "lp0", N.RUNNING, 1, launches("missing")) }))).code).toBe(Code.NotFound);
    // Nothing was recorded for the refused node.
    expect((await failure(admin.client.getNodeExecution({ id: nodeId("parent", "lp0") }))).code).toBe(Code.NotFound);
  });

  it("is recorded with its child when the child exists", async () => {
    expect(await outcomes(nodeEvent("parent", "lp0", N.RUNNING, 2, launches("child")))).toEqual([O.ACCEPTED]);
    const { nodeExecution } = await admin.client.getNodeExecution({ id: nodeId("parent", "lp0") });
    expect(nodeExecution?.closure?.targetMetadata).toMatchObject({ case: "workflowNodeMetadata", value: { executionId: exec("child") } });
    // A later event naming a child that does not exist is refused, and the record keeps its child.
    expect(await outcomes(nodeEvent("parent", "lp0", N.SUCCEEDED, 3, launches("other")))).toEqual([O.NOT_FOUND]);
    expect((await admin.client.getNodeExecution({ id: nodeId("parent", "lp0") })).nodeExecution?.closure?.phase).toBe(N.RUNNING);
  });
});

describe("a node event naming a parent node", () => {
  beforeAll(async () => {
    await insertExecution(admin.db, "nested");
  });
  const under = (parent: string) => ({ parentNodeMetadata: { nodeId: parent } });
  const listed = async (parentNodeId: string) => {
    const { nodeExecutions } = await admin.client.listNodeExecutions({ executionId: exec("nested"), parentNodeId, limit: 100 });
    return nodeExecutions.map((n) => [n.id?.nodeId ?? "", n.metadata?.isParent ?? false] as const).sort(([a], [b]) => a.localeCompare(b));
  };

  it("marks the parent as one, so listings descend into it, when the parent's own events did not", async () => {
    // A map node reported before its items, as a data plane reports it; then its items, in a later batch.
    expect(await outcomes(nodeEvent("nested", "map", N.RUNNING, 1), nodeEvent("nested", "task", N.RUNNING, 1))).toEqual([O.ACCEPTED, O.ACCEPTED]);
    expect(await listed("")).toEqual([["map", false], ["task", false]]);
    expect(await outcomes(nodeEvent("nested", "map-0", N.RUNNING, 2, under("map")), nodeEvent("nested", "map-1", N.SUCCEEDED, 2, under("map")))).toEqual([O.ACCEPTED, O.ACCEPTED]);
    expect(await listed("")).toEqual([["map", true], ["task", false]]);
    expect(await listed("map")).toEqual([["map-0", false], ["map-1", false]]);
    // A later event of the parent that does not say it is one leaves it one.
    expect(await outcomes(nodeEvent("nested", "map", N.SUCCEEDED, 3))).toEqual([O.ACCEPTED]);
    expect((await admin.client.getNodeExecution({ id: nodeId("nested", "map") })).nodeExecution?.metadata?.isParent).toBe(true);
  });

  it("marks a parent reported in the same batch as its first child", async () => {
    expect(await outcomes(nodeEvent("nested", "branch", N.RUNNING, 4), nodeEvent("nested", "branch-then", N.RUNNING, 4, under("branch")))).toEqual([O.ACCEPTED, O.ACCEPTED]);
    expect((await admin.client.getNodeExecution({ id: nodeId("nested", "branch") })).nodeExecution?.metadata?.isParent).toBe(true);
    expect(await listed("branch")).toEqual([["branch-then", false]]);
  });

  it("records a child whose parent was never reported, creating no parent", async () => {
    expect(await outcomes(nodeEvent("nested", "orphan-0", N.RUNNING, 5, under("orphan")))).toEqual([O.ACCEPTED]);
    expect(await listed("orphan")).toEqual([["orphan-0", false]]);
    expect((await failure(admin.client.getNodeExecution({ id: nodeId("nested", "orphan") }))).code).toBe(Code.NotFound);
  });
});
