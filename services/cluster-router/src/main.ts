import { createLogger, runService, systemClock, type Clock, type LogSink } from "@skein/server";
import type { RouterConfig } from "./config.js";
import { openRouterDatabase } from "./database.js";
import type { ClusterWakeUps } from "./domain/wake-ups.js";
import { setup } from "./setup.js";

export interface StartClusterRouterOptions {
  readonly config: RouterConfig;
  /** Where log lines go; JSON lines on stderr by default. */
  readonly logSink?: LogSink;
  readonly clock?: Clock;
  /** Wake-ups shared with other components of the same process; a private set by default. */
  readonly wakeUps?: ClusterWakeUps;
}

export interface RunningClusterRouter {
  /** Base URL serving Connect, gRPC and gRPC-Web, e.g. `http://127.0.0.1:8090`. */
  readonly url: string;
  readonly port: number;
  readonly databaseKind: "postgres" | "pglite";
  /** Stops background loops, stops serving (letting open requests finish), closes the database. */
  close(): Promise<void>;
}

/** Composes the cluster router from its configuration: database, context, setup, server. Nothing else lives here. */
export async function startClusterRouter(options: StartClusterRouterOptions): Promise<RunningClusterRouter> {
  const { config } = options;
  const logger = createLogger({ component: "cluster-router", level: config.logLevel, sink: options.logSink });
  const database = await openRouterDatabase(config, (error) => {
    logger.warn("an idle database connection failed; the pool replaces it", { error });
  });
  const running = await runService({
    logger,
    host: config.host,
    port: config.port,
    setup: () => setup({ db: database.db, logger, clock: options.clock ?? systemClock, config, wakeUps: options.wakeUps }),
    release: () => database.close(),
  });
  return { ...running, databaseKind: database.kind };
}
