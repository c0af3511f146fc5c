import type { Clock, Logger } from "@skein/server";
import type { Kysely } from "kysely";
import type { AdminConfig } from "./config.js";
import type { AdminDatabase } from "./repositories/database.js";

/** Everything admin needs from the outside world, built by main.ts, the sandbox or a test. */
export interface AdminContext {
  readonly db: Kysely<AdminDatabase>;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly config: AdminConfig;
}
