import { parseConfig, serviceConfigShape, serviceEnvBindings } from "@skein/server";
import { z } from "zod";

/** Datacatalog's configuration: the shared service settings plus cache reservation timing. */
export const datacatalogConfigSchema = z.object({
  ...serviceConfigShape(8089),
  /** Longest heartbeat interval a reservation holder may ask for, in milliseconds. */
  maxReservationHeartbeatMs: z.coerce.number().int().positive().default(10_000),
  /** A reservation expires after this many missed heartbeats. */
  reservationGraceMultiplier: z.coerce.number().positive().default(3),
});

export type DatacatalogConfig = z.output<typeof datacatalogConfigSchema>;

/** Reads datacatalog's configuration from flags (`overrides`) and the environment, once, at start. */
export function loadDatacatalogConfig(
  overrides: Partial<z.input<typeof datacatalogConfigSchema>> = {},
  source: Readonly<Record<string, string | undefined>> = process.env,
): DatacatalogConfig {
  return parseConfig("datacatalog", datacatalogConfigSchema, {
    env: { ...serviceEnvBindings("SKEIN_DATACATALOG"), maxReservationHeartbeatMs: "SKEIN_MAX_RESERVATION_HEARTBEAT_MS" },
    source,
    overrides,
  });
}
