import { Redis } from "ioredis";
import { testEnvironment, uniqueSuffix } from "./environment.js";

/** A Redis connection whose keys all live under a prefix of one's own, deleted by destroy(). */
export interface TestRedis {
  readonly redis: Redis;
  /** Prepended to every key by the client (`skein-test:<id>:`). */
  readonly prefix: string;
  destroy(): Promise<void>;
}

/**
 * Connects to the configured Redis with a fresh key prefix. Returns `undefined` on a laptop without
 * SKEIN_TEST_REDIS_URL, where callers use their in-process replacement; under CI it always connects.
 */
export async function createTestRedis(): Promise<TestRedis | undefined> {
  const { redisUrl } = testEnvironment();
  if (!redisUrl) return undefined;
  const prefix = `skein-test:${uniqueSuffix()}:`;
  const redis = new Redis(redisUrl, { keyPrefix: prefix, lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  return {
    redis,
    prefix,
    async destroy() {
      // SCAN patterns are not prefixed by the client, so match on the full key.
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys.map((k) => k.slice(prefix.length)));
      } while (cursor !== "0");
      await redis.quit();
    },
  };
}
