// Admin throughput and latency through a real server (startAdmin) over Connect (HTTP/2):
// CreateExecution sustained rate with many clients in flight, and GetExecution latency at a fixed
// request rate. The clients run in a child process (src/bench/load-client.ts), as real ones never
// share the server's event loop. Run with `npm run bench`. Uses a fresh database on the PostgreSQL
// server named by SKEIN_TEST_DATABASE_URL or DATABASE_URL (dropped at the end), else embedded
// PGlite in a temporary directory. Prints numbers, CPU per request and their ratio to the targets;
// it never fails on time.
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { AdminService } from "@skein/idl/admin/v1";
import { DOMAIN, PROJECT, registerLaunchPlan, registerWorld } from "../test-support/execution-fixtures.js";
import { benchCommand, cpuLine, CpuMeter, latencyLine, machineLoad, percentile, startBenchAdmin } from "./bench-support.js";
import { startLoadClient, type LaunchPlanRef } from "./load-client.js";

const WARM_UP_COUNT = 300;
const CREATE_COUNT = 4000;
/** Clients with a request in flight at all times during the create phase. */
const CREATE_CONCURRENCY = 32;
const CREATE_TARGET_PER_S = 500;
const GET_RATE_PER_S = 200;
const GET_SECONDS = 10;
const GET_P99_TARGET_MS = 20;

async function main(): Promise<void> {
  const bench = await startBenchAdmin("admin");
  const load = await startLoadClient(bench.server.url).catch(async (error: unknown) => {
    await bench.close();
    throw error;
  });
  try {
    const client = createClient(AdminService, createConnectTransport({ baseUrl: bench.server.url, httpVersion: "2" }));
    await registerWorld(client);
    const id = await registerLaunchPlan(client, "bench");
    const launchPlan: LaunchPlanRef = { project: id.project, domain: id.domain, name: id.name, version: id.version };
    console.log(`admin bench — database: ${bench.server.databaseKind}, ${machineLoad()}`);
    console.log(`  ${benchCommand("src/bench/admin-bench.ts")}`);

    // Warm-up: JIT on both sides, the connection pool, the server's caches.
    await load.run({ kind: "create", launchPlan, count: WARM_UP_COUNT, concurrency: CREATE_CONCURRENCY });

    const meter = new CpuMeter(bench.databaseName);
    await meter.start();
    const created = await load.run({ kind: "create", launchPlan, count: CREATE_COUNT, concurrency: CREATE_CONCURRENCY });
    const createCpu = await meter.spent();
    const rate = CREATE_COUNT / created.seconds;
    console.log(
      `CreateExecution: ${CREATE_COUNT} with ${CREATE_CONCURRENCY} in flight in ${created.seconds.toFixed(2)} s = ${rate.toFixed(0)}/s ` +
        `(target ≥ ${CREATE_TARGET_PER_S}/s, ratio ${(rate / CREATE_TARGET_PER_S).toFixed(2)}); latency ${latencyLine(created.latencies)}`,
    );
    console.log(`  ${cpuLine(createCpu, CREATE_COUNT, "create")}`);

    await meter.start();
    const got = await load.run({ kind: "get", project: PROJECT, domain: DOMAIN, names: created.names, ratePerSecond: GET_RATE_PER_S, seconds: GET_SECONDS });
    const getCpu = await meter.spent();
    const p99 = percentile([...got.latencies].sort((a, b) => a - b), 99);
    console.log(
      `GetExecution at ${GET_RATE_PER_S}/s for ${GET_SECONDS} s: ${latencyLine(got.latencies)} ` +
        `(target p99 < ${GET_P99_TARGET_MS} ms, ratio ${(p99 / GET_P99_TARGET_MS).toFixed(2)})`,
    );
    console.log(`  ${cpuLine(getCpu, got.latencies.length, "get")}`);
    console.log(`  after: ${machineLoad()}`);
  } finally {
    await load.close();
    await bench.close();
  }
}

await main();
