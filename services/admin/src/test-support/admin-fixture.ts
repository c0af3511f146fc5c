import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient, createRouterTransport, type Client } from "@connectrpc/connect";
import { FileBlobStore } from "@skein/blob";
import { AdminService } from "@skein/idl/admin/v1";
import {
  createErrorInterceptor,
  createLogger,
  createManualClock,
  createMemorySink,
  createValidationInterceptor,
  type BackgroundLoop,
  type Logger,
  type LogRecord,
  type ManualClock,
  type ServiceSetup,
} from "@skein/server";
import { createTestDatabase, type TestDatabase } from "@skein/testing";
import type { Kysely } from "kysely";
import { loadAdminConfig, type AdminConfig } from "../config.js";
import type { ChangeNotifier } from "../domain/change-feed.js";
import type { ExecutionDispatcher } from "../domain/execution-dispatcher.js";
import { InProcessDispatcher } from "../domain/in-process-dispatcher.js";
import type { AdminDatabase } from "../repositories/database.js";
import { migrateAdminToLatest } from "../migrations/index.js";
import { setup } from "../setup.js";

/** A fresh, migrated database of one's own (real PostgreSQL when configured, PGlite otherwise). */
export function createAdminTestDatabase(): Promise<TestDatabase> {
  return createTestDatabase({
    prepare: async (db) => {
      await migrateAdminToLatest(db);
    },
  });
}

export interface InProcessAdmin {
  readonly client: Client<typeof AdminService>;
  /** The same service through the JSON codec (as curl or a browser asking for JSON would use it). */
  readonly jsonClient: Client<typeof AdminService>;
  readonly clock: ManualClock;
  readonly logs: LogRecord[];
  /** The database admin runs on, for assertions on rows. */
  readonly db: Kysely<AdminDatabase>;
  /** A file blob store in a temporary directory, removed by destroy(). */
  readonly blobs: FileBlobStore;
  /** The data plane's stand-in: what was dispatched and terminated; can be told to fail. */
  readonly dispatcher: InProcessDispatcher;
  /** Admin's background loops (scheduler, admission), not started: a test runs the ones it needs. */
  readonly loops: readonly BackgroundLoop[];
  destroy(): Promise<void>;
}

export interface InProcessAdminOptions {
  /** Replaces the in-process stand-in as admin's data plane (then `InProcessAdmin.dispatcher` sees no calls). */
  readonly dispatcher?: ExecutionDispatcher;
  /** Watchers' wake-ups (say, a Redis notifier shared with replicas); in-process when absent. */
  readonly notifier?: ChangeNotifier;
}

/** Admin's handlers behind the same interceptors as the real server, called in-process. */
export async function createInProcessAdmin(configOverrides: Partial<AdminConfig> = {}, options: InProcessAdminOptions = {}): Promise<InProcessAdmin> {
  const database = await createTestDatabase();
  const blobDir = await mkdtemp(path.join(tmpdir(), "skein-admin-blobs-"));
  const blobs = new FileBlobStore(blobDir);
  const dispatcher = new InProcessDispatcher();
  const destroy = async () => {
    await database.destroy();
    await rm(blobDir, { recursive: true, force: true });
  };
  const sink = createMemorySink();
  const logger = createLogger({ component: "admin", level: "debug", sink });
  const clock = createManualClock(new Date("2025-05-01T12:00:00Z"));
  try {
    const config = { ...loadAdminConfig({}, {}), ...configOverrides };
    const db = database.db as Kysely<AdminDatabase>;
    const service = await setup({ db, logger, clock, config, blobs, dispatcher: options.dispatcher ?? dispatcher, ...(options.notifier !== undefined ? { notifier: options.notifier } : {}) });
    return { client: inProcessClient(service, logger), jsonClient: inProcessClient(service, logger, "json"), clock, logs: sink.records, db, blobs, dispatcher, loops: service.loops, destroy };
  } catch (error) {
    await destroy();
    throw error;
  }
}

function inProcessClient(service: ServiceSetup, logger: Logger, codec: "binary" | "json" = "binary"): Client<typeof AdminService> {
  const transport = createRouterTransport(service.routes, {
    transport: { useBinaryFormat: codec === "binary" },
    router: { interceptors: [createErrorInterceptor(logger), createValidationInterceptor()] },
  });
  return createClient(AdminService, transport);
}

/** A second admin replica over the same database, blob store and data plane, with its own clock and logs. */
export async function createAdminReplica(
  of: InProcessAdmin,
  configOverrides: Partial<AdminConfig> = {},
  options: Pick<InProcessAdminOptions, "notifier"> = {},
): Promise<Omit<InProcessAdmin, "destroy" | "db" | "blobs" | "dispatcher">> {
  const sink = createMemorySink();
  const logger = createLogger({ component: "admin", level: "debug", sink });
  const clock = createManualClock(of.clock.now());
  const config = { ...loadAdminConfig({}, {}), ...configOverrides };
  const service = await setup({ db: of.db, logger, clock, config, blobs: of.blobs, dispatcher: of.dispatcher, ...(options.notifier !== undefined ? { notifier: options.notifier } : {}) });
  return { client: inProcessClient(service, logger), jsonClient: inProcessClient(service, logger, "json"), clock, logs: sink.records, loops: service.loops };
}
