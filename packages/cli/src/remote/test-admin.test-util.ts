import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadAdminConfig, startAdmin, type RunningAdmin } from "@skein/admin";
import { createMemorySink } from "@skein/server";
import { createTestDatabase, testEnvironment, type TestDatabase } from "@skein/testing";
import { runCli } from "../program.js";

/** A real admin for CLI tests: PostgreSQL when the environment has one, else embedded in a temp dir. */
export interface TestAdmin {
  readonly admin: RunningAdmin;
  readonly dataDir: string;
  /** Runs `skein` in-process against this admin (SKEIN_ENDPOINT set), capturing output. */
  skein(...argv: string[]): Promise<{ code: number; out: string; err: string }>;
  close(): Promise<void>;
}

export async function startTestAdmin(env: Record<string, string> = {}): Promise<TestAdmin> {
  const dataDir = await mkdtemp(join(tmpdir(), "skein-cli-admin-"));
  let database: TestDatabase | undefined;
  if (testEnvironment().databaseUrl !== undefined) database = await createTestDatabase();
  const admin = await startAdmin({ config: loadAdminConfig({ port: 0, dataDir, databaseUrl: database?.url }, {}), logSink: createMemorySink() });
  return {
    admin,
    dataDir,
    async skein(...argv) {
      const io = { out: "", err: "" };
      const code = await runCli(argv, { out: (t) => (io.out += t), err: (t) => (io.err += t), env: { SKEIN_ENDPOINT: admin.url, ...env } });
      return { code, ...io };
    },
    async close() {
      await admin.close();
      await database?.destroy();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
