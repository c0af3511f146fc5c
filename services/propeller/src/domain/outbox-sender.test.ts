import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { NodeExecutionPhase, WorkflowExecutionPhase } from "@skein/idl";
import { AdminService, CreateEventsResponseSchema, EventOutcome, EventSchema, type CreateEventsRequest, type Event } from "@skein/idl/admin/v1";
import { createLogger, createMemorySink } from "@skein/server";
import { beforeAll, describe, expect, it } from "vitest";
import type { ExecutionKey, ExecutionStore } from "../repositories/execution-store.js";
import { storeKinds, useStore } from "../test-support/store-fixture.js";
import { OutboxSender } from "./outbox-sender.js";

const nodeEvent = (execution: string, nodeId: string): Event =>
  create(EventSchema, {
    kind: { case: "nodeEvent", value: { id: { nodeId, executionId: { project: "p", domain: "d", name: execution } }, phase: NodeExecutionPhase.RUNNING, producerId: "east" } },
  });
const workflowEvent = (execution: string): Event =>
  create(EventSchema, { kind: { case: "workflowEvent", value: { executionId: { project: "p", domain: "d", name: execution }, phase: WorkflowExecutionPhase.RUNNING, producerId: "east" } } });

/** What admin answers for one event: accepted unless the test says otherwise. */
type Answer = (event: Event) => EventOutcome;

describe.each(storeKinds)("the outbox sender on %s", (kind) => {
  const fixture = useStore(kind);
  let store: ExecutionStore;
  beforeAll(() => {
    store = fixture.store;
  });
  const claimed = () => fixture.claimed();

  /** An admin that records each CreateEvents call; `fail` makes the call with that index fail. */
  function admin(options: { fail?: number; answer?: Answer } = {}) {
    const calls: CreateEventsRequest[] = [];
    const transport = createRouterTransport(({ service }) => {
      service(AdminService, {
        createEvents(request) {
          calls.push(request);
          if (calls.length - 1 === options.fail) throw new ConnectError("admin is restarting", Code.Unavailable);
          return create(CreateEventsResponseSchema, { results: request.events.map((e) => ({ outcome: options.answer?.(e) ?? EventOutcome.ACCEPTED })) });
        },
      });
    });
    return { calls, client: createClient(AdminService, transport) };
  }

  function sender(client: ReturnType<typeof admin>["client"], disowned: ExecutionKey[] = []) {
    return new OutboxSender({ cluster: "east", db: fixture.handle.db, store, admin: client, logger: createLogger({ component: "test", sink: createMemorySink() }), onDisowned: (key) => disowned.push(key), idleMs: 1_000 });
  }

  const nodeIds = (requests: readonly CreateEventsRequest[]) => requests.flatMap((r) => r.events.map((e) => (e.kind.case === "nodeEvent" ? e.kind.value.id?.nodeId : e.kind.case)));
  const pending = async () => (await store.pendingEvents("east", 100_000)).length;

  it("sends the stored events in order, 500 per call, and empties the outbox", async () => {
    const { key, lease } = await claimed();
    const written = Array.from({ length: 1_234 }, (_, i) => nodeEvent(key.name, `n${i}`));
    await store.commitStep(lease, { header: "h", nodes: [], nodeData: [], removedNodes: [], addWork: [], removeWork: [], events: written.map((e) => toBinary(EventSchema, e)) });
    const { calls, client } = admin();
    expect(await sender(client).sendPending()).toBe(1_234);
    expect(calls.map((c) => c.events.length)).toEqual([500, 500, 234]);
    expect(nodeIds(calls)).toEqual(written.map((_, i) => `n${i}`));
    expect(calls.flatMap((c) => c.events)).toEqual(written);
    expect(await pending()).toBe(0);
  });

  it("keeps what a failed call carried, and what came after it, for the next round", async () => {
    const { key, lease } = await claimed();
    const events = Array.from({ length: 1_200 }, (_, i) => toBinary(EventSchema, nodeEvent(key.name, `n${i}`)));
    await store.commitStep(lease, { header: "h", nodes: [], nodeData: [], removedNodes: [], addWork: [], removeWork: [], events });
    const failing = admin({ fail: 1 });
    await expect(sender(failing.client).sendPending()).rejects.toThrow(/admin is restarting/);
    expect(failing.calls.map((c) => c.events.length)).toEqual([500, 500]);
    // The first call was settled and is gone; the second's events and the rest wait.
    expect(await pending()).toBe(700);
    const healthy = admin();
    expect(await sender(healthy.client).sendPending()).toBe(700);
    expect(nodeIds(healthy.calls)).toEqual(Array.from({ length: 700 }, (_, i) => `n${500 + i}`));
    expect(await pending()).toBe(0);
  });

  it("tells of executions admin says the cluster no longer owns, or that are gone", async () => {
    const stale = await claimed();
    const gone = await claimed();
    const other = await claimed();
    for (const [c, events] of [
      [stale, [nodeEvent(stale.key.name, "n0")]],
      [gone, [workflowEvent(gone.key.name)]],
      [other, [nodeEvent(other.key.name, "missing")]],
    ] as const) {
      await store.commitStep(c.lease, { header: "h", nodes: [], nodeData: [], removedNodes: [], addWork: [], removeWork: [], events: events.map((e) => toBinary(EventSchema, e)) });
    }
    const answer: Answer = (e) => {
      if (e.kind.case === "workflowEvent") return EventOutcome.NOT_FOUND;
      const nodeId = e.kind.case === "nodeEvent" ? e.kind.value.id?.nodeId : "";
      return nodeId === "missing" ? EventOutcome.NOT_FOUND : EventOutcome.STALE_OWNER;
    };
    const disowned: ExecutionKey[] = [];
    expect(await sender(admin({ answer }).client, disowned).sendPending()).toBe(3);
    // A node event can be NOT_FOUND for reasons of its own; only a workflow event's says the execution is gone.
    expect(disowned.map((k) => k.name).sort()).toEqual([stale.key.name, gone.key.name].sort());
    expect(await pending()).toBe(0);
  });
});
