import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import type { RouterConfig } from "./config.js";
import type { RouterDatabase } from "./repositories/database.js";

export interface RouterDatabaseHandle {
  readonly db: Kysely<RouterDatabase>;
  /** `postgres` with DATABASE_URL, `pglite` for the embedded database under `<dataDir>/router-db`. */
  readonly kind: "postgres" | "pglite";
  close(): Promise<void>;
}

/**
 * Connects to PostgreSQL when `databaseUrl` is set, else opens (or creates) the embedded one. An
 * idle pooled connection that the server drops (a restart, a failover) is reported to `onIdleError`
 * and replaced on next use; left unhandled, it would take the whole process down.
 */
export async function openRouterDatabase(
  config: Pick<RouterConfig, "databaseUrl" | "dataDir">,
  onIdleError: (error: Error) => void = () => undefined,
): Promise<RouterDatabaseHandle> {
  if (config.databaseUrl !== undefined) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl });
    pool.on("error", onIdleError);
    const db = new Kysely<RouterDatabase>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: "postgres", close: () => db.destroy() };
  }
  const directory = path.resolve(config.dataDir, "router-db");
  await mkdir(directory, { recursive: true });
  const pglite = await PGlite.create(directory);
  const db = new Kysely<RouterDatabase>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: "pglite",
    async close() {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}
