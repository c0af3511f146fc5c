import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, testEnvironment, type TestDatabase } from "@skein/testing";
import { afterAll, beforeAll } from "vitest";
import { openPropellerDatabase, type PropellerDatabaseHandle } from "../database.js";
import { migratePropellerToLatest } from "../migrations/index.js";
import { ExecutionStore, type ExecutionKey, type Lease } from "../repositories/execution-store.js";

/** The databases propeller runs on: the real PostgreSQL of the tests (when there is one) and the embedded one the sandbox uses. */
export const storeKinds = testEnvironment().databaseUrl === undefined ? (["pglite"] as const) : (["postgres", "pglite"] as const);

export interface StoreFixture {
  readonly handle: PropellerDatabaseHandle;
  readonly store: ExecutionStore;
  /** A fresh execution of cluster "east", assigned and claimed by replica "me". */
  claimed(): Promise<{ key: ExecutionKey; lease: Lease }>;
}

/** A migrated propeller database of `kind` for the tests of one describe block, opened before them and dropped after. */
export function useStore(kind: (typeof storeKinds)[number]): StoreFixture {
  let handle: PropellerDatabaseHandle | undefined;
  let server: TestDatabase | undefined;
  let dataDir = "";
  let count = 0;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "skein-propeller-store-"));
    if (kind === "postgres") server = await createTestDatabase();
    handle = await openPropellerDatabase({ databaseUrl: server?.url, dataDir, clusterId: "east" });
    await migratePropellerToLatest(handle.db);
  }, 120_000);
  afterAll(async () => {
    await handle?.close();
    await server?.destroy();
    await rm(dataDir, { recursive: true, force: true });
  });
  const opened = (): PropellerDatabaseHandle => {
    if (handle === undefined) throw new Error("the store is opened in beforeAll");
    return handle;
  };
  const fixture: StoreFixture = {
    get handle() {
      return opened();
    },
    get store() {
      return new ExecutionStore(opened().db);
    },
    async claimed() {
      const store = fixture.store;
      const key: ExecutionKey = { cluster: "east", project: "p", domain: "d", name: `e${count++}` };
      await store.assign(key, 1n);
      const [claim] = (await store.claim("east", "me", 60_000, 100)).filter((c) => c.lease.key.name === key.name);
      if (claim === undefined) throw new Error("the execution was not claimed");
      return { key, lease: claim.lease };
    },
  };
  return fixture;
}
