import {
  createErrorInterceptor,
  createLogger,
  createValidationInterceptor,
  serveConnect,
  systemClock,
  type Clock,
  type LogSink,
} from "@skein/server";
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
  /** Stops serving (letting open requests finish), stops background loops, closes the database. */
  close(): Promise<void>;
}

/** Composes the cluster router from its configuration: database, context, setup, server. Nothing else lives here. */
export async function startClusterRouter(options: StartClusterRouterOptions): Promise<RunningClusterRouter> {
  const { config } = options;
  const logger = createLogger({ component: "cluster-router", level: config.logLevel, sink: options.logSink });
  const database = await openRouterDatabase(config, (error) => {
    logger.warn("an idle database connection failed; the pool replaces it", { error });
  });
  const stop = new AbortController();
  let loops: Promise<void>[] = [];
  try {
    const service = await setup({ db: database.db, logger, clock: options.clock ?? systemClock, config, wakeUps: options.wakeUps });
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
        // Stop the loops first: open watch streams end when the server closes them.
        stop.abort();
        await server.close();
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
