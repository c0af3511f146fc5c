import { create } from "@bufbuild/protobuf";
import {
  GetOrExtendReservationResponseSchema,
  ReleaseReservationResponseSchema,
  type GetOrExtendReservationRequest,
  type GetOrExtendReservationResponse,
  type ReleaseReservationRequest,
  type ReleaseReservationResponse,
  type ReservationId,
} from "@skein/idl/datacatalog/v1";
import { invalidArgument, type Clock, type Logger } from "@skein/server";
import { datasetKeyText } from "../repositories/database.js";
import type { ReservationKey, ReservationRepository } from "../repositories/reservation-repository.js";
import { reservationFromRow } from "../repositories/transformers/reservation-transformer.js";
import { positiveMs, required, requiredDataset } from "./request-fields.js";

export interface ReservationManagerDeps {
  readonly reservations: ReservationRepository;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Longest heartbeat interval granted, whatever the holder asks for. */
  readonly maxHeartbeatMs: number;
  /** A reservation lapses this many (granted) intervals after its last extension. */
  readonly graceMultiplier: number;
}

/**
 * Cache serialization: of several identical cacheable tasks, the one holding the reservation for the
 * entry computes it while the others wait for the result. A holder keeps it by extending it every
 * heartbeat; one that stops (a crash) loses it a few intervals later, and a waiter takes over.
 */
export class ReservationManager {
  constructor(private readonly deps: ReservationManagerDeps) {}

  /** Grants or extends when free, lapsed or already the caller's; otherwise returns the holder's reservation. */
  async getOrExtend(req: GetOrExtendReservationRequest): Promise<GetOrExtendReservationResponse> {
    const key = reservationKey(req.reservationId);
    const owner = ownerOf(req.ownerId);
    const intervalMs = Math.min(positiveMs(req.heartbeatInterval, "heartbeat_interval"), this.deps.maxHeartbeatMs);
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + Math.ceil(intervalMs * this.deps.graceMultiplier));
    const row = await this.deps.reservations.acquire(key, owner, intervalMs, now, expiresAt);
    if (row.owner_id === owner) this.deps.logger.debug("reservation held", { dataset: datasetKeyText(key.dataset), tag: key.tagName, owner, expiresAt });
    return create(GetOrExtendReservationResponseSchema, { reservation: reservationFromRow(row) });
  }

  /** Releases the caller's reservation; releasing one held by someone else (or nobody) changes nothing. */
  async release(req: ReleaseReservationRequest): Promise<ReleaseReservationResponse> {
    const key = reservationKey(req.reservationId);
    const owner = ownerOf(req.ownerId);
    if (await this.deps.reservations.release(key, owner)) {
      this.deps.logger.debug("reservation released", { dataset: datasetKeyText(key.dataset), tag: key.tagName, owner });
    }
    return create(ReleaseReservationResponseSchema, {});
  }
}

function reservationKey(id: ReservationId | undefined): ReservationKey {
  const reservationId = required(id, "reservation_id");
  if (reservationId.tagName === "") throw invalidArgument("reservation_id.tag_name", "is required");
  return { dataset: requiredDataset(reservationId.datasetId, "reservation_id.dataset_id"), tagName: reservationId.tagName };
}

function ownerOf(ownerId: string): string {
  if (ownerId === "") throw invalidArgument("owner_id", "is required");
  return ownerId;
}
