import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import type { DatacatalogConfig } from "./config.js";
import type { DatacatalogDatabase } from "./repositories/database.js";

export interface DatacatalogDatabaseHandle {
  readonly db: Kysely<DatacatalogDatabase>;
  /** `postgres` with DATABASE_URL, `pglite` for the embedded database under `<dataDir>/datacatalog-db`. */
  readonly kind: "postgres" | "pglite";
  close(): Promise<void>;
}

/**
 * Connects to PostgreSQL when `databaseUrl` is set, else opens (or creates) the embedded one. An
 * idle pooled connection that the server drops is reported to `onIdleError` and replaced on next
 * use instead of taking the process down.
 */
export async function openDatacatalogDatabase(
  config: Pick<DatacatalogConfig, "databaseUrl" | "dataDir">,
  onIdleError: (error: Error) => void = () => undefined,
): Promise<DatacatalogDatabaseHandle> {
  if (config.databaseUrl !== undefined) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl });
    pool.on("error", onIdleError);
    const db = new Kysely<DatacatalogDatabase>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: "postgres", close: () => db.destroy() };
  }
  const directory = path.resolve(config.dataDir, "datacatalog-db");
  await mkdir(directory, { recursive: true });
  const pglite = await PGlite.create(directory);
  const db = new Kysely<DatacatalogDatabase>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: "pglite",
    async close() {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}
