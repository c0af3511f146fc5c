import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, sql } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import { testEnvironment, uniqueSuffix } from "./environment.js";

/** A database of one's own for one test file or test, dropped by {@link TestDatabase.destroy}. */
export interface TestDatabase {
  /** `postgres` for a real server, `pglite` for the embedded fallback. */
  readonly kind: "postgres" | "pglite";
  /** The database's name on the server (`memory` for PGlite). */
  readonly name: string;
  /** A connection URL for the database, for code that opens its own pool (`undefined` for PGlite). */
  readonly url: string | undefined;
  // Fixtures serve every schema, so the database type is left open; repositories type their own.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
  destroy(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Runs once on the fresh database before it is handed out (migrations, seed rows). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly prepare?: (db: Kysely<any>) => Promise<void>;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database on the configured server, or an in-memory PGlite without one. */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const { databaseUrl } = testEnvironment();
  let database: TestDatabase;
  if (databaseUrl) {
    const name = `skein_test_${uniqueSuffix()}`;
    await onServer(databaseUrl, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
    // Dropping the database with FORCE ends any connection still open; that is the point, not an error.
    pool.on("error", () => undefined);
    const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
    database = {
      kind: "postgres",
      name,
      url: url.toString(),
      db,
      async destroy() {
        await db.destroy();
        await onServer(databaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
      },
    };
  } else {
    const pglite = new PGlite();
    const db = new Kysely({ dialect: new PGliteDialect(pglite) });
    database = {
      kind: "pglite",
      name: "memory",
      url: undefined,
      db,
      async destroy() {
        await db.destroy();
        if (!pglite.closed) await pglite.close();
      },
    };
  }
  try {
    await options.prepare?.(database.db);
  } catch (error) {
    await database.destroy();
    throw error;
  }
  return database;
}

/** Whether a database of that name exists on the configured server (for leak checks). */
export async function serverHasDatabase(name: string): Promise<boolean> {
  const { databaseUrl } = testEnvironment();
  if (!databaseUrl) throw new Error("serverHasDatabase needs SKEIN_TEST_DATABASE_URL");
  return onServer(databaseUrl, async (client) => {
    const result = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    return result.rowCount === 1;
  });
}

export { sql };
