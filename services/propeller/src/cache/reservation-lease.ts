import { durationFromMs, durationMs } from "@bufbuild/protobuf/wkt";
import type { Client } from "@connectrpc/connect";
import type { DataCatalogService, Reservation, ReservationId } from "@skein/idl/datacatalog/v1";
import type { Logger } from "@skein/server";

export interface ReservationLeaseOptions {
  readonly client: Client<typeof DataCatalogService>;
  readonly reservationId: ReservationId;
  readonly ownerId: string;
  /** The interval asked for; beats come at the shorter of this and what the server granted. */
  readonly heartbeatMs: number;
  /** The reservation as granted, held by `ownerId`. */
  readonly granted: Reservation;
  readonly logger: Logger;
  /** Called once, when the lease ends (released, or the release failed). */
  readonly onEnd: () => void;
}

/** Asks datacatalog for (or to extend) the reservation; the answer says who holds it now. */
export async function getOrExtend(client: Client<typeof DataCatalogService>, reservationId: ReservationId, ownerId: string, heartbeatMs: number): Promise<Reservation> {
  const response = await client.getOrExtendReservation({ reservationId, ownerId, heartbeatInterval: durationFromMs(heartbeatMs) });
  if (response.reservation === undefined) throw new Error("datacatalog answered GetOrExtendReservation without a reservation");
  return response.reservation;
}

/**
 * A reservation this owner holds, extended in the background until released. A heartbeat that
 * fails or finds another holder (ours lapsed) is logged and the next one tries again; the work goes
 * on either way, since the worst outcome is computing an entry twice.
 */
export class ReservationLease {
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private beat: Promise<void> = Promise.resolve();
  private ended = false;
  private lost = false;
  private releasing: Promise<void> | undefined;

  constructor(private readonly options: ReservationLeaseOptions) {
    const granted = options.granted.heartbeatInterval === undefined ? options.heartbeatMs : durationMs(options.granted.heartbeatInterval);
    this.intervalMs = Math.max(1, Math.min(options.heartbeatMs, granted > 0 ? granted : options.heartbeatMs));
    this.schedule();
  }

  /**
   * Stops the heartbeat and releases the reservation. Waits for a heartbeat in flight first, so that
   * it cannot take the reservation again after the release. Repeated calls share the first one.
   */
  release(): Promise<void> {
    this.releasing ??= this.end();
    return this.releasing;
  }

  private async end(): Promise<void> {
    this.ended = true;
    clearTimeout(this.timer);
    await this.beat;
    const { client, reservationId, ownerId } = this.options;
    try {
      await client.releaseReservation({ reservationId, ownerId });
    } finally {
      this.options.onEnd();
    }
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.beat = this.extend().finally(() => {
        if (!this.ended) this.schedule();
      });
    }, this.intervalMs);
    // A heartbeat alone does not keep the process alive.
    this.timer.unref();
  }

  private async extend(): Promise<void> {
    const { client, reservationId, ownerId, heartbeatMs, logger } = this.options;
    try {
      const holder = (await getOrExtend(client, reservationId, ownerId, heartbeatMs)).ownerId;
      if (holder !== ownerId && !this.lost) logger.warn("cache reservation lapsed and another owner holds it", { tag: reservationId.tagName, owner: ownerId, holder });
      this.lost = holder !== ownerId;
    } catch (error) {
      logger.warn("cache reservation heartbeat failed", { tag: reservationId.tagName, owner: ownerId, error });
    }
  }
}
