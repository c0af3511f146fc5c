import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { AdminService } from "@skein/idl/admin/v1";

export type AdminClient = Client<typeof AdminService>;

/**
 * The admin API on the console's own origin: admin serves both, so no CORS. Binary Connect keeps
 * a 10,000-node watch snapshot small and quick to decode.
 */
export function createAdminClient(baseUrl: string = window.location.origin): AdminClient {
  return createClient(AdminService, createConnectTransport({ baseUrl, useBinaryFormat: true }));
}
