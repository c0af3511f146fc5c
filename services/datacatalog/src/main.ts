import { openConfiguredBlobStore } from "@skein/blob";
import { createLogger, runService, systemClock, type Clock, type LogSink } from "@skein/server";
import type { DatacatalogConfig } from "./config.js";
import { openDatacatalogDatabase } from "./database.js";
import { setup } from "./setup.js";

export interface StartDatacatalogOptions {
  readonly config: DatacatalogConfig;
  /** Where log lines go; JSON lines on stderr by default. */
  readonly logSink?: LogSink;
  readonly clock?: Clock;
}

export interface RunningDatacatalog {
  /** Base URL serving Connect, gRPC and gRPC-Web, e.g. `http://127.0.0.1:8089`. */
  readonly url: string;
  readonly port: number;
  readonly databaseKind: "postgres" | "pglite";
  /** Stops background loops, stops serving (letting open requests finish), closes the database. */
  close(): Promise<void>;
}

/** Composes datacatalog from its configuration: database, context, setup, server. Nothing else lives here. */
export async function startDatacatalog(options: StartDatacatalogOptions): Promise<RunningDatacatalog> {
  const { config } = options;
  const logger = createLogger({ component: "datacatalog", level: config.logLevel, sink: options.logSink });
  const blobs = openConfiguredBlobStore(config);
  const database = await openDatacatalogDatabase(config, (error) => {
    logger.warn("an idle database connection failed; the pool replaces it", { error });
  });
  const running = await runService({
    logger,
    host: config.host,
    port: config.port,
    setup: () => setup({ db: database.db, logger, clock: options.clock ?? systemClock, config, blobs }),
    release: () => database.close(),
  });
  return { ...running, databaseKind: database.kind };
}
