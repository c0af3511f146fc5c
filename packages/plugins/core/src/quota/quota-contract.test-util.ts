import { afterEach, describe, expect, it } from "vitest";
import { ResourceQuotaRequestError, type ResourceQuotas } from "./resource-quotas.js";

// The behaviour every ResourceQuotas implementation shares, run against each of them.

export interface QuotaStoreOptions {
  readonly leaseMs: number;
  readonly clock: () => number;
}

/** One shared quota state; `client()` gives another handle to it (another replica, for Redis). */
export interface QuotaStore {
  client(): Promise<ResourceQuotas>;
}

export function describeQuotaContract(name: string, openStore: (options: QuotaStoreOptions, cleanups: (() => Promise<void>)[]) => Promise<QuotaStore>): void {
  describe(`${name}: the resource quota contract`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    const leaseMs = 1_000;
    let now = 1_700_000_000_000;
    const clock = () => now;

    async function quotas(): Promise<ResourceQuotas> {
      const store = await openStore({ leaseMs, clock }, cleanups);
      return await store.client();
    }

    it("grants tokens up to the quota and reports the rest exhausted", async () => {
      const q = await quotas();
      const results = [];
      for (const token of ["a", "b", "c", "d"]) results.push(await q.allocate("warehouse", token, { quota: 3 }));
      expect(results).toEqual(["granted", "granted", "granted", "exhausted"]);
      expect(await q.used("warehouse")).toBe(3);
      expect(await q.allocate("other", "d", { quota: 3 })).toBe("granted");
      expect(await q.used("other")).toBe(1);
      expect(await q.used("never-used")).toBe(0);
      expect(await q.allocate("closed", "a", { quota: 0 })).toBe("exhausted");
    });

    it("grants a token again without taking a second slot, even when the quota is full", async () => {
      const q = await quotas();
      expect(await q.allocate("warehouse", "a", { quota: 2 })).toBe("granted");
      expect(await q.allocate("warehouse", "a", { quota: 2 })).toBe("granted");
      expect(await q.used("warehouse")).toBe(1);
      expect(await q.allocate("warehouse", "b", { quota: 2 })).toBe("granted");
      expect(await q.allocate("warehouse", "a", { quota: 2 })).toBe("granted");
      expect(await q.allocate("warehouse", "c", { quota: 2 })).toBe("exhausted");
      expect(await q.used("warehouse")).toBe(2);
    });

    it("frees a slot on release; releasing an unknown token or twice changes nothing", async () => {
      const q = await quotas();
      await q.allocate("warehouse", "a", { quota: 1 });
      expect(await q.allocate("warehouse", "b", { quota: 1 })).toBe("exhausted");
      await q.release("warehouse", "unknown");
      await q.release("elsewhere", "a");
      expect(await q.allocate("warehouse", "b", { quota: 1 })).toBe("exhausted");
      await q.release("warehouse", "a");
      await q.release("warehouse", "a");
      expect(await q.used("warehouse")).toBe(0);
      expect(await q.allocate("warehouse", "b", { quota: 1 })).toBe("granted");
    });

    it("caps a project's share of the namespace", async () => {
      const q = await quotas();
      const forProject = (id: string) => ({ quota: 4, constraints: { project: { id, max: 2 } } });
      expect(await q.allocate("warehouse", "a1", forProject("a"))).toBe("granted");
      expect(await q.allocate("warehouse", "a2", forProject("a"))).toBe("granted");
      expect(await q.allocate("warehouse", "a3", forProject("a"))).toBe("project-quota-exceeded");
      expect(await q.allocate("warehouse", "b1", forProject("b"))).toBe("granted");
      // A refused token took nothing; a token without a project is charged to none.
      expect(await q.used("warehouse")).toBe(3);
      expect(await q.allocate("warehouse", "free", { quota: 4 })).toBe("granted");
      // The namespace's quota is checked first.
      expect(await q.allocate("warehouse", "b2", forProject("b"))).toBe("exhausted");
      await q.release("warehouse", "free");
      await q.release("warehouse", "a1");
      expect(await q.allocate("warehouse", "a3", forProject("a"))).toBe("granted");
      expect(await q.allocate("warehouse", "a4", forProject("a"))).toBe("project-quota-exceeded");
      // Already granted: granted again, whatever the limit now says.
      expect(await q.allocate("warehouse", "a2", { quota: 4, constraints: { project: { id: "a", max: 0 } } })).toBe("granted");
    });

    it("reclaims the slots of tokens whose lease ran out, and renews the lease of a token allocated again", async () => {
      const q = await quotas();
      expect(await q.allocate("warehouse", "kept", { quota: 2 })).toBe("granted");
      expect(await q.allocate("warehouse", "crashed", { quota: 2, constraints: { project: { id: "p", max: 1 } } })).toBe("granted");
      now += leaseMs - 1;
      expect(await q.allocate("warehouse", "kept", { quota: 2 })).toBe("granted"); // renewed
      expect(await q.allocate("warehouse", "late", { quota: 2 })).toBe("exhausted");
      now += 1; // "crashed" expires now; "kept" holds on
      expect(await q.used("warehouse")).toBe(1);
      expect(await q.allocate("warehouse", "late", { quota: 2, constraints: { project: { id: "p", max: 1 } } })).toBe("granted");
      expect(await q.allocate("warehouse", "crashed", { quota: 2 })).toBe("exhausted");
      now += leaseMs - 2;
      expect(await q.used("warehouse")).toBe(2);
      now += 1; // only "kept" has run out
      expect(await q.used("warehouse")).toBe(1);
      expect(await q.allocate("warehouse", "crashed", { quota: 2, constraints: { project: { id: "p", max: 1 } } })).toBe("project-quota-exceeded");
      expect(await q.allocate("warehouse", "crashed", { quota: 2 })).toBe("granted");
    });

    it("grants exactly the quota to 50 concurrent allocations from several clients", async () => {
      const store = await openStore({ leaseMs, clock }, cleanups);
      const clients = await Promise.all(Array.from({ length: 5 }, () => store.client()));
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (clients[i % clients.length] as ResourceQuotas).allocate("warehouse", `t${i}`, { quota: 10 })),
      );
      expect(results.filter((r) => r === "granted")).toHaveLength(10);
      expect(results.filter((r) => r === "exhausted")).toHaveLength(40);
      expect(await (clients[0] as ResourceQuotas).used("warehouse")).toBe(10);
    });

    it("refuses malformed calls, naming every bad argument, and allocates nothing", async () => {
      const q = await quotas();
      const refused = q.allocate("", "", { quota: -1, constraints: { project: { id: "", max: 1.5 } } });
      await expect(refused).rejects.toThrow(ResourceQuotaRequestError);
      await expect(refused).rejects.toThrow(
        /namespace must not be empty; token must not be empty; quota must be a non-negative integer, got -1; constraints\.project\.id must not be empty; constraints\.project\.max must be a non-negative integer, got 1\.5/,
      );
      await expect(q.allocate("ware{house}", "a", { quota: 1 })).rejects.toThrow(/namespace "ware\{house\}" must not contain braces/);
      await expect(q.allocate("warehouse", "x".repeat(257), { quota: 1 })).rejects.toThrow(/token must be at most 256 characters, got 257/);
      await expect(q.allocate("warehouse", "a", { quota: Number.NaN })).rejects.toThrow(/quota must be a non-negative integer, got NaN/);
      await expect(q.release("warehouse", "")).rejects.toThrow(/token must not be empty/);
      await expect(q.used("two words")).rejects.toThrow(/namespace "two words" must not contain/);
      expect(await q.used("warehouse")).toBe(0);
    });
  });
}
