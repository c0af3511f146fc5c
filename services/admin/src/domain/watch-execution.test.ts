import { Code, ConnectError } from "@connectrpc/connect";
import { NodeExecutionPhase as N, TaskExecutionPhase as T, WorkflowExecutionPhase as W } from "@skein/idl";
import { NodeExecutionSchema, TaskExecutionSchema, WatchExecutionRequestSchema, WatchExecutionResponseSchema, type NodeExecution, type TaskExecution, type WatchExecutionResponse } from "@skein/idl/admin/v1";
import { create, toJson } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChangeRepository } from "../repositories/change-repository.js";
import { ExecutionRepository } from "../repositories/execution-repository.js";
import { NodeExecutionRepository } from "../repositories/node-execution-repository.js";
import { TaskExecutionRepository } from "../repositories/task-execution-repository.js";
import { createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";
import { batch, insertExecution, nodeEvent, taskEvent, workflowEvent } from "../test-support/event-fixtures.js";
import { createLocalChangeNotifier } from "./change-feed.js";
import { ExecutionWatcher } from "./watch-execution.js";

let admin: InProcessAdmin;
beforeAll(async () => {
  admin = await createInProcessAdmin();
  await admin.client.registerProject({ project: { id: "proj" } });
});
afterAll(() => admin.destroy());

const execId = (name: string) => ({ project: "proj", domain: "development", name });

const nodeText = (n: NodeExecution) => `node ${n.id?.nodeId} ${N[n.closure?.phase ?? 0]}`;
const taskText = (t: TaskExecution) => `task ${t.id?.nodeExecutionId?.nodeId}#${t.id?.retryAttempt} ${T[t.closure?.phase ?? 0]}@${t.closure?.phaseVersion}`;

// What a message says, compactly: which record and its phase (a page as its records, in brackets).
function describe_(m: WatchExecutionResponse): string {
  switch (m.update.case) {
    case "execution":
      return `execution ${W[m.update.value.closure?.phase ?? 0]}`;
    case "nodeExecution":
      return nodeText(m.update.value);
    case "taskExecution":
      return taskText(m.update.value);
    case "nodeExecutions":
      return `[${m.update.value.nodeExecutions.map(nodeText).join(", ")}]`;
    case "taskExecutions":
      return `[${m.update.value.taskExecutions.map(taskText).join(", ")}]`;
    case undefined:
      return "nothing";
  }
}

async function drain(stream: AsyncIterable<WatchExecutionResponse>): Promise<WatchExecutionResponse[]> {
  const all: WatchExecutionResponse[] = [];
  for await (const m of stream) all.push(m);
  return all;
}

// A run reported in several batches, as a propeller would send it.
async function driveRun(name: string): Promise<void> {
  const send = (...events: Parameters<typeof batch>) => admin.client.createEvents({ events: batch(...events) });
  await send(workflowEvent(name, W.RUNNING, 1), nodeEvent(name, "n0", N.QUEUED, 1));
  await send(nodeEvent(name, "n0", N.RUNNING, 2), taskEvent(name, "n0", 0, T.RUNNING, 2));
  await send(taskEvent(name, "n0", 0, T.RUNNING, 3, { phaseVersion: 1 }), taskEvent(name, "n0", 0, T.SUCCEEDED, 4));
  await send(nodeEvent(name, "n0", N.SUCCEEDED, 4), workflowEvent(name, W.SUCCEEDED, 5));
}

// The third batch moves the attempt twice: a batch commits as one, so only its final state is a change.
const fullRun = [
  "execution QUEUED",
  "execution RUNNING",
  "node n0 QUEUED",
  "node n0 RUNNING",
  "task n0#0 RUNNING@0",
  "task n0#0 SUCCEEDED@0",
  "node n0 SUCCEEDED",
  "execution SUCCEEDED",
];

describe("WatchExecution", () => {
  it("sends the snapshot, then every change of a run in order, and ends at the terminal state", async () => {
    await insertExecution(admin.db, "watched");
    const stream = admin.client.watchExecution({ id: execId("watched"), includeNodeExecutions: true, includeTaskExecutions: true })[Symbol.asyncIterator]();
    const first = await stream.next();
    expect(first.done).toBe(false);
    const rest = drain({ [Symbol.asyncIterator]: () => stream });
    await driveRun("watched");
    const messages = [first.value as WatchExecutionResponse, ...(await rest)];
    expect(messages.map(describe_)).toEqual(fullRun);
    // Resuming from any message continues with exactly the messages that followed it.
    for (const k of [0, 3, 6]) {
      const resumed = await drain(admin.client.watchExecution({ id: execId("watched"), includeNodeExecutions: true, includeTaskExecutions: true, resumeToken: messages[k]?.resumeToken }));
      expect(resumed.map(describe_)).toEqual(fullRun.slice(k + 1));
    }
  });

  it("leaves out node and task changes unless asked for them", async () => {
    await insertExecution(admin.db, "quiet");
    const stream = admin.client.watchExecution({ id: execId("quiet") })[Symbol.asyncIterator]();
    const first = await stream.next();
    const rest = drain({ [Symbol.asyncIterator]: () => stream });
    await driveRun("quiet");
    expect([first.value as WatchExecutionResponse, ...(await rest)].map(describe_)).toEqual(["execution QUEUED", "execution RUNNING", "execution SUCCEEDED"]);
  });

  it("sends a finished execution's snapshot and ends", async () => {
    const snapshot = await drain(admin.client.watchExecution({ id: execId("watched"), includeNodeExecutions: true, includeTaskExecutions: true }));
    expect(snapshot.map(describe_)).toEqual(["execution SUCCEEDED", "[node n0 SUCCEEDED]", "[task n0#0 SUCCEEDED@0]"]);
  });

  it("sends a large execution's nodes and attempts in pages of 1000, then its changes one by one", { timeout: 60_000 }, async () => {
    const name = "wide";
    await insertExecution(admin.db, name);
    const ids = Array.from({ length: 2500 }, (_, i) => `n${i}`);
    // CreateEvents takes at most 500 events a call.
    const send = async (...events: Parameters<typeof batch>) => {
      for (let at = 0; at < events.length; at += 500) await admin.client.createEvents({ events: batch(...events.slice(at, at + 500)) });
    };
    await send(workflowEvent(name, W.RUNNING, 1));
    await send(...ids.map((id) => nodeEvent(name, id, N.RUNNING, 2)));
    await send(...ids.slice(0, 1200).map((id) => taskEvent(name, id, 0, T.RUNNING, 3)));
    const stream = admin.client.watchExecution({ id: execId(name), includeNodeExecutions: true, includeTaskExecutions: true })[Symbol.asyncIterator]();
    const snapshot: WatchExecutionResponse[] = [];
    for (let i = 0; i < 6; i++) snapshot.push((await stream.next()).value as WatchExecutionResponse);
    expect(snapshot.map((m) => m.update.case)).toEqual(["execution", "nodeExecutions", "nodeExecutions", "nodeExecutions", "taskExecutions", "taskExecutions"]);
    const nodes = snapshot.flatMap((m) => (m.update.case === "nodeExecutions" ? m.update.value.nodeExecutions : []));
    expect(nodes.map((n) => n.id?.nodeId).sort()).toEqual([...ids].sort());
    expect(snapshot.map((m) => (m.update.case === "nodeExecutions" ? m.update.value.nodeExecutions.length : m.update.case === "taskExecutions" ? m.update.value.taskExecutions.length : 1))).toEqual([1, 1000, 1000, 500, 1000, 200]);
    // Every snapshot message carries the snapshot's token: resuming from it sends what came after.
    expect(new Set(snapshot.map((m) => m.resumeToken)).size).toBe(1);
    const rest = drain({ [Symbol.asyncIterator]: () => stream });
    await send(nodeEvent(name, "n7", N.SUCCEEDED, 4), workflowEvent(name, W.SUCCEEDED, 5));
    expect((await rest).map(describe_)).toEqual(["node n7 SUCCEEDED", "execution SUCCEEDED"]);
    const resumed = await drain(admin.client.watchExecution({ id: execId(name), includeNodeExecutions: true, resumeToken: snapshot[5]?.resumeToken }));
    expect(resumed.map(describe_)).toEqual(["node n7 SUCCEEDED", "execution SUCCEEDED"]);
  });

  it("sends the same snapshot from stored messages (binary clients), built anew (JSON clients) and from rows that have none", { timeout: 60_000 }, async () => {
    const request = { id: execId("wide"), includeNodeExecutions: true, includeTaskExecutions: true };
    // Every record of a finished execution's snapshot, in order, as JSON.
    const records = async (client: typeof admin.client) =>
      (await drain(client.watchExecution(request))).flatMap((m) => {
        if (m.update.case === "nodeExecutions") return m.update.value.nodeExecutions.map((n) => toJson(NodeExecutionSchema, n));
        if (m.update.case === "taskExecutions") return m.update.value.taskExecutions.map((t) => toJson(TaskExecutionSchema, t));
        return [toJson(WatchExecutionResponseSchema, m)];
      });
    const stored = await records(admin.client);
    expect(stored).toHaveLength(1 + 2500 + 1200);
    expect(await records(admin.jsonClient)).toEqual(stored);
    // Rows written before messages were kept have none: the snapshot builds them all from the rows.
    await admin.db.updateTable("node_execution").set({ message: null }).where("execution_name", "=", "wide").where("node_id", "=", "n3").execute();
    await admin.db.updateTable("task_execution").set({ message: null }).where("execution_name", "=", "wide").where("node_id", "=", "n3").execute();
    expect(await records(admin.client)).toEqual(stored);
  });

  it("finds changes written by another replica by polling the change log", async () => {
    await insertExecution(admin.db, "elsewhere");
    // A second replica's watcher: same database, its own notifier that the writer never wakes.
    const watcher = new ExecutionWatcher({
      db: admin.db,
      executions: new ExecutionRepository(admin.db),
      nodes: new NodeExecutionRepository(admin.db),
      tasks: new TaskExecutionRepository(admin.db),
      changes: new ChangeRepository(admin.db),
      notifier: createLocalChangeNotifier(),
      pollMs: 20,
    });
    const request = create(WatchExecutionRequestSchema, { id: execId("elsewhere"), includeNodeExecutions: true, includeTaskExecutions: true });
    const stream = watcher.watch(request, new AbortController().signal);
    const first = await stream.next();
    const rest = drain({ [Symbol.asyncIterator]: () => stream });
    await driveRun("elsewhere");
    expect([first.value as WatchExecutionResponse, ...(await rest)].map(describe_)).toEqual(fullRun);
  });

  it("refuses a token it did not issue and an unknown execution", async () => {
    const bad = await drain(admin.client.watchExecution({ id: execId("watched"), resumeToken: "nope" })).then(
      () => expect.fail("expected the watch to fail"),
      (e: unknown) => ConnectError.from(e),
    );
    expect(bad).toMatchObject({ code: Code.InvalidArgument, rawMessage: "resume_token: is not a token returned by WatchExecution" });
    const ghost = await drain(admin.client.watchExecution({ id: execId("ghost") })).then(
      () => expect.fail("expected the watch to fail"),
      (e: unknown) => ConnectError.from(e),
    );
    expect(ghost.code).toBe(Code.NotFound);
  });
});
