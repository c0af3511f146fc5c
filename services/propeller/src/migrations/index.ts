import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";
import * as propeller from "./2026-12-06T00-00-00-propeller.js";
import * as nodeData from "./2026-12-07T00-00-00-node-data.js";
import * as executionData from "./2026-12-07T00-01-00-execution-data.js";

// Every migration, by its frozen name; names sort in the order they run.
const migrations: Record<string, Migration> = {
  "2026-12-06T00-00-00-propeller": propeller,
  "2026-12-07T00-00-00-node-data": nodeData,
  "2026-12-07T00-01-00-execution-data": executionData,
};

// Bundled statically, so migrations run the same from src, dist or a single-file bundle.
const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

/** Brings the propeller schema up to date; throws, naming the failed migration, if one fails. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migratePropellerToLatest(db: Kysely<any>): Promise<readonly string[]> {
  const migrator = new Migrator({ db, provider, migrationTableName: "propeller_migration", migrationLockTableName: "propeller_migration_lock" });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error !== undefined) {
    throw new Error(`propeller migration ${failed?.migrationName ?? "(before any ran)"} failed`, { cause: error });
  }
  return (results ?? []).map((r) => r.migrationName);
}
