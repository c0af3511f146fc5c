import { openServiceDatabase, type ServiceDatabase } from "@skein/server";
import type { PropellerConfig } from "./config.js";
import type { PropellerDatabase } from "./repositories/database.js";

/** The database handle: `postgres` with DATABASE_URL, else embedded under `<dataDir>/propeller-<cluster>-db`. */
export type PropellerDatabaseHandle = ServiceDatabase<PropellerDatabase>;

export function openPropellerDatabase(
  config: Pick<PropellerConfig, "databaseUrl" | "dataDir" | "clusterId">,
  onIdleError: (error: Error) => void = () => undefined,
): Promise<PropellerDatabaseHandle> {
  return openServiceDatabase<PropellerDatabase>({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, directory: `propeller-${config.clusterId}-db`, onIdleError });
}
