import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient, createRouterTransport, type Client } from "@connectrpc/connect";
import { FileBlobStore } from "@skein/blob";
import { loadDatacatalogConfig, setup, type DatacatalogConfig, type DatacatalogContext } from "@skein/datacatalog";
import { DataCatalogService } from "@skein/idl/datacatalog/v1";
import {
  createErrorInterceptor,
  createLogger,
  createManualClock,
  createMemorySink,
  createValidationInterceptor,
  type LogRecord,
  type ManualClock,
} from "@skein/server";
import { createTestDatabase } from "@skein/testing";

/** A real datacatalog (its own database and blob directory) called in-process. */
export interface TestDatacatalog {
  readonly client: Client<typeof DataCatalogService>;
  /** Datacatalog's clock: reservations lapse only when a test advances it. */
  readonly clock: ManualClock;
  readonly logs: LogRecord[];
  /** Drops the database; calls made afterwards fail as on an unreachable database. */
  dropDatabase(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * Datacatalog's handlers behind the interceptors its server uses, on a fresh database from
 * @skein/testing (PostgreSQL when SKEIN_TEST_DATABASE_URL is set, PGlite otherwise).
 */
export async function startTestDatacatalog(config: Partial<DatacatalogConfig> = {}): Promise<TestDatacatalog> {
  const database = await createTestDatabase();
  const blobDir = await mkdtemp(path.join(tmpdir(), "skein-propeller-cache-"));
  let dropped: Promise<void> | undefined;
  const dropDatabase = () => (dropped ??= database.destroy());
  const destroy = async () => {
    await dropDatabase();
    await rm(blobDir, { recursive: true, force: true });
  };
  const sink = createMemorySink();
  const logger = createLogger({ component: "datacatalog", level: "debug", sink });
  const clock = createManualClock(new Date("2026-01-01T00:00:00Z"));
  try {
    const service = await setup({
      // The test database is typed for any schema; datacatalog's migrations give it datacatalog's.
      db: database.db as DatacatalogContext["db"],
      logger,
      clock,
      config: { ...loadDatacatalogConfig({}, {}), ...config },
      blobs: new FileBlobStore(blobDir),
    });
    const transport = createRouterTransport(service.routes, {
      router: { interceptors: [createErrorInterceptor(logger), createValidationInterceptor()] },
    });
    return { client: createClient(DataCatalogService, transport), clock, logs: sink.records, dropDatabase, destroy };
  } catch (error) {
    await destroy();
    throw error;
  }
}
