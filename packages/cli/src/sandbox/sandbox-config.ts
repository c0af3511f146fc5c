import { loadAdminConfig, type AdminConfig } from "@skein/admin";
import { loadRouterConfig, type RouterConfig } from "@skein/cluster-router";
import { loadDatacatalogConfig, type DatacatalogConfig } from "@skein/datacatalog";
import { loadPropellerConfig, type PropellerConfig } from "@skein/propeller";
import { resolve } from "node:path";

/** The control plane's port when `--port` is not given; the CLI's default endpoint points there. */
export const SANDBOX_DEFAULT_PORT = 8088;
/** Where the sandbox keeps its databases, blobs and work directories between runs. */
export const SANDBOX_DEFAULT_DATA_DIR = ".skein/sandbox";

/** Flags of `skein sandbox`. */
export interface SandboxOptions {
  readonly port?: string;
  readonly dataDir?: string;
}

/** One local cluster of the sandbox. */
export interface SandboxCluster {
  readonly id: string;
  readonly region: string;
  /** As `--labels` takes them. */
  readonly labels: string;
}

/** Two clusters that placement can tell apart: by region, and by a `gpu` label only one has. */
export const sandboxClusters: readonly SandboxCluster[] = [
  { id: "local-a", region: "us-east", labels: "region=us-east" },
  { id: "local-b", region: "eu-west", labels: "region=eu-west,gpu=true" },
];

/** The control plane's configuration, parsed before anything is opened. */
export interface SandboxConfig {
  readonly admin: AdminConfig;
  readonly datacatalog: DatacatalogConfig;
  readonly router: RouterConfig;
}

/**
 * The environment the sandbox's services read. Only the production switches (PostgreSQL, Redis,
 * the blob store) and the log level pass: a shell set up for remote work (SKEIN_ROUTER_ENDPOINT,
 * SKEIN_ADMIN_PORT, ...) must not pull the sandbox's parts apart. Only errors are logged unless
 * SKEIN_LOG_LEVEL asks for more: the terminal is for the sandbox's own progress lines.
 */
export function sandboxEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  return {
    DATABASE_URL: env.DATABASE_URL,
    REDIS_URL: env.REDIS_URL,
    SKEIN_BLOB_STORE_URL: env.SKEIN_BLOB_STORE_URL,
    SKEIN_LOG_LEVEL: env.SKEIN_LOG_LEVEL ?? "error",
  };
}

/**
 * Parses the control plane's configuration from the flags: one port and one data directory for
 * admin, datacatalog and the router (each keeps its database in its own subdirectory). A bad flag
 * throws ConfigError naming it. The sandbox is one user's machine, so the console may download
 * local files under the data directory (the workers' logs and outputs) and under the directory it
 * was started in (the files a user passes from there).
 */
export function loadSandboxConfig(options: SandboxOptions, env: Readonly<Record<string, string | undefined>>): SandboxConfig {
  const source = sandboxEnvironment(env);
  const shared = { port: options.port ?? SANDBOX_DEFAULT_PORT, dataDir: options.dataDir ?? SANDBOX_DEFAULT_DATA_DIR };
  const admin = loadAdminConfig({ ...shared, localFileRoots: [resolve(shared.dataDir), process.cwd()] }, source);
  return {
    admin,
    datacatalog: loadDatacatalogConfig(shared, source),
    // Clusters heartbeat every 2 s; one that misses 10 s of them is unreachable and its work moves.
    router: loadRouterConfig({ ...shared, heartbeatIntervalMs: 2_000, heartbeatTimeoutMs: 10_000 }, source),
  };
}

/**
 * A cluster's propeller, dialing the control plane at `url`, with its database and work directory
 * under the data directory. It takes no REDIS_URL: the sandbox is one process, so plugin quotas
 * stay in each propeller's memory.
 */
export function loadClusterConfig(cluster: SandboxCluster, url: string, dataDir: string, env: Readonly<Record<string, string | undefined>>): PropellerConfig {
  const source = { ...sandboxEnvironment(env), REDIS_URL: undefined };
  return loadPropellerConfig(
    {
      // Propeller serves no API; its health port is whatever is free.
      port: 0,
      dataDir,
      clusterId: cluster.id,
      region: cluster.region,
      labels: cluster.labels,
      adminEndpoint: url,
      routerEndpoint: url,
      datacatalogEndpoint: url,
      heartbeatIntervalMs: 2_000,
    },
    source,
  );
}
