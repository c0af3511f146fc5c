import { createClient, createRouterTransport, type Client } from "@connectrpc/connect";
import { ClusterRouterService } from "@skein/idl/router/v1";
import {
  createErrorInterceptor,
  createLogger,
  createManualClock,
  createMemorySink,
  createValidationInterceptor,
  type LogRecord,
  type ManualClock,
  type ServiceSetup,
  type Logger,
} from "@skein/server";
import { createTestDatabase, type TestDatabase } from "@skein/testing";
import type { Kysely } from "kysely";
import { loadRouterConfig, type RouterConfig } from "../config.js";
import type { Rebalancer } from "../domain/rebalancer.js";
import { migrateRouterToLatest } from "../migrations/index.js";
import type { RouterDatabase } from "../repositories/database.js";
import { setup } from "../setup.js";

/** A fresh, migrated database of one's own (real PostgreSQL when configured, PGlite otherwise). */
export function createRouterTestDatabase(): Promise<TestDatabase> {
  return createTestDatabase({
    prepare: async (db) => {
      await migrateRouterToLatest(db);
    },
  });
}

export interface InProcessRouter {
  readonly client: Client<typeof ClusterRouterService>;
  readonly clock: ManualClock;
  readonly logs: LogRecord[];
  readonly db: Kysely<RouterDatabase>;
  readonly config: RouterConfig;
  /** The replica's rebalancer; its loop is not started, tests run rounds themselves. */
  readonly rebalancer: Rebalancer;
  destroy(): Promise<void>;
}

/** Test timing: a short watch poll so that changes made by another replica arrive quickly. */
const testDefaults: Partial<RouterConfig> = { watchPollMs: 50 };

/** The router's handlers behind the same interceptors as the real server, called in-process. */
export async function createInProcessRouter(configOverrides: Partial<RouterConfig> = {}): Promise<InProcessRouter> {
  const database = await createTestDatabase();
  try {
    const replica = await createReplica(database.db as Kysely<RouterDatabase>, createManualClock(new Date("2025-05-01T12:00:00Z")), configOverrides);
    return { ...replica, destroy: () => database.destroy() };
  } catch (error) {
    await database.destroy();
    throw error;
  }
}

/** A second router replica over the same database, with its own clock, logs and wake-ups. */
export async function createRouterReplica(of: InProcessRouter, configOverrides: Partial<RouterConfig> = {}): Promise<Omit<InProcessRouter, "destroy">> {
  return createReplica(of.db, createManualClock(of.clock.now()), configOverrides);
}

async function createReplica(db: Kysely<RouterDatabase>, clock: ManualClock, configOverrides: Partial<RouterConfig>): Promise<Omit<InProcessRouter, "destroy">> {
  const sink = createMemorySink();
  const logger = createLogger({ component: "cluster-router", level: "debug", sink });
  const config = { ...loadRouterConfig({}, {}), ...testDefaults, ...configOverrides };
  const service = await setup({ db, logger, clock, config });
  return { client: inProcessClient(service, logger), clock, logs: sink.records, db, config, rebalancer: service.rebalancer };
}

function inProcessClient(service: ServiceSetup, logger: Logger): Client<typeof ClusterRouterService> {
  const transport = createRouterTransport(service.routes, {
    router: { interceptors: [createErrorInterceptor(logger), createValidationInterceptor()] },
  });
  return createClient(ClusterRouterService, transport);
}
