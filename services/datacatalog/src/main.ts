import { openBlobStore, type BlobStore } from "@skein/blob";
import {
  createErrorInterceptor,
  createLogger,
  createValidationInterceptor,
  serveConnect,
  systemClock,
  type Clock,
  type LogSink,
} from "@skein/server";
import path from "node:path";
import { pathToFileURL } from "node:url";
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
  /** Stops serving (letting open requests finish), stops background loops, closes the database. */
  close(): Promise<void>;
}

/** Composes datacatalog from its configuration: database, context, setup, server. Nothing else lives here. */
export async function startDatacatalog(options: StartDatacatalogOptions): Promise<RunningDatacatalog> {
  const { config } = options;
  const logger = createLogger({ component: "datacatalog", level: config.logLevel, sink: options.logSink });
  const blobs = openDatacatalogBlobStore(config);
  const database = await openDatacatalogDatabase(config, (error) => {
    logger.warn("an idle database connection failed; the pool replaces it", { error });
  });
  const stop = new AbortController();
  let loops: Promise<void>[] = [];
  try {
    const service = await setup({ db: database.db, logger, clock: options.clock ?? systemClock, config, blobs });
    loops = service.loops.map((loop) =>
      loop.run(stop.signal).catch((error: unknown) => {
        logger.error("background loop failed", { loop: loop.name, error });
      }),
    );
    const server = await serveConnect({
      routes: service.routes,
      host: config.host,
      port: config.port,
      interceptors: [createErrorInterceptor(logger), createValidationInterceptor()],
      logger,
    });
    return {
      url: server.url,
      port: server.port,
      databaseKind: database.kind,
      async close() {
        await server.close();
        stop.abort();
        await Promise.all(loops);
        await database.close();
      },
    };
  } catch (error) {
    stop.abort();
    await Promise.all(loops);
    await database.close();
    throw error;
  }
}

/** The configured blob store, or `file://<dataDir>/blobs` when none is configured. */
export function openDatacatalogBlobStore(config: Pick<DatacatalogConfig, "blobStoreUrl" | "dataDir">): BlobStore {
  return openBlobStore(config.blobStoreUrl ?? pathToFileURL(path.resolve(config.dataDir, "blobs")).href);
}
