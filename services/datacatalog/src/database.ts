import { openServiceDatabase, type ServiceDatabase } from "@skein/server";
import type { DatacatalogConfig } from "./config.js";
import type { DatacatalogDatabase } from "./repositories/database.js";

/** The database handle: `postgres` with DATABASE_URL, else embedded under `<dataDir>/datacatalog-db`. */
export type DatacatalogDatabaseHandle = ServiceDatabase<DatacatalogDatabase>;

/**
 * Connects to PostgreSQL when `databaseUrl` is set, else opens (or creates) the embedded one. An
 * idle pooled connection that the server drops is reported to `onIdleError` and replaced.
 */
export function openDatacatalogDatabase(
  config: Pick<DatacatalogConfig, "databaseUrl" | "dataDir">,
  onIdleError: (error: Error) => void = () => undefined,
): Promise<DatacatalogDatabaseHandle> {
  return openServiceDatabase<DatacatalogDatabase>({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, directory: "datacatalog-db", onIdleError });
}
