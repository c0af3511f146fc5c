import { Code, ConnectError } from "@connectrpc/connect";
import { NodeExecutionPhase as N, TaskExecutionPhase as T, WorkflowExecutionPhase as W } from "@skein/idl";
import { WatchExecutionRequestSchema, type WatchExecutionResponse } from "@skein/idl/admin/v1";
import { create } from "@bufbuild/protobuf";
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

// What a message says, compactly: which record and its phase.
function describe_(m: WatchExecutionResponse): string {
  switch (m.update.case) {
    case "execution":
      return `execution ${W[m.update.value.closure?.phase ?? 0]}`;
    case "nodeExecution":
      return `node ${m.update.value.id?.nodeId} ${N[m.update.value.closure?.phase ?? 0]}`;
    case "taskExecution":
      return `task ${m.update.value.id?.nodeExecutionId?.nodeId}#${m.update.value.id?.retryAttempt} ${T[m.update.value.closure?.phase ?? 0]}@${m.update.value.closure?.phaseVersion}`;
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

const fullRun = [
  "execution QUEUED",
  "execution RUNNING",
  "node n0 QUEUED",
  "node n0 RUNNING",
  "task n0#0 RUNNING@0",
  "task n0#0 RUNNING@1",
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
    expect(snapshot.map(describe_)).toEqual(["execution SUCCEEDED", "node n0 SUCCEEDED", "task n0#0 SUCCEEDED@0"]);
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
