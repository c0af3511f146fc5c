import { openServiceDatabase, type ServiceDatabase } from "@skein/server";
import type { AdminConfig } from "./config.js";
import type { AdminDatabase } from "./repositories/database.js";

/** The database handle: `postgres` with DATABASE_URL, else embedded under `<dataDir>/admin-db`. */
export type AdminDatabaseHandle = ServiceDatabase<AdminDatabase>;

/**
 * Connects to PostgreSQL when `databaseUrl` is set, else opens (or creates) the embedded one. An
 * idle pooled connection that the server drops is reported to `onIdleError` and replaced.
 */
export function openAdminDatabase(
  config: Pick<AdminConfig, "databaseUrl" | "dataDir">,
  onIdleError: (error: Error) => void = () => undefined,
): Promise<AdminDatabaseHandle> {
  return openServiceDatabase<AdminDatabase>({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, directory: "admin-db", onIdleError });
}
