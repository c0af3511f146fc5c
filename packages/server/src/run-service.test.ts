import { describe, expect, it } from "vitest";
import { createLogger, createMemorySink } from "./logger.js";
import { runService } from "./run-service.js";

const quietLogger = () => {
  const sink = createMemorySink();
  return { sink, logger: createLogger({ component: "test", level: "debug", sink }) };
};

describe("runService", () => {
  it("serves, runs the loops, and on close stops them, stops serving and releases, in that order", async () => {
    const { logger } = quietLogger();
    const order: string[] = [];
    const running = await runService({
      logger,
      host: "127.0.0.1",
      port: 0,
      setup: () =>
        Promise.resolve({
          routes: () => undefined,
          loops: [{ name: "waiter", run: (signal) => new Promise<void>((resolve) => signal.addEventListener("abort", () => { order.push("loop stopped"); resolve(); })) }],
        }),
      release: () => {
        order.push("released");
        return Promise.resolve();
      },
    });
    expect(running.url).toBe(`http://127.0.0.1:${running.port}`);
    await running.close();
    expect(order).toEqual(["loop stopped", "released"]);
  });

  it("releases what the caller opened when setup fails, and rethrows", async () => {
    const { logger } = quietLogger();
    let released = 0;
    const failing = runService({
      logger,
      host: "127.0.0.1",
      port: 0,
      setup: () => Promise.reject(new Error("migration failed")),
      release: () => {
        released++;
        return Promise.resolve();
      },
    });
    await expect(failing).rejects.toThrow("migration failed");
    expect(released).toBe(1);
  });

  it("logs a loop that fails instead of crashing the service", async () => {
    const { logger, sink } = quietLogger();
    const running = await runService({
      logger,
      host: "127.0.0.1",
      port: 0,
      setup: () => Promise.resolve({ routes: () => undefined, loops: [{ name: "broken", run: () => Promise.reject(new Error("boom")) }] }),
      release: () => Promise.resolve(),
    });
    await running.close();
    expect(sink.records.find((r) => r.msg === "background loop failed")).toMatchObject({ level: "error", fields: { loop: "broken" } });
  });
});
