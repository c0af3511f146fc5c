import { createHash } from "node:crypto";
import { Redis, ReplyError } from "ioredis";
import { allocateScript, releaseScript } from "./allocate-script.js";
import {
  checkAllocation,
  checkLeaseMs,
  checkNamespace,
  checkRelease,
  defaultQuotaLeaseMs,
  type AllocationRequest,
  type AllocationStatus,
  type ResourceQuotas,
} from "./resource-quotas.js";

// Quotas shared by every propeller replica through Redis. Per namespace, a sorted set scores each
// token by its lease expiry and a hash records the project of tokens charged to one; both keys
// carry the namespace as hash tag, so they live in one slot and the scripts work on Redis Cluster.
// Lease times come from the caller's clock: replicas' clocks must agree to well within a lease.

export type RedisQuotasOptions = (
  | { /** `redis://` or `rediss://`; the quotas open and close a connection of their own. */ readonly url: string }
  | { /** A connection the caller opened and closes (its own key prefix, if any, still applies). */ readonly client: Redis }
) & {
  /** How long a token holds its slot without being allocated again (ms). */
  readonly leaseMs?: number;
  /** Starts every key. */
  readonly keyPrefix?: string;
  /** Milliseconds since the epoch; injected by tests. */
  readonly clock?: () => number;
};

export interface RedisQuotas extends ResourceQuotas {
  /** Closes the connection if the quotas opened it. */
  close(): Promise<void>;
}

/**
 * Raised when Redis cannot be reached or fails a command. The quota's state is unknown, not
 * exhausted: the caller should wait and try again, never fail the attempt because of it.
 */
export class ResourceQuotaUnavailableError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = "ResourceQuotaUnavailableError";
  }
}

/** Keys all quotas use outside tests. */
export const defaultQuotaKeyPrefix = "skein:quota:";

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");
const scripts = {
  allocate: { body: allocateScript, sha: sha1(allocateScript) },
  release: { body: releaseScript, sha: sha1(releaseScript) },
};

export function createRedisQuotas(options: RedisQuotasOptions): RedisQuotas {
  const leaseMs = options.leaseMs ?? defaultQuotaLeaseMs;
  checkLeaseMs(leaseMs);
  const clock = options.clock ?? Date.now;
  const keyPrefix = options.keyPrefix ?? defaultQuotaKeyPrefix;
  const owned = "url" in options;
  const redis = owned ? new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5_000 }) : options.client;
  const where = owned ? redactedUrl(options.url) : describeClient(redis);
  /** The last connection error, quoted when a command fails for want of a connection. */
  let lastConnectionError: string | undefined;
  const onError = (error: Error) => {
    lastConnectionError = error.message;
  };
  // Without a listener ioredis reports every failed reconnect on stderr.
  if (owned) redis.on("error", onError);

  const keysOf = (namespace: string) => [`${keyPrefix}{${namespace}}:tokens`, `${keyPrefix}{${namespace}}:projects`];

  async function run<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const connection = lastConnectionError && !(error instanceof ReplyError) ? ` (last connection error: ${lastConnectionError})` : "";
      throw new ResourceQuotaUnavailableError(`resource quotas: ${what} failed, redis at ${where}: ${reason}${connection}`, { cause: error });
    }
  }

  /** EVALSHA, loading the script once when this Redis has not seen it yet. */
  async function evalScript(script: { body: string; sha: string }, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (error) {
      // Only a reply from Redis itself starts with NOSCRIPT.
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return await redis.eval(script.body, keys.length, ...keys, ...args);
    }
  }

  return {
    async allocate(namespace: string, token: string, request: AllocationRequest): Promise<AllocationStatus> {
      checkAllocation(namespace, token, request);
      const now = clock();
      const project = request.constraints?.project;
      const reply = await run(`allocate "${token}" in "${namespace}"`, () =>
        evalScript(scripts.allocate, keysOf(namespace), [token, now, now + leaseMs, request.quota, project?.id ?? "", project?.max ?? 0]),
      );
      if (reply === "granted" || reply === "exhausted" || reply === "project-quota-exceeded") return reply;
      throw new Error(`resource quotas: allocate "${token}" in "${namespace}" got an unexpected reply from redis at ${where}: ${JSON.stringify(reply)}`);
    },

    async release(namespace: string, token: string): Promise<void> {
      checkRelease(namespace, token);
      await run(`release "${token}" in "${namespace}"`, () => evalScript(scripts.release, keysOf(namespace), [token]));
    },

    async used(namespace: string): Promise<number> {
      checkNamespace(namespace);
      const [tokens] = keysOf(namespace) as [string, string];
      return await run(`count tokens in "${namespace}"`, () => redis.zcount(tokens, `(${clock()}`, "+inf"));
    },

    async close(): Promise<void> {
      if (!owned) return;
      redis.disconnect();
    },
  };
}

/** The URL without credentials, for messages. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return "(an unparsable redis url)";
  }
}

function describeClient(redis: Redis): string {
  const { host, port, db, tls } = redis.options;
  return `${tls ? "rediss" : "redis"}://${host ?? "localhost"}:${port ?? 6379}/${db ?? 0}`;
}
