import { loadAdminConfig, startAdmin } from "@skein/admin";
import { loadRouterConfig, startClusterRouter } from "@skein/cluster-router";
import { loadDatacatalogConfig, startDatacatalog } from "@skein/datacatalog";
import { loadPropellerConfig, startPropeller } from "@skein/propeller";
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
  /** Propeller only: the cluster it executes for (`--cluster`). */
  readonly cluster?: string;
  /** Propeller only: the cluster's labels, `k=v,...` (`--labels`). */
  readonly labels?: string;
  /** Propeller only: the cluster's region (`--region`). */
  readonly region?: string;
}

/** The flags only propeller takes, by the config key each one sets. */
export const clusterFlags = { cluster: "clusterId", labels: "labels", region: "region" } as const;

/** A service `skein serve` can run on its own. */
interface ServableService {
  /** Prefix of its host and port variables (`<prefix>_HOST`, `<prefix>_PORT`). */
  readonly envPrefix: string;
  readonly defaultPort: number;
  /** Whether it takes `--cluster`, `--labels` and `--region` (a data-plane service). */
  readonly takesClusterFlags: boolean;
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

/** The cluster flags that were given, as propeller configuration keys. */
function givenCluster(overrides: ServeOverrides): { clusterId?: string; labels?: string; region?: string } {
  return {
    ...(overrides.cluster !== undefined && { clusterId: overrides.cluster }),
    ...(overrides.labels !== undefined && { labels: overrides.labels }),
    ...(overrides.region !== undefined && { region: overrides.region }),
  };
}

/** The services that run on their own, by the name `skein serve` takes. */
export const servableServices = {
  admin: {
    envPrefix: "SKEIN_ADMIN",
    defaultPort: 8088,
    takesClusterFlags: false,
    start: (overrides, env, logSink) => startAdmin({ config: loadAdminConfig(given(overrides), env), logSink }),
  },
  datacatalog: {
    envPrefix: "SKEIN_DATACATALOG",
    defaultPort: 8089,
    takesClusterFlags: false,
    start: (overrides, env, logSink) => startDatacatalog({ config: loadDatacatalogConfig(given(overrides), env), logSink }),
  },
  "cluster-router": {
    envPrefix: "SKEIN_ROUTER",
    defaultPort: 8090,
    takesClusterFlags: false,
    start: (overrides, env, logSink) => startClusterRouter({ config: loadRouterConfig(given(overrides), env), logSink }),
  },
  // One replica of one cluster's data plane; it serves no API and dials admin, the router and
  // datacatalog (SKEIN_ADMIN_ENDPOINT, SKEIN_ROUTER_ENDPOINT, SKEIN_DATACATALOG_ENDPOINT).
  propeller: {
    envPrefix: "SKEIN_PROPELLER",
    defaultPort: 8091,
    takesClusterFlags: true,
    start: (overrides, env, logSink) => startPropeller({ config: loadPropellerConfig({ ...given(overrides), ...givenCluster(overrides) }, env), logSink }),
  },
} as const satisfies Record<string, ServableService>;

export type ServiceName = keyof typeof servableServices;

export function isServiceName(name: string): name is ServiceName {
  return Object.hasOwn(servableServices, name);
}

/** The names `skein serve` accepts, for help and error messages. */
export const serviceNames: readonly ServiceName[] = Object.keys(servableServices) as ServiceName[];
