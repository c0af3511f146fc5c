import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { AdminService } from "@skein/idl/admin/v1";
import { DataCatalogService } from "@skein/idl/datacatalog/v1";
import { ClusterRouterService } from "@skein/idl/router/v1";
import type { PropellerConfig } from "./config.js";

/** Propeller's outbound connections: one HTTP/2 session per service, reused by every call. */
export interface PropellerClients {
  readonly admin: Client<typeof AdminService>;
  readonly router: Client<typeof ClusterRouterService>;
  readonly datacatalog: Client<typeof DataCatalogService>;
  close(): void;
}

/** An HTTP/2 transport on a session of its own, kept in `sessions` to be closed. */
function sessionTransport(baseUrl: string, sessions: Http2SessionManager[]) {
  const sessionManager = new Http2SessionManager(baseUrl, { idleConnectionTimeoutMs: 60_000 });
  sessions.push(sessionManager);
  return createConnectTransport({ baseUrl, httpVersion: "2", sessionManager });
}

/** Admin alone, on a session of its own (the outbox thread's). */
export function connectAdmin(adminEndpoint: string): { readonly admin: Client<typeof AdminService>; close(): void } {
  const sessions: Http2SessionManager[] = [];
  const admin = createClient(AdminService, sessionTransport(adminEndpoint, sessions));
  return { admin, close: () => { for (const s of sessions) s.abort(); } };
}

export function connectClients(config: Pick<PropellerConfig, "adminEndpoint" | "routerEndpoint" | "datacatalogEndpoint">): PropellerClients {
  const sessions: Http2SessionManager[] = [];
  const transport = (baseUrl: string) => sessionTransport(baseUrl, sessions);
  return {
    admin: createClient(AdminService, transport(config.adminEndpoint)),
    // HTTP/1.1 for the router: its long-lived WatchAssignments stream and rare heartbeats gain
    // nothing from a shared HTTP/2 session.
    router: createClient(ClusterRouterService, createConnectTransport({ baseUrl: config.routerEndpoint, httpVersion: "1.1" })),
    datacatalog: createClient(DataCatalogService, transport(config.datacatalogEndpoint)),
    close() {
      for (const s of sessions) s.abort();
    },
  };
}
