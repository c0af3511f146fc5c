import { describe, expect, it } from "vitest";
import { loadRouterConfig } from "./config.js";

describe("cluster-router config", () => {
  it("declares a cluster unhealthy after 15s without a heartbeat by default", () => {
    expect(loadRouterConfig({}, {})).toMatchObject({ port: 8090, heartbeatTimeoutMs: 15_000, heartbeatIntervalMs: 5_000, rebalanceIntervalMs: 2_000 });
  });

  it("rejects a non-numeric timeout, naming the variable", () => {
    expect(() => loadRouterConfig({}, { SKEIN_HEARTBEAT_TIMEOUT_MS: "soon" })).toThrow(/heartbeatTimeoutMs \(from SKEIN_HEARTBEAT_TIMEOUT_MS\)/);
  });

  it("reads the default execution label and refuses one that is not a selector", () => {
    expect(loadRouterConfig({}, { SKEIN_DEFAULT_EXECUTION_LABEL: "gpu=true" }).defaultExecutionLabel).toBe("gpu=true");
    expect(() => loadRouterConfig({}, { SKEIN_DEFAULT_EXECUTION_LABEL: "a b" })).toThrow(/defaultExecutionLabel \(from SKEIN_DEFAULT_EXECUTION_LABEL\): must be a label selector/);
  });

  it("refuses a heartbeat interval that is not below the timeout", () => {
    expect(() => loadRouterConfig({ heartbeatIntervalMs: 15_000 }, {})).toThrow(/heartbeatIntervalMs: must be lower than heartbeatTimeoutMs/);
  });
});
