import { periodicLoop, type BackgroundLoop, type Clock, type Logger } from "@skein/server";
import type { ReservationRepository } from "../repositories/reservation-repository.js";
import type { EvictionManager } from "./eviction-manager.js";

export interface CacheSweepDeps {
  readonly eviction: EvictionManager;
  readonly reservations: ReservationRepository;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Artifacts older than this are evicted; 0 keeps them. */
  readonly maxAgeMs: number;
  readonly intervalMs: number;
}

// Batches per round stay bounded so one round never holds locks on a large share of the table.
const batchSize = 500;
const maxBatchesPerRound = 20;

/**
 * One round of upkeep: evicts artifacts past the configured age across every project, and drops
 * lapsed reservations (which grant the same as absent ones; this only keeps the table small).
 * Returns how many artifacts and reservations went. Safe to run in every replica at once.
 */
export async function sweepCache(deps: CacheSweepDeps): Promise<{ artifacts: number; reservations: number }> {
  const now = deps.clock.now();
  let artifacts = 0;
  if (deps.maxAgeMs > 0) {
    const createdBefore = new Date(now.getTime() - deps.maxAgeMs);
    for (let batch = 0; batch < maxBatchesPerRound; batch++) {
      const { evicted, hasMore } = await deps.eviction.evictSelection({ createdBefore }, batchSize, false);
      artifacts += evicted.length;
      if (!hasMore) break;
    }
  }
  const reservations = await deps.reservations.deleteExpired(now);
  if (artifacts > 0 || reservations > 0) deps.logger.info("cache sweep", { artifacts, reservations });
  return { artifacts, reservations };
}

/** The sweep as a background loop, every `intervalMs`. */
export function cacheSweepLoop(deps: CacheSweepDeps): BackgroundLoop {
  return periodicLoop({ name: "datacatalog.sweep", intervalMs: deps.intervalMs, round: () => sweepCache(deps), logger: deps.logger });
}
