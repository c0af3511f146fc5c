import { openServiceDatabase, type ServiceDatabase } from "@skein/server";
import type { RouterConfig } from "./config.js";
import type { RouterDatabase } from "./repositories/database.js";

/** The database handle: `postgres` with DATABASE_URL, else embedded under `<dataDir>/router-db`. */
export type RouterDatabaseHandle = ServiceDatabase<RouterDatabase>;

/**
 * Connects to PostgreSQL when `databaseUrl` is set, else opens (or creates) the embedded one. An
 * idle pooled connection that the server drops is reported to `onIdleError` and replaced.
 */
export function openRouterDatabase(
  config: Pick<RouterConfig, "databaseUrl" | "dataDir">,
  onIdleError: (error: Error) => void = () => undefined,
): Promise<RouterDatabaseHandle> {
  return openServiceDatabase<RouterDatabase>({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, directory: "router-db", onIdleError });
}
