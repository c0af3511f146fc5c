import { createClient, createRouterTransport, type Client } from "@connectrpc/connect";
import { WorkflowExecutionPhase as W } from "@skein/idl";
import { AdminService, type WatchExecutionResponse } from "@skein/idl/admin/v1";
import { createLogger, createMemorySink } from "@skein/server";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAdminConfig } from "../config.js";
import { createLocalChangeNotifier, type ChangeNotifier } from "../domain/change-feed.js";
import { configuredDomains } from "../domain/domains.js";
import { eventManagers } from "../domain/event-managers.js";
import { executionManagers } from "../domain/execution-managers.js";
import { ProjectRepository } from "../repositories/project-repository.js";
import { createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";
import { insertExecution } from "../test-support/event-fixtures.js";
import { eventHandlers, withWatchWakeUps } from "./event-handlers.js";
import { executionHandlers } from "./execution-handlers.js";

// Changes made outside event ingestion reach watchers through the same wake-ups. The watchers here
// poll once an hour, so a change that arrives at all arrived through a wake-up: without one the
// test would run into its timeout. Each change is made only once the watcher has read the log and
// gone to wait, which is when only a wake-up can bring it news.

let admin: InProcessAdmin;
let client: Client<typeof AdminService>;
const subscriptions = new Map<string, number>();
const subscribed: (() => void)[] = [];
beforeAll(async () => {
  admin = await createInProcessAdmin();
  await admin.client.registerProject({ project: { id: "proj" } });
  const config = loadAdminConfig({}, {});
  const logger = createLogger({ component: "test", sink: createMemorySink() });
  const ctx = { db: admin.db, logger, clock: admin.clock, config, blobs: admin.blobs, dispatcher: admin.dispatcher };
  const local = createLocalChangeNotifier();
  // Counts each watcher's subscriptions: a watcher subscribes each time before it reads the log.
  const notifier: ChangeNotifier = {
    publish: (executions) => local.publish(executions),
    subscribe(execution, listener) {
      subscriptions.set(execution, (subscriptions.get(execution) ?? 0) + 1);
      for (const wake of subscribed.splice(0)) wake();
      return local.subscribe(execution, listener);
    },
  };
  const events = eventManagers(ctx, logger, { notifier, watchPollMs: 3_600_000 });
  const executions = executionManagers(ctx, new ProjectRepository(admin.db), configuredDomains(config.domains), logger);
  const handlers = withWatchWakeUps({ ...executionHandlers(executions), ...eventHandlers(events) }, events.notifier);
  client = createClient(AdminService, createRouterTransport((router) => router.service(AdminService, handlers)));
});
afterAll(() => admin.destroy());

const execId = (name: string) => ({ project: "proj", domain: "development", name });

/**
 * Resolves once the watcher of `name` has subscribed `count` times and then read the log: queries
 * queue behind the watcher's two reads (PGlite runs them in order), so after three of our own the
 * watcher is waiting.
 */
async function watcherWaiting(name: string, count: number): Promise<void> {
  const key = `proj/development/${name}`;
  while ((subscriptions.get(key) ?? 0) < count) await new Promise<void>((resolve) => subscribed.push(resolve));
  for (let i = 0; i < 3; i++) await sql`SELECT 1`.execute(admin.db);
}

function phaseOf(m: WatchExecutionResponse | undefined): string {
  if (m?.update.case !== "execution") return `not an execution change: ${m?.update.case}`;
  return W[m.update.value.closure?.phase ?? 0] ?? "unknown phase";
}

function watch(name: string): AsyncIterator<WatchExecutionResponse> {
  return client.watchExecution({ id: execId(name) })[Symbol.asyncIterator]();
}

/** The stream's next message; undefined once it ended. */
async function nextMessage(stream: AsyncIterator<WatchExecutionResponse>): Promise<WatchExecutionResponse | undefined> {
  const result = await stream.next();
  return result.done === true ? undefined : result.value;
}

describe("watchers of an execution changed by an RPC", () => {
  it("see TerminateExecution's ABORTING at once", async () => {
    await insertExecution(admin.db, "stopping", { phase: "running" });
    const stream = watch("stopping");
    expect(phaseOf(await nextMessage(stream))).toBe("RUNNING");
    const pending = nextMessage(stream);
    await watcherWaiting("stopping", 1);
    await client.terminateExecution({ id: execId("stopping"), cause: "no longer needed" });
    const next = await pending;
    expect(phaseOf(next)).toBe("ABORTING");
    const abort = next?.update.case === "execution" ? next.update.value.closure?.abortMetadata : undefined;
    expect(abort?.cause).toBe("no longer needed");
    await stream.return?.();
  });

  it("see a waiting execution's termination through to ABORTED, where the stream ends", async () => {
    await insertExecution(admin.db, "never-ran");
    await admin.db.updateTable("execution").set({ admission: "waiting", cluster: "" }).where("name", "=", "never-ran").execute();
    const stream = watch("never-ran");
    expect(phaseOf(await nextMessage(stream))).toBe("QUEUED");
    const pending = nextMessage(stream);
    await watcherWaiting("never-ran", 1);
    await client.terminateExecution({ id: execId("never-ran"), cause: "changed my mind" });
    const rest: string[] = [];
    for (let m = await pending; m !== undefined; m = await nextMessage(stream)) rest.push(phaseOf(m));
    expect(rest).toEqual(["ABORTING", "ABORTED"]);
  });
});
