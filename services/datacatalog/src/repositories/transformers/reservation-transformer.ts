import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ReservationSchema, type Reservation } from "@skein/idl/datacatalog/v1";
import type { ReservationRow } from "../database.js";
import { datasetIdOf } from "./dataset-transformer.js";

/** The API view of a reservation row. Holders record no metadata yet, so it is always empty. */
export function reservationFromRow(row: ReservationRow): Reservation {
  return create(ReservationSchema, {
    reservationId: { datasetId: datasetIdOf(row), tagName: row.tag_name },
    ownerId: row.owner_id,
    heartbeatInterval: durationFromMs(Number(row.heartbeat_interval_ms)),
    expiresAt: timestampFromDate(row.expires_at),
  });
}
