import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

/** A service's database, open, and how to close it. */
export interface ServiceDatabase<DB> {
  readonly db: Kysely<DB>;
  /** `postgres` with a database URL, `pglite` for the embedded database under the data directory. */
  readonly kind: "postgres" | "pglite";
  close(): Promise<void>;
}

export interface ServiceDatabaseOptions {
  /** PostgreSQL to use; when unset, the embedded database under `<dataDir>/<directory>`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** The embedded database's directory inside the data directory (`admin-db`, say). */
  readonly directory: string;
  /**
   * Told of an idle pooled connection that the server dropped (a restart, a failover); the pool
   * replaces it on next use. Left unhandled, such an error would take the whole process down.
   */
  readonly onIdleError?: (error: Error) => void;
}

/** Connects to PostgreSQL when `databaseUrl` is set, else opens (or creates) the embedded one. */
export async function openServiceDatabase<DB>(options: ServiceDatabaseOptions): Promise<ServiceDatabase<DB>> {
  if (options.databaseUrl !== undefined) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl });
    pool.on("error", options.onIdleError ?? (() => undefined));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: "postgres", close: () => db.destroy() };
  }
  const directory = path.resolve(options.dataDir, options.directory);
  await mkdir(directory, { recursive: true });
  const pglite = await PGlite.create(directory);
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: "pglite",
    async close() {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}
