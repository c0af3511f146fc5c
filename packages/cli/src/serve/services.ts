import { loadAdminConfig, startAdmin } from "@skein/admin";
import { loadRouterConfig, startClusterRouter } from "@skein/cluster-router";
import { loadDatacatalogConfig, startDatacatalog } from "@skein/datacatalog";
import type { LogSink } from "@skein/server";

/** What every service returns once it listens. */
export interface RunningService {
  /** Base URL serving Connect, gRPC and gRPC-Web. */
  readonly url: string;
  readonly port: number;
  readonly databaseKind: "postgres" | "pglite";
  /** Stops serving after open requests finish, stops background loops, closes the database. */
  close(): Promise<void>;
}

/** Flags of `skein serve`, passed to the service's configuration as overrides of its environment. */
export interface ServeOverrides {
  readonly host?: string;
  readonly port?: string;
  readonly dataDir?: string;
}

/** A service `skein serve` can run on its own. */
interface ServableService {
  /** Prefix of its host and port variables (`<prefix>_HOST`, `<prefix>_PORT`). */
  readonly envPrefix: string;
  readonly defaultPort: number;
  /**
   * Parses the configuration (flags over environment) and starts the service. A bad setting throws
   * ConfigError from the configuration loader before anything is opened.
   */
  start(overrides: ServeOverrides, env: Readonly<Record<string, string | undefined>>, logSink?: LogSink): Promise<RunningService>;
}

/** Only the flags that were given, so that the environment and defaults fill the rest. */
function given(overrides: ServeOverrides): { host?: string; port?: string; dataDir?: string } {
  return {
    ...(overrides.host !== undefined && { host: overrides.host }),
    ...(overrides.port !== undefined && { port: overrides.port }),
    ...(overrides.dataDir !== undefined && { dataDir: overrides.dataDir }),
  };
}

/** The services that run on their own, by the name `skein serve` takes. */
export const servableServices = {
  admin: {
    envPrefix: "SKEIN_ADMIN",
    defaultPort: 8088,
    start: (overrides, env, logSink) => startAdmin({ config: loadAdminConfig(given(overrides), env), logSink }),
  },
  datacatalog: {
    envPrefix: "SKEIN_DATACATALOG",
    defaultPort: 8089,
    start: (overrides, env, logSink) => startDatacatalog({ config: loadDatacatalogConfig(given(overrides), env), logSink }),
  },
  "cluster-router": {
    envPrefix: "SKEIN_ROUTER",
    defaultPort: 8090,
    start: (overrides, env, logSink) => startClusterRouter({ config: loadRouterConfig(given(overrides), env), logSink }),
  },
} as const satisfies Record<string, ServableService>;

export type ServiceName = keyof typeof servableServices;

export function isServiceName(name: string): name is ServiceName {
  return Object.hasOwn(servableServices, name);
}

/** The names `skein serve` accepts, for help and error messages. */
export const serviceNames: readonly ServiceName[] = Object.keys(servableServices) as ServiceName[];
