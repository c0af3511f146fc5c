import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, testEnvironment, type TestDatabase } from "@skein/testing";
import { runCli } from "../program.js";
import { runSandbox } from "../sandbox/running-sandbox.test-util.js";

export interface TestSandbox {
  readonly url: string;
  /** Runs `skein` in-process against this sandbox, capturing output. */
  skein(...argv: string[]): Promise<{ code: number; out: string; err: string }>;
  close(): Promise<void>;
}

/**
 * `skein sandbox --port 0` in this process (admin, datacatalog, router and two clusters), on the
 * test PostgreSQL server when there is one, else embedded; resolves once it says it is ready.
 */
export async function startSandbox(): Promise<TestSandbox> {
  const dataDir = await mkdtemp(join(tmpdir(), "skein-console-sandbox-"));
  let database: TestDatabase | undefined;
  if (testEnvironment().databaseUrl !== undefined) database = await createTestDatabase();
  const env: Record<string, string> = {};
  const databaseUrl = database?.url;
  if (databaseUrl !== undefined) env.DATABASE_URL = databaseUrl;
  const running = await runSandbox(dataDir, env);
  const url = running.url;
  return {
    url,
    async skein(...argv) {
      const io = { out: "", err: "" };
      const code = await runCli(argv, { out: (t) => (io.out += t), err: (t) => (io.err += t), env: { ...env, SKEIN_ENDPOINT: url } });
      return { code, ...io };
    },
    async close() {
      await running.stop();
      await database?.destroy();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
