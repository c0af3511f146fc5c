import type { PluginRegistry } from "@skein/plugin-core";
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
      }),
    async release() {
      clients.close();
      await database.close();
    },
  });
  return { ...running, databaseKind: database.kind };
}
