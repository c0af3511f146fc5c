import { describe, expect, it } from "vitest";
import { loadRouterConfig } from "./config.js";

describe("cluster-router config", () => {
  it("declares a cluster unhealthy after 15s without a heartbeat by default", () => {
    expect(loadRouterConfig({}, {})).toMatchObject({ port: 8090, heartbeatTimeoutMs: 15_000 });
  });

  it("rejects a non-numeric timeout, naming the variable", () => {
    expect(() => loadRouterConfig({}, { SKEIN_HEARTBEAT_TIMEOUT_MS: "soon" })).toThrow(/heartbeatTimeoutMs \(from SKEIN_HEARTBEAT_TIMEOUT_MS\)/);
  });
});
