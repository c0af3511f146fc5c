import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { datasetId, failure } from "../test-support/cache-fixtures.js";
import { createInProcessDatacatalog, type InProcessDatacatalog } from "../test-support/datacatalog-fixture.js";

let dc: InProcessDatacatalog;
beforeEach(async () => {
  // Holders may ask for at most 10 s; a reservation lapses three granted intervals after its last extension.
  dc = await createInProcessDatacatalog({ maxReservationHeartbeatMs: 10_000, reservationGraceMultiplier: 3 });
});
afterEach(() => dc.destroy());

const reservationId = { datasetId: datasetId(), tagName: "cached-a" };

function reserve(owner: string, seconds = 5n) {
  return dc.client.getOrExtendReservation({ reservationId, ownerId: owner, heartbeatInterval: { seconds } });
}

describe("reservations", () => {
  it("grants a free reservation, expiring after interval × grace, and extends it for its holder", async () => {
    const granted = await reserve("owner-a");
    expect(granted.reservation).toMatchObject({ ownerId: "owner-a", heartbeatInterval: { seconds: 5n }, expiresAt: timestampFromDate(new Date(dc.clock.now().getTime() + 15_000)) });
    expect(granted.reservation?.reservationId).toEqual(expect.objectContaining({ tagName: "cached-a" }));
    dc.clock.advance(5_000);
    const extended = await reserve("owner-a");
    expect(extended.reservation?.expiresAt).toEqual(timestampFromDate(new Date(dc.clock.now().getTime() + 15_000)));
  });

  it("caps the interval a holder asks for at the configured maximum", async () => {
    const granted = await reserve("owner-a", 3600n);
    expect(granted.reservation?.heartbeatInterval).toMatchObject({ seconds: 10n });
    expect(granted.reservation?.expiresAt).toEqual(timestampFromDate(new Date(dc.clock.now().getTime() + 30_000)));
  });

  it("shows a second owner the holder's reservation unchanged until it expires, then hands it over", async () => {
    const held = await reserve("owner-a");
    dc.clock.advance(14_999);
    const refused = await reserve("owner-b");
    expect(refused.reservation).toEqual(held.reservation);
    dc.clock.advance(1);
    const taken = await reserve("owner-b");
    expect(taken.reservation?.ownerId).toBe("owner-b");
    // The former holder comes back too late: it sees the new holder and no longer holds it.
    expect((await reserve("owner-a")).reservation?.ownerId).toBe("owner-b");
  });

  it("lets exactly one of several owners racing for a free reservation win", async () => {
    const owners = ["o1", "o2", "o3", "o4", "o5", "o6"];
    const results = await Promise.all(owners.map((o) => reserve(o)));
    const holders = new Set(results.map((r) => r.reservation?.ownerId));
    expect(holders.size).toBe(1);
    const winner = [...holders][0];
    expect(owners).toContain(winner);
    expect(results.filter((r, i) => r.reservation?.ownerId === owners[i])).toHaveLength(1);
  });

  it("releases only for the holder; another owner's release is a no-op", async () => {
    await reserve("owner-a");
    await dc.client.releaseReservation({ reservationId, ownerId: "owner-b" });
    expect((await reserve("owner-b")).reservation?.ownerId).toBe("owner-a");
    await dc.client.releaseReservation({ reservationId, ownerId: "owner-a" });
    expect((await reserve("owner-b")).reservation?.ownerId).toBe("owner-b");
    // Releasing what nobody holds is fine too.
    await dc.client.releaseReservation({ reservationId: { datasetId: datasetId(), tagName: "other" }, ownerId: "owner-a" });
  });

  it("keeps reservations of different tags and datasets apart", async () => {
    await reserve("owner-a");
    const other = await dc.client.getOrExtendReservation({ reservationId: { datasetId: datasetId("task-other"), tagName: "cached-a" }, ownerId: "owner-b", heartbeatInterval: { seconds: 1n } });
    expect(other.reservation?.ownerId).toBe("owner-b");
  });

  it("rejects bad input, naming the field", async () => {
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => dc.client.getOrExtendReservation({ reservationId, ownerId: "", heartbeatInterval: { seconds: 1n } }), /owner_id: /],
      [() => dc.client.getOrExtendReservation({ reservationId, ownerId: "a" }), /heartbeat_interval: value is required/],
      [() => dc.client.getOrExtendReservation({ reservationId, ownerId: "a", heartbeatInterval: { seconds: 0n } }), /heartbeat_interval: /],
      [() => dc.client.getOrExtendReservation({ ownerId: "a", heartbeatInterval: { seconds: 1n } }), /reservation_id: value is required/],
      [() => dc.client.getOrExtendReservation({ reservationId: { datasetId: datasetId(), tagName: "" }, ownerId: "a", heartbeatInterval: { seconds: 1n } }), /reservation_id\.tag_name: /],
      [() => dc.client.releaseReservation({ reservationId: { datasetId: { ...datasetId(), version: "" }, tagName: "t" }, ownerId: "a" }), /reservation_id\.dataset_id\.version: /],
      [() => dc.client.releaseReservation({ reservationId, ownerId: "" }), /owner_id: /],
      [() => dc.client.releaseReservation({ ownerId: "a" }), /reservation_id: value is required/],
    ];
    for (const [call, message] of cases) {
      const error = await failure(call());
      expect({ code: error.code, message: error.rawMessage }).toEqual({ code: Code.InvalidArgument, message: expect.stringMatching(message) as unknown });
    }
    expect(await dc.db.selectFrom("reservation").select("owner_id").execute()).toEqual([]);
  });
});
