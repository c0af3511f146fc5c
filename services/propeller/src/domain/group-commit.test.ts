import { describe, expect, it } from "vitest";
import { GroupCommit } from "./group-commit.js";

describe("GroupCommit", () => {
  it("writes the first item at once and the items that arrived meanwhile together, per group", async () => {
    const writes: string[][] = [];
    let release: () => void = () => undefined;
    const group = new GroupCommit<string>(async (key, items) => {
      writes.push([key, ...items]);
      if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = group.add("a", "1");
    const later = [group.add("a", "2"), group.add("a", "3"), group.add("b", "x")];
    await Promise.resolve();
    release();
    await Promise.all([first, ...later]);
    expect(writes).toEqual([["a", "1"], ["b", "x"], ["a", "2", "3"]]);
  });

  it("rejects every item of a failed write, and goes on with the next", async () => {
    let calls = 0;
    const group = new GroupCommit<number>(async () => {
      calls += 1;
      if (calls === 1) throw new Error("lease lost");
    });
    const failed = group.add("a", 1);
    await expect(failed).rejects.toThrow("lease lost");
    await expect(group.add("a", 2)).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });
});
