// Event ingestion throughput through a real server (startAdmin) over Connect (HTTP/2): node events
// per second in CreateEvents batches of 500, several executions reporting at once, as propellers
// would. Run with `npm run bench`. Uses a fresh database on the PostgreSQL server named by
// SKEIN_TEST_DATABASE_URL or DATABASE_URL (dropped at the end), else embedded PGlite in a
// temporary directory. Prints numbers and their ratio to the target; it never fails on time.
import { performance } from "node:perf_hooks";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { NodeExecutionEventSchema, NodeExecutionPhase } from "@skein/idl";
import { AdminService, EventOutcome, EventSchema, type Event } from "@skein/idl/admin/v1";
import { intLiteral, literalMap } from "@skein/engine";
import { DOMAIN, inputs, int, PROJECT, registerLaunchPlan, registerWorld } from "../test-support/execution-fixtures.js";
import { benchCommand, cpuLine, CpuMeter, latencyLine, machineLoad, startBenchAdmin } from "./bench-support.js";

const EXECUTIONS = 8;
const NODES_PER_EXECUTION = 2_500;
const BATCH = 500;
const TARGET_PER_S = 5_000;

// Each node reports QUEUED, RUNNING and SUCCEEDED (with a small inline output), a hundred nodes at
// a time, as a propeller stepping through a wide fan-out would.
function nodeEvents(execution: string, cluster: string, epoch: bigint): Event[] {
  const events: Event[] = [];
  const executionId = { project: PROJECT, domain: DOMAIN, name: execution };
  const start = Date.UTC(2025, 0, 1);
  for (let group = 0; group < NODES_PER_EXECUTION; group += 100) {
    for (const [step, phase] of [NodeExecutionPhase.QUEUED, NodeExecutionPhase.RUNNING, NodeExecutionPhase.SUCCEEDED].entries()) {
      for (let n = group; n < Math.min(group + 100, NODES_PER_EXECUTION); n++) {
        const event = create(NodeExecutionEventSchema, {
          id: { nodeId: `n${n}`, executionId },
          producerId: cluster,
          epoch,
          phase,
          occurredAt: timestampFromDate(new Date(start + n * 10 + step)),
          specNodeId: "n0",
          ...(phase === NodeExecutionPhase.SUCCEEDED ? { outputResult: { case: "outputData" as const, value: literalMap({ y: intLiteral(BigInt(n)) }) } } : {}),
        });
        events.push(create(EventSchema, { kind: { case: "nodeEvent", value: event } }));
      }
    }
  }
  return events;
}

// Sends each execution's events in order, executions in parallel; returns the outcome counts and
// each batch's latency (ms).
async function send(client: Client<typeof AdminService>, streams: readonly Event[][]): Promise<{ counts: Map<EventOutcome, number>; latencies: number[] }> {
  const counts = new Map<EventOutcome, number>();
  const latencies: number[] = [];
  await Promise.all(
    streams.map(async (events) => {
      for (let i = 0; i < events.length; i += BATCH) {
        const sent = performance.now();
        const { results } = await client.createEvents({ events: events.slice(i, i + BATCH) });
        latencies.push(performance.now() - sent);
        for (const r of results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
      }
    }),
  );
  return { counts, latencies };
}

function describeCounts(counts: Map<EventOutcome, number>): string {
  return [...counts].map(([outcome, n]) => `${EventOutcome[outcome]} ${n}`).join(", ");
}

async function main(): Promise<void> {
  const bench = await startBenchAdmin("events");
  const server = bench.server;
  try {
    const client = createClient(AdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "2" }));
    await registerWorld(client);
    const lp = await registerLaunchPlan(client, "events-bench");
    console.log(`events bench — database: ${server.databaseKind}, ${machineLoad()}`);
    console.log(`  ${benchCommand("src/bench/events.ts")}`);
    const streams: Event[][] = [];
    for (let i = 0; i < EXECUTIONS + 1; i++) {
      const { id } = await client.createExecution({ project: PROJECT, domain: DOMAIN, target: { case: "launchPlanId", value: lp }, inputs: inputs({ x: int(i) }) });
      if (id === undefined) throw new Error("CreateExecution returned no id");
      const { execution } = await client.getExecution({ id });
      streams.push(nodeEvents(id.name, execution?.closure?.cluster ?? "", execution?.closure?.assignmentEpoch ?? 0n));
    }
    // Warm-up on its own execution: JIT, connection pool, prepared paths.
    await send(client, [streams.pop() as Event[]]);

    const total = streams.reduce((n, s) => n + s.length, 0);
    const meter = new CpuMeter(bench.databaseName);
    await meter.start();
    let started = performance.now();
    const fresh = await send(client, streams);
    let seconds = (performance.now() - started) / 1000;
    let rate = total / seconds;
    console.log(
      `CreateEvents (new node events): ${total} in ${seconds.toFixed(2)} s = ${rate.toFixed(0)}/s (target ≥ ${TARGET_PER_S}/s, ratio ${(rate / TARGET_PER_S).toFixed(2)}) — ${describeCounts(fresh.counts)}`,
    );
    console.log(`  batch of ${BATCH} latency ${latencyLine(fresh.latencies)}; ${cpuLine(await meter.spent(), total, "event")}`);

    await meter.start();
    started = performance.now();
    const replay = await send(client, streams);
    seconds = (performance.now() - started) / 1000;
    rate = total / seconds;
    console.log(`CreateEvents (same batches replayed): ${total} in ${seconds.toFixed(2)} s = ${rate.toFixed(0)}/s (ratio ${(rate / TARGET_PER_S).toFixed(2)}) — ${describeCounts(replay.counts)}`);
    console.log(`  batch of ${BATCH} latency ${latencyLine(replay.latencies)}; ${cpuLine(await meter.spent(), total, "event")}`);
    console.log(`  after: ${machineLoad()}`);
  } finally {
    await bench.close();
  }
}

await main();
