import { describe, expect, it } from "vitest";
import { createInProcessQuotas } from "./in-process-quotas.js";
import { describeQuotaContract } from "./quota-contract.test-util.js";

describeQuotaContract("in-process quotas", async (options) => {
  const quotas = createInProcessQuotas(options);
  // One process holds one state: every "client" is the same object.
  return { client: async () => quotas };
});

describe("in-process quotas", () => {
  it("refuses a lease that is not a positive integer", () => {
    expect(() => createInProcessQuotas({ leaseMs: 0 })).toThrow(/leaseMs must be a positive integer, got 0/);
    expect(() => createInProcessQuotas({ leaseMs: 1.5 })).toThrow(/leaseMs must be a positive integer, got 1.5/);
  });
});
