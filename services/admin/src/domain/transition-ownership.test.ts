import { describe, expect, it } from "vitest";
import { judgeOwnership } from "./transition-ownership.js";

describe("judgeOwnership", () => {
  const owned = { cluster: "east", epoch: 3n };

  it("lets the owner write under its epoch", () => {
    expect(judgeOwnership(owned, { producerId: "east", epoch: 3n })).toEqual({ kind: "owner" });
  });

  it("refuses another cluster at the same epoch", () => {
    expect(judgeOwnership(owned, { producerId: "west", epoch: 3n })).toEqual({
      kind: "stale",
      message: 'producer "west" does not own the execution; cluster "east" does at epoch 3',
    });
  });

  it("refuses a lower epoch, even from the owning cluster", () => {
    expect(judgeOwnership(owned, { producerId: "east", epoch: 2n })).toEqual({
      kind: "stale",
      message: 'producer "east" reports epoch 2, but the execution is at epoch 3 (owned by "east")',
    });
    expect(judgeOwnership(owned, { producerId: "west", epoch: 0n }).kind).toBe("stale");
  });

  it("hands the execution to a producer with a higher epoch", () => {
    expect(judgeOwnership(owned, { producerId: "west", epoch: 4n })).toEqual({ kind: "claim", owner: { cluster: "west", epoch: 4n } });
    expect(judgeOwnership(owned, { producerId: "east", epoch: 9n })).toEqual({ kind: "claim", owner: { cluster: "east", epoch: 9n } });
  });

  it("lets the first producer claim an unassigned execution at its epoch or later", () => {
    const unassigned = { cluster: "", epoch: 0n };
    expect(judgeOwnership(unassigned, { producerId: "local", epoch: 0n })).toEqual({ kind: "claim", owner: { cluster: "local", epoch: 0n } });
    expect(judgeOwnership(unassigned, { producerId: "", epoch: 0n })).toEqual({ kind: "owner" });
    expect(judgeOwnership({ cluster: "", epoch: 2n }, { producerId: "local", epoch: 1n }).kind).toBe("stale");
  });
});
