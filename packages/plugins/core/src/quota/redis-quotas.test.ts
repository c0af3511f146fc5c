import net from "node:net";
import { createTestRedis, testEnvironment, type TestRedis } from "@skein/testing";
import { afterEach, describe, expect, it } from "vitest";
import { describeQuotaContract } from "./quota-contract.test-util.js";
import { createRedisQuotas, ResourceQuotaUnavailableError } from "./redis-quotas.js";

// Without SKEIN_TEST_REDIS_URL only the unreachable-Redis tests run; with it, the shared contract
// also runs against real Redis, each client on a connection of its own (as separate replicas).

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A port on which nothing listens. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("redis quotas whose redis is unreachable", () => {
  it("throw an error that names the redis url, for every call", async () => {
    const port = await closedPort();
    const quotas = createRedisQuotas({ url: `redis://127.0.0.1:${port}` });
    cleanups.push(() => quotas.close());
    const allocation = quotas.allocate("warehouse", "a", { quota: 1 });
    await expect(allocation).rejects.toThrow(ResourceQuotaUnavailableError);
    await expect(allocation).rejects.toThrow(`resource quotas: allocate "a" in "warehouse" failed, redis at redis://127.0.0.1:${port}`);
    await expect(allocation).rejects.toThrow(/ECONNREFUSED/);
    await expect(quotas.release("warehouse", "a")).rejects.toThrow(ResourceQuotaUnavailableError);
    await expect(quotas.used("warehouse")).rejects.toThrow(`redis at redis://127.0.0.1:${port}`);
  });

  it("keep the password out of the message", async () => {
    const port = await closedPort();
    const quotas = createRedisQuotas({ url: `redis://user:s3cret@127.0.0.1:${port}/2` });
    cleanups.push(() => quotas.close());
    const allocation = quotas.allocate("warehouse", "a", { quota: 1 });
    await expect(allocation).rejects.toThrow(`redis at redis://127.0.0.1:${port}/2`);
    await expect(allocation).rejects.not.toThrow(/s3cret/);
  });

  it("check their arguments before touching redis", async () => {
    const quotas = createRedisQuotas({ url: `redis://127.0.0.1:${await closedPort()}` });
    cleanups.push(() => quotas.close());
    await expect(quotas.allocate("warehouse", "a", { quota: -2 })).rejects.toThrow(/quota must be a non-negative integer, got -2/);
    expect(() => createRedisQuotas({ url: "redis://127.0.0.1:1", leaseMs: -5 })).toThrow(/leaseMs must be a positive integer, got -5/);
  });
});

const { redisUrl } = testEnvironment();
if (redisUrl) {
  async function testRedis(): Promise<TestRedis> {
    const created = await createTestRedis();
    if (created === undefined) throw new Error("SKEIN_TEST_REDIS_URL is set but no Redis fixture was created");
    cleanups.push(() => created.destroy());
    return created;
  }

  describeQuotaContract("redis quotas", async (options, suiteCleanups) => {
    const base = await createTestRedis();
    if (base === undefined) throw new Error("SKEIN_TEST_REDIS_URL is set but no Redis fixture was created");
    suiteCleanups.push(() => base.destroy());
    return {
      async client() {
        // Each client gets its own connection, sharing the test's key prefix.
        const connection = base.redis.duplicate();
        suiteCleanups.push(async () => {
          connection.disconnect();
        });
        return createRedisQuotas({ client: connection, ...options });
      },
    };
  });

  describe("redis quotas on real redis", () => {
    it("keep a namespace's keys under one hash tag, inside the client's key prefix", async () => {
      const { redis } = await testRedis();
      const quotas = createRedisQuotas({ client: redis, keyPrefix: "q:" });
      await quotas.allocate("warehouse", "a", { quota: 1, constraints: { project: { id: "p", max: 1 } } });
      expect(await redis.zscore("q:{warehouse}:tokens", "a")).not.toBeNull();
      expect(await redis.hget("q:{warehouse}:projects", "a")).toBe("p");
      await quotas.release("warehouse", "a");
      expect(await redis.exists("q:{warehouse}:tokens", "q:{warehouse}:projects")).toBe(0);
    });

    it("share the state between quotas opened from the same url", async () => {
      const { prefix } = await testRedis();
      const options = { url: redisUrl, keyPrefix: `${prefix}shared:` };
      const first = createRedisQuotas(options);
      const second = createRedisQuotas(options);
      cleanups.push(() => first.close(), () => second.close());
      expect(await first.allocate("warehouse", "a", { quota: 1 })).toBe("granted");
      expect(await second.allocate("warehouse", "b", { quota: 1 })).toBe("exhausted");
      await second.release("warehouse", "a");
      expect(await first.allocate("warehouse", "b", { quota: 1 })).toBe("granted");
    });
  });
}
