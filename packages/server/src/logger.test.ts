import { describe, expect, it } from "vitest";
import { createManualClock } from "./clock.js";
import { createLogger, createMemorySink } from "./logger.js";

describe("createLogger", () => {
  it("writes structured records with component, fields and the injected time, at or above its level", () => {
    const sink = createMemorySink();
    const clock = createManualClock(new Date("2025-03-01T10:00:00Z"));
    const logger = createLogger({ component: "admin", level: "info", sink, clock });
    logger.debug("hidden", { a: 1 });
    logger.info("project registered", { projectId: "demo" });
    clock.advance(1500);
    logger.child("admin.projects", { requestId: "r1" }).warn("slow", { ms: 20 });
    expect(sink.records).toEqual([
      { time: new Date("2025-03-01T10:00:00Z"), level: "info", component: "admin", msg: "project registered", fields: { projectId: "demo" } },
      { time: new Date("2025-03-01T10:00:01.500Z"), level: "warn", component: "admin.projects", msg: "slow", fields: { requestId: "r1", ms: 20 } },
    ]);
  });

  it("writes JSON lines with errors, their causes and bigints readable", () => {
    const lines: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    try {
      createLogger({ component: "admin" }).error("failed", { error: new Error("outer", { cause: new Error("inner") }), big: 2n ** 64n });
    } finally {
      process.stderr.write = original;
    }
    const line = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
    expect(line).toMatchObject({ level: "error", component: "admin", msg: "failed", big: "18446744073709551616" });
    expect(line.error).toMatchObject({ name: "Error", message: "outer", cause: { message: "inner" } });
  });
});
