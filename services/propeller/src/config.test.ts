import { describe, expect, it } from "vitest";
import { loadPropellerConfig } from "./config.js";

describe("propeller config", () => {
  it("serves cluster local-a by default", () => {
    expect(loadPropellerConfig({}, {})).toMatchObject({ clusterId: "local-a", labels: {}, workers: 8 });
  });

  it("parses cluster labels, a bare key meaning true", () => {
    const config = loadPropellerConfig({}, { SKEIN_CLUSTER_ID: "local-b", SKEIN_CLUSTER_LABELS: "region=eu-west, gpu" });
    expect(config.clusterId).toBe("local-b");
    expect(config.labels).toEqual({ region: "eu-west", gpu: "true" });
  });

  it("sends the outbox from a thread of its own unless SKEIN_PROPELLER_OUTBOX_THREAD=false, and refuses other values", () => {
    expect(loadPropellerConfig({}, {}).outboxThread).toBe(true);
    expect(loadPropellerConfig({}, { SKEIN_PROPELLER_OUTBOX_THREAD: "false" }).outboxThread).toBe(false);
    expect(() => loadPropellerConfig({}, { SKEIN_PROPELLER_OUTBOX_THREAD: "sometimes" })).toThrow(/SKEIN_PROPELLER_OUTBOX_THREAD/);
  });

  it("rejects a malformed label and a cluster id with capitals, reporting both", () => {
    expect(() => loadPropellerConfig({ clusterId: "Local_A" }, { SKEIN_CLUSTER_LABELS: "re gion=x" })).toThrow(
      /clusterId: must be a lowercase DNS label[\s\S]*labels \(from SKEIN_CLUSTER_LABELS\): label "re gion=x"/,
    );
  });
});
