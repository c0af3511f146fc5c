import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, testEnvironment, type TestDatabase } from "@skein/testing";
import { runCli } from "../program.js";

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
  const abort = new AbortController();
  let out = "";
  let err = "";
  const exited = runCli(["sandbox", "--port", "0", "--data-dir", dataDir], { out: (t) => (out += t), err: (t) => (err += t), env, abort: abort.signal });
  let ended: number | undefined;
  void exited.then((code) => (ended = code));
  const deadline = Date.now() + 150_000;
  while (!out.includes("Press Ctrl-C")) {
    if (ended !== undefined || Date.now() > deadline) {
      throw new Error(`the sandbox ${ended === undefined ? "was not ready in time" : `exited with ${ended}`}\n--- stdout\n${out}\n--- stderr\n${err}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const url = /serving Connect, gRPC and gRPC-Web on (http:\/\/127\.0\.0\.1:\d+) /.exec(out)?.[1];
  if (url === undefined) throw new Error(`no URL in the sandbox's output:\n${out}`);
  return {
    url,
    async skein(...argv) {
      const io = { out: "", err: "" };
      const code = await runCli(argv, { out: (t) => (io.out += t), err: (t) => (io.err += t), env: { ...env, SKEIN_ENDPOINT: url } });
      return { code, ...io };
    },
    async close() {
      abort.abort();
      await exited;
      await database?.destroy();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
