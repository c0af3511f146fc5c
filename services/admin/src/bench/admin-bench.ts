// Admin throughput and latency through a real server over Connect (HTTP/2): CreateExecution
// sustained rate, and GetExecution latency at a fixed request rate. Run with `npm run bench`.
// Uses a fresh database on the PostgreSQL server named by SKEIN_TEST_DATABASE_URL or DATABASE_URL
// (dropped at the end), else embedded PGlite in a temporary directory. Prints numbers and their
// ratio to the targets; it never fails on time.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { AdminService } from "@skein/idl/admin/v1";
import pg from "pg";
import { loadAdminConfig } from "../config.js";
import { startAdmin } from "../main.js";
import { DOMAIN, inputs, int, PROJECT, registerLaunchPlan, registerWorld } from "../test-support/execution-fixtures.js";

const CREATE_COUNT = 3000;
const CREATE_CONCURRENCY = 32;
const CREATE_TARGET_PER_S = 500;
const GET_RATE_PER_S = 200;
const GET_SECONDS = 10;
const GET_P99_TARGET_MS = 20;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function freshPostgres(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `skein_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

async function main(): Promise<void> {
  const serverUrl = process.env.SKEIN_TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  const dataDir = await mkdtemp(path.join(tmpdir(), "skein-admin-bench-"));
  const database = serverUrl !== undefined && serverUrl !== "" ? await freshPostgres(serverUrl) : undefined;
  const config = loadAdminConfig({ port: 0, dataDir, logLevel: "error", ...(database !== undefined ? { databaseUrl: database.url } : {}) }, {});
  const server = await startAdmin({ config });
  try {
    const client = createClient(AdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "2" }));
    await registerWorld(client);
    const lp = await registerLaunchPlan(client, "bench");
    console.log(`admin bench — database: ${server.databaseKind}, server: ${server.url}`);

    // Warm-up: JIT, connection pool, prepared paths.
    for (let i = 0; i < 50; i++) await client.createExecution({ project: PROJECT, domain: DOMAIN, target: { case: "launchPlanId", value: lp }, inputs: inputs({ x: int(i) }) });

    const names: string[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CREATE_CONCURRENCY }, async () => {
        while (next < CREATE_COUNT) {
          next += 1;
          const { id: created } = await client.createExecution({ project: PROJECT, domain: DOMAIN, target: { case: "launchPlanId", value: lp }, inputs: inputs({ x: int(next) }) });
          if (created !== undefined) names.push(created.name);
        }
      }),
    );
    const createSeconds = (performance.now() - started) / 1000;
    const rate = CREATE_COUNT / createSeconds;
    console.log(`CreateExecution: ${CREATE_COUNT} in ${createSeconds.toFixed(2)} s = ${rate.toFixed(0)}/s (target ≥ ${CREATE_TARGET_PER_S}/s, ratio ${(rate / CREATE_TARGET_PER_S).toFixed(2)})`);

    // Open loop: requests start on a fixed schedule whatever the latency, so queueing shows up.
    const total = GET_RATE_PER_S * GET_SECONDS;
    const latencies: number[] = [];
    const pending: Promise<void>[] = [];
    const begin = performance.now();
    for (let i = 0; i < total; i++) {
      const due = begin + (i * 1000) / GET_RATE_PER_S;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const name = names[i % names.length] ?? "";
      const sent = performance.now();
      pending.push(
        client.getExecution({ id: { project: PROJECT, domain: DOMAIN, name } }).then(() => {
          latencies.push(performance.now() - sent);
        }),
      );
    }
    await Promise.all(pending);
    latencies.sort((a, b) => a - b);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    console.log(
      `GetExecution at ${GET_RATE_PER_S}/s for ${GET_SECONDS} s: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${(latencies.at(-1) ?? 0).toFixed(2)} ms (target p99 < ${GET_P99_TARGET_MS} ms, ratio ${(p99 / GET_P99_TARGET_MS).toFixed(2)})`,
    );
  } finally {
    await server.close();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
