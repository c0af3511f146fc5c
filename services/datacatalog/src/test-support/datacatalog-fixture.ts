import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient, createRouterTransport, type Client } from "@connectrpc/connect";
import { FileBlobStore } from "@skein/blob";
import { DataCatalogService } from "@skein/idl/datacatalog/v1";
import {
  createErrorInterceptor,
  createLogger,
  createManualClock,
  createMemorySink,
  createValidationInterceptor,
  type BackgroundLoop,
  type LogRecord,
  type ManualClock,
} from "@skein/server";
import { createTestDatabase, type TestDatabase } from "@skein/testing";
import type { Kysely } from "kysely";
import { loadDatacatalogConfig, type DatacatalogConfig } from "../config.js";
import { migrateDatacatalogToLatest } from "../migrations/index.js";
import type { DatacatalogDatabase } from "../repositories/database.js";
import { setup } from "../setup.js";

/** A fresh, migrated database of one's own (real PostgreSQL when configured, PGlite otherwise). */
export function createDatacatalogTestDatabase(): Promise<TestDatabase> {
  return createTestDatabase({
    prepare: async (db) => {
      await migrateDatacatalogToLatest(db);
    },
  });
}

export interface InProcessDatacatalog {
  readonly client: Client<typeof DataCatalogService>;
  readonly clock: ManualClock;
  readonly logs: LogRecord[];
  /** The database datacatalog runs on, for assertions on rows. */
  readonly db: Kysely<DatacatalogDatabase>;
  /** A file blob store in a temporary directory, removed by destroy(). */
  readonly blobs: FileBlobStore;
  readonly blobDir: string;
  /** The background sweep, not started: a test runs it when it needs it. */
  readonly loops: readonly BackgroundLoop[];
  destroy(): Promise<void>;
}

/** Datacatalog's handlers behind the same interceptors as the real server, called in-process. */
export async function createInProcessDatacatalog(configOverrides: Partial<DatacatalogConfig> = {}): Promise<InProcessDatacatalog> {
  const database = await createTestDatabase();
  const blobDir = await mkdtemp(path.join(tmpdir(), "skein-datacatalog-blobs-"));
  const blobs = new FileBlobStore(blobDir);
  const destroy = async () => {
    await database.destroy();
    await rm(blobDir, { recursive: true, force: true });
  };
  const sink = createMemorySink();
  const logger = createLogger({ component: "datacatalog", level: "debug", sink });
  const clock = createManualClock(new Date("2025-05-01T12:00:00Z"));
  try {
    const config = { ...loadDatacatalogConfig({}, {}), ...configOverrides };
    const db = database.db as Kysely<DatacatalogDatabase>;
    const service = await setup({ db, logger, clock, config, blobs });
    const transport = createRouterTransport(service.routes, {
      router: { interceptors: [createErrorInterceptor(logger), createValidationInterceptor()] },
    });
    return { client: createClient(DataCatalogService, transport), clock, logs: sink.records, db, blobs, blobDir, loops: service.loops, destroy };
  } catch (error) {
    await destroy();
    throw error;
  }
}
