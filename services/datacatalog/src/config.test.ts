import { describe, expect, it } from "vitest";
import { loadDatacatalogConfig } from "./config.js";

describe("datacatalog config", () => {
  it("defaults to a 10s reservation heartbeat with a grace of three beats", () => {
    expect(loadDatacatalogConfig({}, {})).toMatchObject({ port: 8089, maxReservationHeartbeatMs: 10_000, reservationGraceMultiplier: 3 });
  });

  it("rejects a non-positive heartbeat, naming the variable", () => {
    expect(() => loadDatacatalogConfig({}, { SKEIN_MAX_RESERVATION_HEARTBEAT_MS: "0" })).toThrow(
      /maxReservationHeartbeatMs \(from SKEIN_MAX_RESERVATION_HEARTBEAT_MS\)/,
    );
  });
});
