import { DataCatalogService } from "@skein/idl/datacatalog/v1";
import type { ServiceSetup } from "@skein/server";
import type { DatacatalogContext } from "./context.js";
import type { ArtifactDeps } from "./domain/artifact-deps.js";
import { ArtifactReader } from "./domain/artifact-reader.js";
import { ArtifactWriter } from "./domain/artifact-writer.js";
import { cacheSweepLoop } from "./domain/cache-sweep.js";
import { DatasetManager } from "./domain/dataset-manager.js";
import { EvictionManager } from "./domain/eviction-manager.js";
import { ReservationManager } from "./domain/reservation-manager.js";
import { datacatalogHandlers } from "./handlers/datacatalog-handlers.js";
import { migrateDatacatalogToLatest } from "./migrations/index.js";
import { ArtifactRepository } from "./repositories/artifact-repository.js";
import { DatasetRepository } from "./repositories/dataset-repository.js";
import { ReservationRepository } from "./repositories/reservation-repository.js";
import { TagRepository } from "./repositories/tag-repository.js";

/**
 * Brings datacatalog's schema up to date and wires repositories, managers and handlers. The
 * standalone service, the sandbox and the tests all start datacatalog through here.
 */
export async function setup(ctx: DatacatalogContext): Promise<ServiceSetup> {
  const logger = ctx.logger.child("datacatalog");
  const applied = await migrateDatacatalogToLatest(ctx.db);
  if (applied.length > 0) logger.info("migrations applied", { migrations: applied });
  const datasets = new DatasetRepository(ctx.db);
  const reservations = new ReservationRepository(ctx.db);
  const artifactDeps: ArtifactDeps = {
    db: ctx.db,
    datasets,
    artifacts: new ArtifactRepository(ctx.db),
    tags: new TagRepository(ctx.db),
    blobs: ctx.blobs,
    inlineDataMaxBytes: ctx.config.inlineDataMaxBytes,
    clock: ctx.clock,
    logger: logger.child("datacatalog.artifacts"),
  };
  const eviction = new EvictionManager({ ...artifactDeps, logger: logger.child("datacatalog.eviction") });
  const handlers = datacatalogHandlers({
    datasets: new DatasetManager({ datasets, clock: ctx.clock, logger: logger.child("datacatalog.datasets") }),
    reader: new ArtifactReader(artifactDeps),
    writer: new ArtifactWriter(artifactDeps),
    reservations: new ReservationManager({
      reservations,
      clock: ctx.clock,
      logger: logger.child("datacatalog.reservations"),
      maxHeartbeatMs: ctx.config.maxReservationHeartbeatMs,
      graceMultiplier: ctx.config.reservationGraceMultiplier,
    }),
    eviction,
  });
  const sweep = cacheSweepLoop({
    eviction,
    reservations,
    clock: ctx.clock,
    logger: logger.child("datacatalog.sweep"),
    maxAgeMs: ctx.config.artifactMaxAgeMs,
    intervalMs: ctx.config.sweepIntervalMs,
  });
  return {
    routes: (router) => {
      router.service(DataCatalogService, handlers);
    },
    loops: [sweep],
  };
}
