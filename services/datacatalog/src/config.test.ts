import { describe, expect, it } from "vitest";
import { loadDatacatalogConfig } from "./config.js";

describe("datacatalog config", () => {
  it("defaults to a 10s reservation heartbeat with a grace of three beats, 64 KiB inline, no age limit", () => {
    expect(loadDatacatalogConfig({}, {})).toMatchObject({
      port: 8089,
      maxReservationHeartbeatMs: 10_000,
      reservationGraceMultiplier: 3,
      inlineDataMaxBytes: 65_536,
      artifactMaxAgeMs: 0,
      sweepIntervalMs: 60_000,
    });
  });

  it("reads its own settings from the environment", () => {
    const config = loadDatacatalogConfig({}, { SKEIN_RESERVATION_GRACE_MULTIPLIER: "2", SKEIN_CACHE_MAX_AGE_MS: "86400000", SKEIN_DATACATALOG_INLINE_DATA_MAX_BYTES: "10" });
    expect(config).toMatchObject({ reservationGraceMultiplier: 2, artifactMaxAgeMs: 86_400_000, inlineDataMaxBytes: 10 });
  });

  it("rejects a non-positive heartbeat, naming the variable", () => {
    expect(() => loadDatacatalogConfig({}, { SKEIN_MAX_RESERVATION_HEARTBEAT_MS: "0" })).toThrow(
      /maxReservationHeartbeatMs \(from SKEIN_MAX_RESERVATION_HEARTBEAT_MS\)/,
    );
  });

  it("rejects a negative age limit and a zero grace multiplier", () => {
    expect(() => loadDatacatalogConfig({}, { SKEIN_CACHE_MAX_AGE_MS: "-1" })).toThrow(/artifactMaxAgeMs/);
    expect(() => loadDatacatalogConfig({}, { SKEIN_RESERVATION_GRACE_MULTIPLIER: "0" })).toThrow(/reservationGraceMultiplier/);
  });
});
