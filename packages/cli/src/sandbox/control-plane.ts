import { openConfiguredBlobStore } from "@skein/blob";
import { setup as setupAdmin, type AdminContext } from "@skein/admin";
import { setup as setupRouter, type RouterContext } from "@skein/cluster-router";
import { setup as setupDatacatalog, type DatacatalogContext } from "@skein/datacatalog";
import { createLogger, openServiceDatabase, runService, systemClock, type Logger, type LogSink, type ServiceDatabase, type ServiceSetup } from "@skein/server";
import type { Kysely } from "kysely";
import { RouterDoor } from "./router-door.js";
import type { SandboxConfig } from "./sandbox-config.js";

/** The row types behind a service context's `db`. */
type DatabaseOf<Context extends { readonly db: unknown }> = Context["db"] extends Kysely<infer DB> ? DB : never;

/** Admin, datacatalog and the cluster router, serving on one port. */
export interface ControlPlane {
  /** Base URL serving all three services over Connect, gRPC and gRPC-Web. */
  readonly url: string;
  readonly databaseKind: "postgres" | "pglite";
  /** Stops the loops, stops serving (open requests finish), closes the databases. */
  close(): Promise<void>;
}

/**
 * Opens one database per service, each in its own subdirectory (or all on DATABASE_URL), the
 * same directories `skein serve <service>` uses with the same data directory. If one fails to
 * open, those already open are closed.
 */
async function openDatabases(config: SandboxConfig, logger: Logger) {
  const open = <DB>(directory: string): Promise<ServiceDatabase<DB>> =>
    openServiceDatabase<DB>({
      databaseUrl: config.admin.databaseUrl,
      dataDir: config.admin.dataDir,
      directory,
      onIdleError: (error) => { logger.warn("an idle database connection failed; the pool replaces it", { database: directory, error }); },
    });
  const opened: { close(): Promise<void> }[] = [];
  const track = async <DB>(database: Promise<ServiceDatabase<DB>>): Promise<ServiceDatabase<DB>> => {
    const handle = await database;
    opened.push(handle);
    return handle;
  };
  const closeAll = async () => {
    for (const handle of opened.reverse()) await handle.close();
  };
  try {
    const admin = await track(open<DatabaseOf<AdminContext>>("admin-db"));
    const datacatalog = await track(open<DatabaseOf<DatacatalogContext>>("datacatalog-db"));
    const router = await track(open<DatabaseOf<RouterContext>>("router-db"));
    return { admin, datacatalog, router, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** One service made of several: every route on one router, every loop run, the one plain-HTTP handler (admin's console). */
function combined(services: readonly ServiceSetup[]): ServiceSetup {
  const http = services.flatMap((service) => (service.http !== undefined ? [service.http] : []));
  if (http.length > 1) throw new Error("more than one service answers plain HTTP requests; one port can serve only one");
  return {
    routes: (router) => {
      for (const service of services) service.routes(router);
    },
    loops: services.flatMap((service) => service.loops),
    ...(http[0] !== undefined ? { http: http[0] } : {}),
  };
}

/**
 * Starts the control plane the way each service's own `main.ts` would, through each `setup(ctx)`
 * and `runService`, but with all routes on one server. Admin dispatches through the router on that
 * same server, reached over the network like a separate one.
 */
export async function startControlPlane(config: SandboxConfig, logSink?: LogSink): Promise<ControlPlane> {
  const log = (component: string) => createLogger({ component, level: config.admin.logLevel, sink: logSink });
  const logger = log("sandbox");
  const databases = await openDatabases(config, logger);
  const door = new RouterDoor();
  const running = await runService({
    logger,
    host: config.admin.host,
    port: config.admin.port,
    setup: async () =>
      combined([
        await setupRouter({ db: databases.router.db, logger: log("cluster-router"), clock: systemClock, config: config.router }),
        await setupDatacatalog({ db: databases.datacatalog.db, logger: log("datacatalog"), clock: systemClock, config: config.datacatalog, blobs: openConfiguredBlobStore(config.datacatalog) }),
        await setupAdmin({ db: databases.admin.db, logger: log("admin"), clock: systemClock, config: config.admin, blobs: openConfiguredBlobStore(config.admin), dispatcher: door }),
      ]),
    async release() {
      door.close();
      await databases.close();
    },
  });
  door.connect(running.url);
  return { url: running.url, databaseKind: databases.admin.kind, close: () => running.close() };
}
