import { parseConfig, serviceConfigShape, serviceEnvBindings } from "@skein/server";
import { z } from "zod";

/** Datacatalog's configuration: the shared service settings plus cache storage, reservations and eviction. */
export const datacatalogConfigSchema = z.object({
  ...serviceConfigShape(8089),
  /** Longest heartbeat interval a reservation holder may ask for, in milliseconds. */
  maxReservationHeartbeatMs: z.coerce.number().int().positive().default(10_000),
  /** A reservation expires after this many missed heartbeats. */
  reservationGraceMultiplier: z.coerce.number().positive().max(1000).default(3),
  /**
   * Largest serialized artifact value set (bytes) kept inline in the database; larger ones go to the
   * blob store (`blobStoreUrl`, default `file://<dataDir>/blobs`) and the row keeps the uri.
   */
  inlineDataMaxBytes: z.coerce.number().int().min(0).max(16 * 1024 * 1024).default(64 * 1024),
  /** Artifacts older than this are evicted by the background sweep (ms); 0 keeps them until evicted by hand. */
  artifactMaxAgeMs: z.coerce.number().int().min(0).default(0),
  /** Pause between rounds of the background sweep (age eviction, expired reservations), in ms. */
  sweepIntervalMs: z.coerce.number().int().min(100).max(24 * 3600_000).default(60_000),
});

export type DatacatalogConfig = z.output<typeof datacatalogConfigSchema>;

/** Reads datacatalog's configuration from flags (`overrides`) and the environment, once, at start. */
export function loadDatacatalogConfig(
  overrides: Partial<z.input<typeof datacatalogConfigSchema>> = {},
  source: Readonly<Record<string, string | undefined>> = process.env,
): DatacatalogConfig {
  return parseConfig("datacatalog", datacatalogConfigSchema, {
    env: {
      ...serviceEnvBindings("SKEIN_DATACATALOG"),
      maxReservationHeartbeatMs: "SKEIN_MAX_RESERVATION_HEARTBEAT_MS",
      reservationGraceMultiplier: "SKEIN_RESERVATION_GRACE_MULTIPLIER",
      inlineDataMaxBytes: "SKEIN_DATACATALOG_INLINE_DATA_MAX_BYTES",
      artifactMaxAgeMs: "SKEIN_CACHE_MAX_AGE_MS",
      sweepIntervalMs: "SKEIN_DATACATALOG_SWEEP_INTERVAL_MS",
    },
    source,
    overrides,
  });
}
