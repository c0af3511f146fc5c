import type { Client } from "@connectrpc/connect";
import type { AdminService } from "@skein/idl/admin/v1";
import type { DataCatalogService } from "@skein/idl/datacatalog/v1";
import type { ClusterRouterService } from "@skein/idl/router/v1";
import type { PluginRegistry, ResourceQuotas } from "@skein/plugin-core";
import type { Clock, Logger } from "@skein/server";
import type { Kysely } from "kysely";
import type { PropellerConfig } from "./config.js";
import type { PropellerDatabase } from "./repositories/database.js";

/** Everything a propeller replica needs from the outside world, built by main.ts, the sandbox or a test. */
export interface PropellerContext {
  readonly db: Kysely<PropellerDatabase>;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly config: PropellerConfig;
  readonly admin: Client<typeof AdminService>;
  readonly router: Client<typeof ClusterRouterService>;
  /** Datacatalog, for cached task outputs; without it every cacheable task runs. */
  readonly datacatalog?: Client<typeof DataCatalogService>;
  /** The backends tasks run on, by task type. */
  readonly plugins: PluginRegistry;
  /** The shared limits plugins ask for: in Redis when REDIS_URL is set, else in this process. */
  readonly quotas: ResourceQuotas;
}
