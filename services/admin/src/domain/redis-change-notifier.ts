import { randomUUID } from "node:crypto";
import type { Logger, LogFields } from "@skein/server";
import { Redis } from "ioredis";
import { createLocalChangeNotifier, type ChangeNotifier } from "./change-feed.js";

// Wake-ups between admin replicas over Redis pub/sub. Each execution has its own channel,
// `<channelPrefix><project/domain/name>`, so a replica only receives wake-ups for executions someone
// watches there; the message is the publishing notifier's id, which lets it ignore its own echo.
// Redis is an accelerator only: the change log in the database stays the truth and watchers keep
// polling it, so while Redis is down publishes are dropped (logged, rate-limited) and nothing fails.

export interface RedisChangeNotifierClients {
  /** Sends PUBLISH. */
  readonly publisher: Redis;
  /** Used only for SUBSCRIBE / UNSUBSCRIBE (a subscribed connection can do nothing else). */
  readonly subscriber: Redis;
}

export type RedisChangeNotifierOptions = (
  | { /** `redis://` or `rediss://`; the notifier opens and closes two connections of its own. */ readonly url: string }
  | { /** Connections the caller opened and closes. */ readonly clients: RedisChangeNotifierClients }
) & {
  /** Starts every channel name; replicas that should wake each other share it. */
  readonly channelPrefix: string;
  readonly logger: Logger;
  /** Least time between two warnings of one kind (Redis errors come in bursts while it is down). */
  readonly warnIntervalMs?: number;
  /**
   * How long a channel stays subscribed after its last local listener left (ms). A watcher drops
   * and re-takes its subscription around every read of the log; the delay spares Redis that churn
   * and keeps the channel live across the gap.
   */
  readonly unsubscribeDelayMs?: number;
};

export interface RedisChangeNotifier extends ChangeNotifier {
  /**
   * Resolves once both connections are up and every wanted channel is subscribed (now or later).
   * Nothing needs to wait for it; tests and readiness probes may.
   */
  ready(): Promise<void>;
  /** Closes connections the notifier opened itself and stops delivering wake-ups from Redis. */
  close(): Promise<void>;
}

/** Channel prefix admin uses outside tests. */
export const defaultChangeChannelPrefix = "skein:admin:execution-changed:";

export function createRedisChangeNotifier(options: RedisChangeNotifierOptions): RedisChangeNotifier {
  const logger = options.logger;
  const owned = "url" in options;
  const { publisher, subscriber } = owned ? openClients(options.url) : options.clients;
  const prefix = options.channelPrefix;
  const origin = randomUUID();
  const local = createLocalChangeNotifier();
  const warn = rateLimitedWarn(logger, options.warnIntervalMs ?? 30_000);
  /** Local listeners per execution key; a channel is subscribed while its count is above zero. */
  const counts = new Map<string, number>();
  /** Channels without local listeners that are still subscribed until their timer fires. */
  const lingering = new Map<string, NodeJS.Timeout>();
  const unsubscribeDelayMs = options.unsubscribeDelayMs ?? 5_000;
  /** True while every wanted channel is known to be subscribed on the current connection. */
  let synced = false;
  let everSynced = false;
  let closed = false;
  const waiters: (() => void)[] = [];

  const isReady = () => synced && publisher.status === "ready";
  function settleWaiters(): void {
    if (isReady()) for (const wake of waiters.splice(0)) wake();
  }

  /** Subscribes every wanted channel on a fresh subscriber connection. */
  function resync(): void {
    for (const timer of lingering.values()) clearTimeout(timer);
    lingering.clear(); // a new connection starts with no channels
    const channels = [...counts.keys()].map((key) => prefix + key);
    const done = () => {
      if (subscriber.status !== "ready") return;
      const restored = everSynced;
      synced = true;
      everSynced = true;
      settleWaiters();
      // Wake-ups published while the connection was down are lost: let every local watcher look
      // now instead of at its next poll.
      if (restored) {
        logger.info("redis wake-ups restored", { channels: channels.length });
        local.publish([...counts.keys()]);
      }
    };
    if (channels.length === 0) {
      done();
      return;
    }
    subscriber.subscribe(...channels).then(done, (error: unknown) => {
      warn("subscribe", "redis subscribe failed; watchers rely on polling until it reconnects", { error });
    });
  }

  subscriber.on("message", (channel: string, message: string) => {
    if (message === origin || !channel.startsWith(prefix)) return;
    local.publish([channel.slice(prefix.length)]);
  });
  subscriber.on("ready", resync);
  subscriber.on("close", () => {
    synced = false;
  });
  publisher.on("ready", settleWaiters);
  for (const [role, client] of [["publisher", publisher], ["subscriber", subscriber]] as const) {
    client.on("error", (error: unknown) => {
      warn(`connection:${role}`, "redis connection failed; wake-ups between replicas pause, watchers poll", { role, error });
    });
  }
  if (subscriber.status === "ready") resync();

  function channelWanted(key: string): void {
    const count = counts.get(key) ?? 0;
    counts.set(key, count + 1);
    const timer = lingering.get(key);
    if (timer !== undefined) {
      clearTimeout(timer);
      lingering.delete(key);
      return; // still subscribed
    }
    if (count > 0 || closed || subscriber.status !== "ready") return; // resync() subscribes on reconnect
    subscriber.subscribe(prefix + key).catch((error: unknown) => {
      warn("subscribe", "redis subscribe failed; watchers rely on polling until it reconnects", { error });
    });
  }

  function channelReleased(key: string): void {
    const count = (counts.get(key) ?? 0) - 1;
    if (count > 0) {
      counts.set(key, count);
      return;
    }
    counts.delete(key);
    if (closed || subscriber.status !== "ready") return; // a new connection starts unsubscribed
    const timer = setTimeout(() => {
      lingering.delete(key);
      if (closed || subscriber.status !== "ready") return;
      subscriber.unsubscribe(prefix + key).catch((error: unknown) => {
        warn("unsubscribe", "redis unsubscribe failed", { error });
      });
    }, unsubscribeDelayMs);
    timer.unref();
    lingering.set(key, timer);
  }

  return {
    publish(executions) {
      const keys = [...new Set(executions)];
      if (keys.length === 0) return;
      local.publish(keys);
      if (closed) return;
      if (publisher.status !== "ready") {
        warn("publish", "redis is not connected; wake-ups for other replicas dropped (they poll)", { status: publisher.status, dropped: keys.length });
        return;
      }
      const pipeline = publisher.pipeline();
      for (const key of keys) pipeline.publish(prefix + key, origin);
      pipeline.exec().then(
        (results) => {
          const failure = results?.find(([error]) => error !== null)?.[0];
          if (failure) warn("publish", "redis publish failed; other replicas see the change at their next poll", { error: failure });
        },
        (error: unknown) => {
          warn("publish", "redis publish failed; other replicas see the change at their next poll", { error });
        },
      );
    },
    subscribe(execution, listener) {
      const unsubscribe = local.subscribe(execution, listener);
      channelWanted(execution);
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        unsubscribe();
        channelReleased(execution);
      };
    },
    ready() {
      if (isReady()) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    async close() {
      closed = true;
      synced = false;
      for (const timer of lingering.values()) clearTimeout(timer);
      lingering.clear();
      subscriber.removeAllListeners("message");
      if (owned) {
        publisher.disconnect();
        subscriber.disconnect();
      }
    },
  };
}

function openClients(url: string): RedisChangeNotifierClients {
  const options = {
    // Wake-ups are worth nothing late: fail at once while disconnected instead of queueing.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // Channels are re-subscribed by the notifier itself, from its own reference counts.
    autoResubscribe: false,
    retryStrategy: (attempt: number) => Math.min(50 * 2 ** Math.min(attempt, 10), 2_000),
  };
  return {
    publisher: new Redis(url, { ...options, connectionName: "skein-admin-publish" }),
    subscriber: new Redis(url, { ...options, connectionName: "skein-admin-subscribe" }),
  };
}

/** Logs a warning of a kind at most once per interval, counting what it held back. */
function rateLimitedWarn(logger: Logger, intervalMs: number): (kind: string, msg: string, fields: LogFields) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (kind, msg, fields) => {
    const now = Date.now();
    const entry = last.get(kind);
    if (entry !== undefined && now - entry.at < intervalMs) {
      entry.suppressed++;
      return;
    }
    logger.warn(msg, { ...fields, ...(entry !== undefined && entry.suppressed > 0 ? { suppressed: entry.suppressed } : {}) });
    last.set(kind, { at: now, suppressed: 0 });
  };
}
