import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { EndpointError, resolveEndpoint } from "@skein/sdk";
import { DataCatalogService } from "@skein/idl/datacatalog/v1";
import { ClusterRouterService } from "@skein/idl/router/v1";
import { networkCode, reportRemoteError } from "../remote/errors.js";

/**
 * The services besides admin that the CLI talks to. Each has its own flag and variable; without
 * them it is reached at admin's address, since the all-in-one sandbox serves every service on one port.
 */
export const dataPlaneServices = {
  "cluster-router": { title: "the cluster router", flag: "--router-endpoint", env: "SKEIN_ROUTER_ENDPOINT" },
  datacatalog: { title: "datacatalog", flag: "--catalog-endpoint", env: "SKEIN_CATALOG_ENDPOINT" },
} as const;

export type DataPlaneService = keyof typeof dataPlaneServices;

export type RouterClient = Client<typeof ClusterRouterService>;
export type CatalogClient = Client<typeof DataCatalogService>;

function checkedUrl(origin: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new EndpointError(origin, value, "is not a URL (expected e.g. http://localhost:8088)");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new EndpointError(origin, value, "must use http:// or https://");
  return url.toString().replace(/\/+$/, "");
}

/**
 * A service's address: its own flag, then its own variable, then admin's address (`--endpoint`,
 * SKEIN_ENDPOINT, http://localhost:8088). A malformed value is an EndpointError naming its origin.
 */
export function resolveServiceEndpoint(
  service: DataPlaneService,
  flags: { readonly serviceEndpoint?: string; readonly adminEndpoint?: string },
  env: Readonly<Record<string, string | undefined>>,
): string {
  const { flag, env: variable } = dataPlaneServices[service];
  if (flags.serviceEndpoint !== undefined) return checkedUrl(flag, flags.serviceEndpoint);
  const fromEnv = env[variable];
  if (fromEnv) return checkedUrl(variable, fromEnv);
  return resolveEndpoint(flags.adminEndpoint, env);
}

function transport(endpoint: string) {
  return createConnectTransport({ baseUrl: endpoint, httpVersion: "1.1" });
}

export function createRouterClient(endpoint: string): RouterClient {
  return createClient(ClusterRouterService, transport(endpoint));
}

export function createCatalogClient(endpoint: string): CatalogClient {
  return createClient(DataCatalogService, transport(endpoint));
}

/**
 * Prints the error of a command that talked to `service` and returns the exit code. A service that
 * cannot be reached exits 1 naming its address and how to set it; everything else is reported as for
 * admin commands (InvalidArgument and bad command lines exit 2, other failures 1).
 */
export function reportServiceError(error: unknown, err: (text: string) => void, service: DataPlaneService, endpoint: string | undefined): number {
  if (error instanceof ConnectError && endpoint !== undefined) {
    const unreachable = networkCode(error);
    if (unreachable !== undefined || error.code === Code.Unavailable) {
      const { title, flag, env } = dataPlaneServices[service];
      err(`error: cannot reach ${title} at ${endpoint} (${unreachable ?? error.rawMessage}); start it with \`skein serve ${service}\` or set ${flag} / ${env}\n`);
      return 1;
    }
  }
  return reportRemoteError(error, err);
}
