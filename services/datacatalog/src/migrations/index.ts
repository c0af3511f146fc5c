import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";
import * as cache from "./2025-08-10T00-00-00-cache.js";

// Every migration, by its frozen name; names sort in the order they run.
const migrations: Record<string, Migration> = {
  "2025-08-10T00-00-00-cache": cache,
};

// Bundled statically, so migrations run the same from src, dist or a single-file bundle.
const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

/** Brings the datacatalog schema up to date; throws, naming the failed migration, if one fails. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateDatacatalogToLatest(db: Kysely<any>): Promise<readonly string[]> {
  const migrator = new Migrator({ db, provider, migrationTableName: "datacatalog_migration", migrationLockTableName: "datacatalog_migration_lock" });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error !== undefined) {
    throw new Error(`datacatalog migration ${failed?.migrationName ?? "(before any ran)"} failed`, { cause: error });
  }
  return (results ?? []).map((r) => r.migrationName);
}
