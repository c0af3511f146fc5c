import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { AdminService } from "@skein/idl/admin/v1";

/** A client of the admin service. */
export type AdminClient = Client<typeof AdminService>;

/** A Connect client of admin at `endpoint` (see resolveEndpoint), over HTTP/1.1 so any proxy passes it. */
export function createAdminClient(endpoint: string): AdminClient {
  return createClient(AdminService, createConnectTransport({ baseUrl: endpoint, httpVersion: "1.1" }));
}
