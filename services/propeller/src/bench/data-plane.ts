// The data plane's own overhead, through real servers: admin, the cluster router and datacatalog
// each in a process of its own on a database of its own, and one propeller replica in this one, on the PostgreSQL server named by
// SKEIN_TEST_DATABASE_URL or DATABASE_URL (fresh databases, dropped at the end; embedded PGlite
// without one). Tasks are no-ops run inside the propeller's process (TimingPlugin), so the numbers
// are the engine, the state rows, the outbox and the RPCs, with no process start: a warm worker's
// best case. Run with `npm run bench`. Prints percentiles and ratios to the targets; never fails on time.
import { cpus, loadavg } from "node:os";
import { WorkflowExecutionPhase } from "@skein/idl";
import { CatalogCacheStatus } from "@skein/idl";
import { literalTypeOf, map, t, task, toLiteral, workflow } from "@skein/sdk";
import { summarize, type Summary } from "@skein/testing";
import { finished, launch, register, startControlPlaneProcesses, startTestPropeller, type ControlPlane } from "../test-support/control-plane.js";
import { loadPropellerConfig } from "../config.js";
import { TimingPlugin } from "./noop-plugin.js";

process.env.SKEIN_TEST_DATABASE_URL ??= process.env.DATABASE_URL;

const CHAIN = 20;
const CHAIN_RUNS = 10;
const FAN_OUT = Number(process.env.SKEIN_BENCH_FAN_OUT ?? 2_000);
const QUEUED = Number(process.env.SKEIN_BENCH_QUEUED ?? 1_000);
/** Which parts to run, e.g. `SKEIN_BENCH_PARTS=fan-out,queue`; all of them by default. */
const PARTS = new Set((process.env.SKEIN_BENCH_PARTS ?? "transition,cache,fan-out,queue").split(",").map((p) => p.trim()));

const step = task({ name: "step", inputs: { x: t.int() }, outputs: t.int() }, async ({ x }) => x + 1);
const cachedStep = task({ name: "cached_step", inputs: { x: t.int() }, outputs: t.int(), cache: { version: "1" } }, async ({ x }) => x + 1);
const chain = workflow({ name: "chain", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => {
  let v = step({ x });
  for (let i = 1; i < CHAIN; i++) v = step({ x: v });
  return v;
});
// One cached step: the launch, finish and polling cost a chain pays once, to subtract from it.
const cachedOne = workflow({ name: "cached_one", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => cachedStep({ x }));
const cachedChain = workflow({ name: "cached_chain", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => {
  let v = cachedStep({ x });
  for (let i = 1; i < CHAIN; i++) v = cachedStep({ x: v });
  return v;
});
const fanOut = workflow({ name: "fan_out", inputs: { xs: t.list(t.int()) }, outputs: t.list(t.int()) }, ({ xs }) => map(step)({ x: xs }));
const three = workflow({ name: "three", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => step({ x: step({ x: step({ x }) }) }));

const int = (n: number) => toLiteral(n, literalTypeOf(t.int()));
const ms = (n: number) => `${n.toFixed(1)} ms`;
const line = (label: string, s: Summary, target?: { p50?: number; p99?: number }) => {
  const ratios = [
    target?.p50 !== undefined ? `p50 ${(s.p50 / target.p50).toFixed(2)}× of ${target.p50} ms` : "",
    target?.p99 !== undefined ? `p99 ${(s.p99 / target.p99).toFixed(2)}× of ${target.p99} ms` : "",
  ].filter(Boolean);
  return `  ${label}: n=${s.runs} p50 ${ms(s.p50)}, p90 ${ms(s.p90)}, p99 ${ms(s.p99)}, max ${ms(s.max)}${ratios.length > 0 ? `  (target ${ratios.join(", ")})` : ""}`;
};

async function succeeded(plane: ControlPlane, name: string, timeoutMs = 600_000): Promise<void> {
  const execution = await finished(plane.client, name, timeoutMs);
  if (execution.closure?.phase !== WorkflowExecutionPhase.SUCCEEDED) {
    const result = execution.closure?.result;
    const why = result?.case === "error" ? `: ${result.value.code} ${result.value.message}` : execution.closure?.reason ? `: ${execution.closure.reason}` : "";
    throw new Error(`${name} ended ${WorkflowExecutionPhase[execution.closure?.phase ?? 0]}${why}`);
  }
}

async function main(): Promise<void> {
  const plane = await startControlPlaneProcesses();
  const tasks = await register(plane.client, { chain, cachedChain, cachedOne, fanOut, three }, "v1");
  const plugin = new TimingPlugin(tasks);
  // Production's lease, claim, heartbeat and poll timings rather than the tests' quick ones: none is
  // on the path from one node to the next (wake-ups are), but their rounds take their share of CPU.
  const { leaseTtlMs, claimIntervalMs, heartbeatIntervalMs, pollMs } = loadPropellerConfig({ clusterId: "bench" }, {});
  const propeller = await startTestPropeller(plane, plugin, { clusterId: "bench", workers: 256, capacity: 200, logLevel: "warn", leaseTtlMs, claimIntervalMs, heartbeatIntervalMs, pollMs, outboxThread: true });
  try {
    const [one, five, fifteen] = loadavg().map((n) => n.toFixed(2));
    console.log(`propeller bench — database: ${propeller.databaseKind}, load average ${one}, ${five}, ${fifteen} on ${cpus().length} cores`);
    const heapFlags = process.execArgv.filter((a) => a.startsWith("--max-old-space-size=") || a.startsWith("--max-semi-space-size="));
    console.log(`  cd services/propeller && ${process.env.SKEIN_TEST_DATABASE_URL !== undefined ? "SKEIN_TEST_DATABASE_URL=… " : ""}node ${heapFlags.map((f) => `${f} `).join("")}--import tsx src/bench/data-plane.ts`);

    if (PARTS.has("transition")) await transition(plane, plugin);
    if (PARTS.has("cache")) await cacheHits(plane);
    if (PARTS.has("fan-out")) await fanOutRate(plane);
    if (PARTS.has("queue")) await queueDrain(plane);
  } finally {
    await propeller.close();
    await plane.close();
  }
}

/** A task returning → the next task's create, along chains of CHAIN nodes. */
async function transition(plane: ControlPlane, plugin: TimingPlugin): Promise<void> {
  await succeeded(plane, await launch(plane.client, "chain", "v1", { x: int(-1) })); // warm-up
  const gaps: number[] = [];
  for (let run = 0; run < CHAIN_RUNS; run++) {
    const name = await launch(plane.client, "chain", "v1", { x: int(run) });
    await succeeded(plane, name);
    for (let i = 1; i < CHAIN; i++) {
      const prev = plugin.timings.get(`${name}/n${i - 1}#0`);
      const next = plugin.timings.get(`${name}/n${i}#0`);
      if (prev?.done !== undefined && next !== undefined) gaps.push(next.created - prev.done);
    }
  }
  console.log(line(`node transition (task done → successor created, ${CHAIN_RUNS} chains of ${CHAIN})`, summarize(gaps), { p50: 10, p99: 50 }));
}

/** A chain whose every node is served from datacatalog on the second run. */
async function cacheHits(plane: ControlPlane): Promise<void> {
  // The first runs fill the cache (x = 100 feeds the chain; 100 is also the one step's input).
  await succeeded(plane, await launch(plane.client, "cached_chain", "v1", { x: int(100) }));
  await succeeded(plane, await launch(plane.client, "cached_one", "v1", { x: int(100) }));
  const timed = async (workflowName: string, expectedHits: number) => {
    const started = performance.now();
    const name = await launch(plane.client, workflowName, "v1", { x: int(100) });
    await succeeded(plane, name);
    const took = performance.now() - started;
    const { nodeExecutions } = await plane.client.listNodeExecutions({ executionId: { project: "default", domain: "development", name }, limit: 100 });
    const hits = nodeExecutions.filter((n) => n.closure?.targetMetadata.case === "taskNodeInfo" && n.closure.targetMetadata.value.cacheStatus === CatalogCacheStatus.HIT).length;
    if (hits !== expectedHits) throw new Error(`expected ${expectedHits} cache hits in ${workflowName}, got ${hits}`);
    return took;
  };
  const perNode: number[] = [];
  const wallPerNode: number[] = [];
  for (let run = 0; run < 5; run++) {
    const chainMs = await timed("cached_chain", CHAIN);
    const oneMs = await timed("cached_one", 1);
    wallPerNode.push(chainMs / CHAIN);
    // What each further hit adds to a run: the chain's time less a one-step run's, per extra node.
    perNode.push((chainMs - oneMs) / (CHAIN - 1));
  }
  console.log(line(`cache hit (each further node of a cached ${CHAIN}-node chain: the chain's wall time less a 1-node run's, per node)`, summarize(perNode), { p50: 5 }));
  console.log(line(`cache hit, upper bound (a cached ${CHAIN}-node chain's wall time per node, launch and polling included)`, summarize(wallPerNode)));
}

/** A map of FAN_OUT no-op tasks. */
async function fanOutRate(plane: ControlPlane): Promise<void> {
  const xs = toLiteral(Array.from({ length: FAN_OUT }, (_, i) => i), literalTypeOf(t.list(t.int())));
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, process.memoryUsage.rss()); }, 100);
  const fanStarted = performance.now();
  try {
    await succeeded(plane, await launch(plane.client, "fan_out", "v1", { xs }), 1_800_000);
  } finally {
    clearInterval(sampler);
  }
  const fanSeconds = (performance.now() - fanStarted) / 1000;
  const rate = FAN_OUT / fanSeconds;
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
  console.log(`  fan-out: ${FAN_OUT} mapped no-op tasks in ${fanSeconds.toFixed(2)} s = ${rate.toFixed(0)} tasks/s (target 1000 tasks/s: ${(rate / 1000).toFixed(2)}×); propeller process rss ${mib(rssBefore)} before, peak ${mib(rssPeak)} (target under 1024 MiB: ${(rssPeak / 2 ** 30).toFixed(2)}×)`);
}

/** QUEUED executions of a 3-node workflow, launched at once, drained. */
async function queueDrain(plane: ControlPlane): Promise<void> {
  const queuedStarted = performance.now();
  const names: string[] = [];
  for (let i = 0; i < QUEUED; i += 50) {
    names.push(...(await Promise.all(Array.from({ length: Math.min(50, QUEUED - i) }, (_, j) => launch(plane.client, "three", "v1", { x: int(i + j) })))));
  }
  const launchedSeconds = (performance.now() - queuedStarted) / 1000;
  for (const name of names) await succeeded(plane, name);
  const drainSeconds = (performance.now() - queuedStarted) / 1000;
  console.log(`  queue: ${QUEUED} executions of a 3-node workflow launched in ${launchedSeconds.toFixed(1)} s, all succeeded after ${drainSeconds.toFixed(1)} s (target 60 s: ${(drainSeconds / 60).toFixed(2)}×)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
