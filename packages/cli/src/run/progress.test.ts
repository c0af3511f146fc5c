import { CatalogCacheStatus, NodeExecutionPhase as N, WorkflowExecutionPhase as W } from "@skein/idl";
import { describe, expect, it } from "vitest";
import { liveProgress, plainProgress } from "./progress.js";

describe("progress views", () => {
  it("writes one plain line per change with phase, label, attempt, duration and cache status", () => {
    let now = 1000;
    let text = "";
    const view = plainProgress((t) => (text += t), { clock: () => now, label: (p) => `${p} train` });
    view.record({ type: "workflow", phase: W.RUNNING, at: now });
    view.record({ type: "node", node: "n1", phase: N.RUNNING, attempt: 0, at: now });
    now += 1500;
    view.record({ type: "node", node: "n1", phase: N.RUNNING, attempt: 1, at: now, retryDelayMs: 2000 });
    now += 500;
    view.record({ type: "node", node: "n1", phase: N.SUCCEEDED, attempt: 1, at: now, cacheStatus: CatalogCacheStatus.POPULATED });
    view.record({ type: "node", node: "n2", phase: N.SUCCEEDED, attempt: 0, at: now, cacheStatus: CatalogCacheStatus.HIT });
    view.close();
    expect(text.split("\n").filter(Boolean)).toEqual([
      "[   0.00s] workflow RUNNING",
      "[   0.00s] RUNNING   n1 train 0.00s",
      "[   1.50s] RUNNING   n1 train attempt 2 1.50s (retry in 2.00s)",
      "[   2.00s] SUCCEEDED n1 train attempt 2 2.00s cached",
      "[   2.00s] SUCCEEDED n2 train 0.00s cache hit",
    ]);
  });

  it("redraws a bounded live block with counts by phase", () => {
    let text = "";
    const view = liveProgress((t) => (text += t), { rows: 3, clock: () => 0 });
    view.record({ type: "workflow", phase: W.RUNNING, at: 0 });
    for (let i = 0; i < 100; i++) view.record({ type: "node", node: `n7/${i}`, phase: i < 90 ? N.SUCCEEDED : N.RUNNING, attempt: 0, at: 0 });
    view.close();
    const lines = text.split("\n").filter(Boolean);
    expect(lines[0]).toBe("workflow RUNNING  (90 succeeded, 10 running)");
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).every((l) => l.includes("RUNNING"))).toBe(true);
  });
});
