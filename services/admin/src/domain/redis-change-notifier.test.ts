import net from "node:net";
import { WorkflowExecutionPhase as W } from "@skein/idl";
import type { WatchExecutionResponse } from "@skein/idl/admin/v1";
import { createLogger, createMemorySink, type LogRecord } from "@skein/server";
import { createTestRedis, startTcpProxy, testEnvironment, uniqueSuffix, type TestRedis } from "@skein/testing";
import type { Redis } from "ioredis";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAdminReplica, createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";
import { insertExecution } from "../test-support/event-fixtures.js";
import { createRedisChangeNotifier, type RedisChangeNotifier, type RedisChangeNotifierOptions } from "./redis-change-notifier.js";

// Without SKEIN_TEST_REDIS_URL only the degraded path runs (Redis unreachable from the start);
// with it, wake-ups also cross real Redis between two admin replicas sharing one database, and a
// TCP proxy that is cut and restored stands in for Redis going away mid-run.

const hour = 3_600_000;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type NotifierOptions = { readonly url: string; readonly channelPrefix?: string } & Pick<RedisChangeNotifierOptions, "unsubscribeDelayMs" | "warnIntervalMs">;

function notifier(options: NotifierOptions): { notifier: RedisChangeNotifier; logs: LogRecord[] } {
  const sink = createMemorySink();
  const created = createRedisChangeNotifier({ channelPrefix: `skein-test:${uniqueSuffix()}:`, ...options, logger: createLogger({ component: "wake-ups", level: "debug", sink }) });
  cleanups.push(() => created.close());
  return { notifier: created, logs: sink.records };
}

async function admin(options: { notifier: RedisChangeNotifier }): Promise<InProcessAdmin> {
  const created = await createInProcessAdmin({}, options);
  cleanups.push(() => created.destroy());
  await created.client.registerProject({ project: { id: "proj" } });
  return created;
}

/** A port on which nothing listens. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const execId = (name: string) => ({ project: "proj", domain: "development", name });
const keyOf = (name: string) => `proj/development/${name}`;

function phaseOf(m: WatchExecutionResponse | undefined): string {
  if (m?.update.case !== "execution") return `not an execution change: ${m?.update.case}`;
  return W[m.update.value.closure?.phase ?? 0] ?? "unknown phase";
}

function watch(replica: Pick<InProcessAdmin, "client">, name: string): AsyncIterator<WatchExecutionResponse> {
  const stream = replica.client.watchExecution({ id: execId(name) })[Symbol.asyncIterator]();
  cleanups.push(async () => {
    await stream.return?.();
  });
  return stream;
}

async function nextMessage(stream: AsyncIterator<WatchExecutionResponse>): Promise<WatchExecutionResponse | undefined> {
  const result = await stream.next();
  return result.done === true ? undefined : result.value;
}

describe("a redis notifier whose redis is unreachable", () => {
  it("never throws, still wakes listeners of its own process and warns once per interval", async () => {
    const { notifier: down, logs } = notifier({ url: `redis://127.0.0.1:${await closedPort()}` });
    const calls: string[] = [];
    const stop = down.subscribe("p/d/a", () => calls.push("a"));
    down.subscribe("p/d/b", () => calls.push("b"));
    down.publish(["p/d/a", "p/d/a"]);
    expect(calls).toEqual(["a"]);
    for (let i = 0; i < 5; i++) down.publish(["p/d/b"]);
    expect(calls).toEqual(["a", "b", "b", "b", "b", "b"]);
    stop();
    stop();
    down.publish(["p/d/a", "p/d/c"]);
    down.publish([]);
    expect(calls).toHaveLength(6);
    // Seven publishes reached Redis's side while it was down: one warning, the rest held back.
    expect(logs.filter((r) => r.level === "warn" && r.msg.startsWith("redis is not connected"))).toHaveLength(1);
    await vi.waitFor(() => expect(logs.some((r) => r.level === "warn" && r.msg.startsWith("redis connection failed"))).toBe(true));
  });

  it("lets admin replicas serve requests while watchers find changes by polling", async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const channelPrefix = `skein-test:${uniqueSuffix()}:`;
    const a = await admin({ notifier: notifier({ url, channelPrefix }).notifier });
    const b = await createAdminReplica(a, { watchPollMs: 50 }, { notifier: notifier({ url, channelPrefix }).notifier });
    await insertExecution(a.db, "polled", { phase: "running" });
    const stream = watch(b, "polled");
    expect(phaseOf(await nextMessage(stream))).toBe("RUNNING");
    await a.client.terminateExecution({ id: execId("polled"), cause: "stop" });
    expect(phaseOf(await nextMessage(stream))).toBe("ABORTING");
  });

  it("after close, still wakes listeners of its own process", async () => {
    const { notifier: down } = notifier({ url: `redis://127.0.0.1:${await closedPort()}` });
    await down.close();
    let woken = 0;
    const stop = down.subscribe("p/d/x", () => woken++);
    down.publish(["p/d/x"]);
    stop();
    expect(woken).toBe(1);
  });
});

const redisUrl = testEnvironment().redisUrl;
if (redisUrl !== undefined) {
  describe("a redis notifier with redis", () => {
    async function observer(): Promise<TestRedis> {
      const created = await createTestRedis();
      if (created === undefined) throw new Error("SKEIN_TEST_REDIS_URL is set but no Redis fixture was created");
      cleanups.push(() => created.destroy());
      return created;
    }

    async function subscribers(redis: Redis, channel: string): Promise<number> {
      const reply = (await redis.call("PUBSUB", "NUMSUB", channel)) as [string, number];
      return reply[1];
    }

    it("subscribes a channel while it has local listeners and ignores its own echo", async () => {
      const { prefix, redis } = await observer();
      const x = notifier({ url: redisUrl, channelPrefix: prefix, unsubscribeDelayMs: 0 }).notifier;
      const y = notifier({ url: redisUrl, channelPrefix: prefix }).notifier;
      await Promise.all([x.ready(), y.ready()]);
      const channel = `${prefix}p/d/e`;
      expect(await subscribers(redis, channel)).toBe(0);
      let first = 0;
      let second = 0;
      const stopFirst = x.subscribe("p/d/e", () => first++);
      const stopSecond = x.subscribe("p/d/e", () => second++);
      await vi.waitFor(async () => expect(await subscribers(redis, channel)).toBe(1));

      // A raw subscriber sees x's publish reach Redis before y publishes; Redis delivers both to x
      // in that order, so once y's wake-up arrived, x's echo would have too.
      const raw = redis.duplicate({ keyPrefix: "" });
      cleanups.push(async () => {
        raw.disconnect();
      });
      const seen: string[] = [];
      raw.on("message", (_channel: string, message: string) => seen.push(message));
      await raw.subscribe(channel);
      x.publish(["p/d/e"]);
      expect([first, second]).toEqual([1, 1]);
      await vi.waitFor(() => expect(seen).toHaveLength(1));
      y.publish(["p/d/e"]);
      await vi.waitFor(() => expect(first).toBe(2));
      expect(second).toBe(2);

      stopFirst();
      y.publish(["p/d/e"]);
      await vi.waitFor(() => expect(second).toBe(3));
      expect(first).toBe(2);
      expect(await subscribers(redis, channel)).toBe(2); // x and the raw subscriber
      stopSecond();
      await vi.waitFor(async () => expect(await subscribers(redis, channel)).toBe(1));
    });

    it("carries a change made through one replica to a watcher on another at once", async () => {
      const { prefix, redis } = await observer();
      const nA = notifier({ url: redisUrl, channelPrefix: prefix }).notifier;
      const nB = notifier({ url: redisUrl, channelPrefix: prefix }).notifier;
      await Promise.all([nA.ready(), nB.ready()]);
      const a = await admin({ notifier: nA });
      // B polls once an hour: the change can only reach its watcher through a wake-up over Redis.
      const b = await createAdminReplica(a, { watchPollMs: hour }, { notifier: nB });
      await insertExecution(a.db, "across", { phase: "running" });
      const stream = watch(b, "across");
      expect(phaseOf(await nextMessage(stream))).toBe("RUNNING");
      const pending = nextMessage(stream);
      await vi.waitFor(async () => expect(await subscribers(redis, `${prefix}${keyOf("across")}`)).toBe(1));
      await a.client.terminateExecution({ id: execId("across"), cause: "from replica A" });
      expect(phaseOf(await pending)).toBe("ABORTING");
    });

    it("keeps watchers going by polling while redis is cut off, and resumes wake-ups when it returns", async () => {
      const { prefix, redis } = await observer();
      const target = new URL(redisUrl);
      const proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
      cleanups.push(() => proxy.close());
      const url = `redis://127.0.0.1:${proxy.port}`;
      const a = notifier({ url, channelPrefix: prefix });
      const b = notifier({ url, channelPrefix: prefix });
      await Promise.all([a.notifier.ready(), b.notifier.ready()]);
      const replicaA = await admin({ notifier: a.notifier });
      const polling = await createAdminReplica(replicaA, { watchPollMs: 100 }, { notifier: b.notifier });
      const waking = await createAdminReplica(replicaA, { watchPollMs: hour }, { notifier: b.notifier });
      for (const name of ["during-1", "during-2", "missed", "after"]) await insertExecution(replicaA.db, name, { phase: "running" });

      const polled = [watch(polling, "during-1"), watch(polling, "during-2")];
      const missed = watch(waking, "missed");
      for (const stream of [...polled, missed]) expect(phaseOf(await nextMessage(stream))).toBe("RUNNING");
      const missedNext = nextMessage(missed);

      proxy.cut();
      // Requests succeed although their wake-ups cannot leave; the polling watcher still sees them.
      for (const [i, name] of ["during-1", "during-2"].entries()) {
        await replicaA.client.terminateExecution({ id: execId(name), cause: "redis is away" });
        expect(phaseOf(await nextMessage(polled[i] as AsyncIterator<WatchExecutionResponse>))).toBe("ABORTING");
      }
      await replicaA.client.terminateExecution({ id: execId("missed"), cause: "redis is away" });
      await vi.waitFor(() => expect(a.logs.some((r) => r.level === "warn")).toBe(true));

      proxy.restore();
      await Promise.all([a.notifier.ready(), b.notifier.ready()]);
      // The hour-long watcher missed its wake-up while Redis was away; the reconnect wakes it.
      expect(phaseOf(await missedNext)).toBe("ABORTING");
      expect(b.logs.some((r) => r.msg === "redis wake-ups restored")).toBe(true);

      // And wake-ups cross Redis again.
      const stream = watch(waking, "after");
      expect(phaseOf(await nextMessage(stream))).toBe("RUNNING");
      const pending = nextMessage(stream);
      await vi.waitFor(async () => expect(await subscribers(redis, `${prefix}${keyOf("after")}`)).toBe(1));
      await replicaA.client.terminateExecution({ id: execId("after"), cause: "redis is back" });
      expect(phaseOf(await pending)).toBe("ABORTING");
    });
  });
}
