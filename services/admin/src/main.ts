import { openConfiguredBlobStore } from "@skein/blob";
import { createLogger, runService, systemClock, type Clock, type Logger, type LogSink } from "@skein/server";
import type { AdminConfig } from "./config.js";
import { openAdminDatabase } from "./database.js";
import type { ExecutionDispatcher } from "./domain/execution-dispatcher.js";
import { InProcessDispatcher } from "./domain/in-process-dispatcher.js";
import { createRedisChangeNotifier, defaultChangeChannelPrefix, type RedisChangeNotifier } from "./domain/redis-change-notifier.js";
import { RouterDispatcher } from "./domain/router-dispatcher.js";
import { setup } from "./setup.js";

export interface StartAdminOptions {
  readonly config: AdminConfig;
  /** Where log lines go; JSON lines on stderr by default. */
  readonly logSink?: LogSink;
  readonly clock?: Clock;
  /**
   * The data plane's door. Default: the cluster router at `config.routerEndpoint` when set, else an
   * in-process stand-in that keeps executions QUEUED.
   */
  readonly dispatcher?: ExecutionDispatcher;
}

export interface RunningAdmin {
  /** Base URL serving Connect, gRPC and gRPC-Web, e.g. `http://127.0.0.1:8088`. */
  readonly url: string;
  readonly port: number;
  readonly databaseKind: "postgres" | "pglite";
  /** Stops background loops, stops serving (letting open requests finish), closes the database. */
  close(): Promise<void>;
}

/** Composes admin from its configuration: database, context, setup, server. Nothing else lives here. */
export async function startAdmin(options: StartAdminOptions): Promise<RunningAdmin> {
  const { config } = options;
  const logger = createLogger({ component: "admin", level: config.logLevel, sink: options.logSink });
  const blobs = openConfiguredBlobStore(config);
  const database = await openAdminDatabase(config, (error) => {
    logger.warn("an idle database connection failed; the pool replaces it", { error });
  });
  const notifier = changeNotifier(config, logger);
  const dispatcher = options.dispatcher ?? dataPlane(config, logger);
  const running = await runService({
    logger,
    host: config.host,
    port: config.port,
    setup: () => setup({ db: database.db, logger, clock: options.clock ?? systemClock, config, blobs, dispatcher, ...(notifier !== undefined ? { notifier } : {}) }),
    async release() {
      // Only a connection admin opened itself is admin's to close.
      if (dispatcher instanceof RouterDispatcher && options.dispatcher === undefined) dispatcher.close();
      await notifier?.close();
      await database.close();
    },
  });
  return { ...running, databaseKind: database.kind };
}

/** The cluster router when one is configured; otherwise the in-process stand-in (executions stay QUEUED). */
function dataPlane(config: AdminConfig, logger: Logger): ExecutionDispatcher {
  if (config.routerEndpoint === undefined) return new InProcessDispatcher();
  logger.info("dispatching executions through the cluster router", { endpoint: config.routerEndpoint });
  return new RouterDispatcher({ endpoint: config.routerEndpoint, logger });
}

/**
 * Wake-ups across replicas through Redis when `redisUrl` is set. Redis being down at start or later
 * never stops admin: watchers fall back to polling the change log.
 */
function changeNotifier(config: AdminConfig, logger: Logger): RedisChangeNotifier | undefined {
  if (config.redisUrl === undefined) return undefined;
  logger.info("watch wake-ups cross replicas through redis");
  return createRedisChangeNotifier({ url: config.redisUrl, channelPrefix: defaultChangeChannelPrefix, logger: logger.child("admin.wake-ups") });
}
