import { createClient, createRouterTransport, type Client } from "@connectrpc/connect";
import { AdminService } from "@skein/idl/admin/v1";
import {
  createErrorInterceptor,
  createLogger,
  createManualClock,
  createMemorySink,
  createValidationInterceptor,
  type LogRecord,
  type ManualClock,
} from "@skein/server";
import { createTestDatabase, type TestDatabase } from "@skein/testing";
import type { Kysely } from "kysely";
import { loadAdminConfig } from "../config.js";
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
  readonly clock: ManualClock;
  readonly logs: LogRecord[];
  destroy(): Promise<void>;
}

/** Admin's handlers behind the same interceptors as the real server, called in-process. */
export async function createInProcessAdmin(): Promise<InProcessAdmin> {
  const database = await createTestDatabase();
  const sink = createMemorySink();
  const logger = createLogger({ component: "admin", level: "debug", sink });
  const clock = createManualClock(new Date("2025-05-01T12:00:00Z"));
  try {
    const service = await setup({ db: database.db as Kysely<AdminDatabase>, logger, clock, config: loadAdminConfig({}, {}) });
    const transport = createRouterTransport(service.routes, {
      router: { interceptors: [createErrorInterceptor(logger), createValidationInterceptor()] },
    });
    return { client: createClient(AdminService, transport), clock, logs: sink.records, destroy: () => database.destroy() };
  } catch (error) {
    await database.destroy();
    throw error;
  }
}
