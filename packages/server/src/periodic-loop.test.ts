import { describe, expect, it } from "vitest";
import { createLogger, createMemorySink } from "./logger.js";
import { periodicLoop } from "./periodic-loop.js";

describe("periodicLoop", () => {
  it("runs rounds until aborted, logs a failed round and goes on, then stops once", async () => {
    const sink = createMemorySink();
    const logger = createLogger({ component: "test", level: "debug", sink });
    const stop = new AbortController();
    let rounds = 0;
    let stopped = 0;
    const loop = periodicLoop({
      name: "counter",
      intervalMs: 1,
      logger,
      round: () => {
        rounds++;
        if (rounds === 2) return Promise.reject(new Error("round two fails"));
        if (rounds === 4) stop.abort();
        return Promise.resolve();
      },
      stop: () => {
        stopped++;
        return Promise.resolve();
      },
    });
    expect(loop.name).toBe("counter");
    await loop.run(stop.signal);
    expect(rounds).toBe(4);
    expect(stopped).toBe(1);
    const failure = sink.records.find((r) => r.msg === "background round failed");
    expect(failure).toMatchObject({ level: "error", fields: { loop: "counter" } });
  });

  it("wakes from its rest as soon as it is aborted", async () => {
    const stop = new AbortController();
    const loop = periodicLoop({ name: "slow", intervalMs: 3_600_000, logger: createLogger({ component: "test", sink: createMemorySink() }), round: () => Promise.resolve() });
    const running = loop.run(stop.signal);
    stop.abort();
    await expect(running).resolves.toBeUndefined();
  });
});
