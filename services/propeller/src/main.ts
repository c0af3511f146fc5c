import { createInProcessQuotas, createRedisQuotas, type PluginRegistry, type ResourceQuotas } from "@skein/plugin-core";
import { createLogger, runService, systemClock, type Clock, type LogSink } from "@skein/server";
import { connectClients } from "./clients.js";
import type { PropellerConfig } from "./config.js";
import { openPropellerDatabase } from "./database.js";
import { defaultPlugins } from "./plugins.js";
import { setup } from "./setup.js";

export interface StartPropellerOptions {
  readonly config: PropellerConfig;
  /** Where log lines go; JSON lines on stderr by default. */
  readonly logSink?: LogSink;
  readonly clock?: Clock;
  /** The task backends; by default the process plugin for every task type. */
  readonly plugins?: PluginRegistry;
  /** Quotas shared with other replicas run in one process (tests); by default from REDIS_URL, else this replica's own. */
  readonly quotas?: ResourceQuotas;
}

export interface RunningPropeller {
  /** Base URL of the replica's (route-less) server, for health checks. */
  readonly url: string;
  readonly port: number;
  readonly databaseKind: "postgres" | "pglite";
  /** Stops driving (executions stay where they are, for the next replica), closes connections and the database. */
  close(): Promise<void>;
}

/** Composes a propeller replica from its configuration: database, clients, plugins, setup. Nothing else lives here. */
export async function startPropeller(options: StartPropellerOptions): Promise<RunningPropeller> {
  const { config } = options;
  const logger = createLogger({ component: `propeller@${config.clusterId}`, level: config.logLevel, sink: options.logSink });
  const database = await openPropellerDatabase(config, (error) => {
    logger.warn("an idle database connection failed; the pool replaces it", { error });
  });
  const clients = connectClients(config);
  const quotas = quotasOf(config, options.quotas);
  if (quotas.shared) logger.info("plugin quotas are shared through redis");
  const running = await runService({
    logger,
    host: config.host,
    port: config.port,
    setup: () =>
      setup({
        db: database.db,
        logger,
        clock: options.clock ?? systemClock,
        config,
        admin: clients.admin,
        router: clients.router,
        datacatalog: clients.datacatalog,
        plugins: options.plugins ?? defaultPlugins(config),
        quotas: quotas.quotas,
      }),
    async release() {
      clients.close();
      await quotas.close();
      await database.close();
    },
  });
  return { ...running, databaseKind: database.kind };
}

/** The quotas given, else the replica's own: in Redis when REDIS_URL is set (every replica shares them), else in memory. */
function quotasOf(config: PropellerConfig, given: ResourceQuotas | undefined): { quotas: ResourceQuotas; shared: boolean; close(): Promise<void> } {
  if (given !== undefined) return { quotas: given, shared: false, close: () => Promise.resolve() };
  if (config.redisUrl === undefined) return { quotas: createInProcessQuotas({ leaseMs: config.quotaLeaseMs }), shared: false, close: () => Promise.resolve() };
  const redis = createRedisQuotas({ url: config.redisUrl, leaseMs: config.quotaLeaseMs });
  return { quotas: redis, shared: true, close: () => redis.close() };
}
