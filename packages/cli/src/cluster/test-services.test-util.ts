import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadRouterConfig, startClusterRouter, type RunningClusterRouter } from "@skein/cluster-router";
import { loadDatacatalogConfig, startDatacatalog, type RunningDatacatalog } from "@skein/datacatalog";
import { createMemorySink, type Clock } from "@skein/server";
import { createTestDatabase, testEnvironment, type TestDatabase } from "@skein/testing";
import { runCli } from "../program.js";

/** What one in-process `skein` run printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `skein` in-process with exactly `env` as its environment, capturing output. */
export async function skein(env: Record<string, string>, ...argv: string[]): Promise<CliResult> {
  const io = { out: "", err: "" };
  const code = await runCli(argv, { out: (t) => (io.out += t), err: (t) => (io.err += t), env });
  return { code, ...io };
}

/** A service of the test: PostgreSQL of its own when the environment has a server, else PGlite in a temp dir. */
interface TestService<T> {
  readonly service: T;
  close(): Promise<void>;
}

async function withStorage<T extends { close(): Promise<void> }>(start: (dataDir: string, databaseUrl: string | undefined) => Promise<T>): Promise<TestService<T>> {
  const dataDir = await mkdtemp(join(tmpdir(), "skein-cli-service-"));
  let database: TestDatabase | undefined;
  if (testEnvironment().databaseUrl !== undefined) database = await createTestDatabase();
  const service = await start(dataDir, database?.url);
  return {
    service,
    async close() {
      await service.close();
      await database?.destroy();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A real cluster router on a free port. */
export function startTestRouter(): Promise<TestService<RunningClusterRouter>> {
  return withStorage((dataDir, databaseUrl) => startClusterRouter({ config: loadRouterConfig({ port: 0, dataDir, databaseUrl }, {}), logSink: createMemorySink() }));
}

/** A real datacatalog on a free port, on `clock` (tests move it to write entries of a given age). */
export function startTestCatalog(clock?: Clock): Promise<TestService<RunningDatacatalog>> {
  return withStorage((dataDir, databaseUrl) => startDatacatalog({ config: loadDatacatalogConfig({ port: 0, dataDir, databaseUrl }, {}), logSink: createMemorySink(), clock }));
}

/** An address nothing listens on: a port that was free a moment ago. */
export async function closedEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve, reject) => server.close((error) => { if (error) reject(error); else resolve(); }));
  if (address === null || typeof address === "string") throw new Error("expected a TCP address");
  return `http://127.0.0.1:${address.port}`;
}
