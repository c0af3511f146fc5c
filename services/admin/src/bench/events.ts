// Event ingestion throughput through a real server over Connect (HTTP/2): node events per second
// in CreateEvents batches of 500, several executions reporting at once, as propellers would.
// Run with `npm run bench`. Uses a fresh database on the PostgreSQL server named by
// SKEIN_TEST_DATABASE_URL or DATABASE_URL (dropped at the end), else embedded PGlite in a
// temporary directory. Prints numbers and their ratio to the target; it never fails on time.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { NodeExecutionEventSchema, NodeExecutionPhase } from "@skein/idl";
import { AdminService, EventOutcome, EventSchema, type Event } from "@skein/idl/admin/v1";
import { intLiteral, literalMap } from "@skein/engine";
import pg from "pg";
import { loadAdminConfig } from "../config.js";
import { startAdmin } from "../main.js";
import { DOMAIN, inputs, int, PROJECT, registerLaunchPlan, registerWorld } from "../test-support/execution-fixtures.js";

const EXECUTIONS = 8;
const NODES_PER_EXECUTION = 2_500;
const BATCH = 500;
const TARGET_PER_S = 5_000;

async function freshPostgres(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `skein_bench_events_${process.pid}_${Date.now()}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await dropper.end();
    },
  };
}

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

// Sends each execution's events in order, executions in parallel; returns the outcome counts.
async function send(client: Client<typeof AdminService>, streams: readonly Event[][]): Promise<Map<EventOutcome, number>> {
  const counts = new Map<EventOutcome, number>();
  await Promise.all(
    streams.map(async (events) => {
      for (let i = 0; i < events.length; i += BATCH) {
        const { results } = await client.createEvents({ events: events.slice(i, i + BATCH) });
        for (const r of results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
      }
    }),
  );
  return counts;
}

function describeCounts(counts: Map<EventOutcome, number>): string {
  return [...counts].map(([outcome, n]) => `${EventOutcome[outcome]} ${n}`).join(", ");
}

async function main(): Promise<void> {
  const serverUrl = process.env.SKEIN_TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  const dataDir = await mkdtemp(path.join(tmpdir(), "skein-events-bench-"));
  const database = serverUrl !== undefined && serverUrl !== "" ? await freshPostgres(serverUrl) : undefined;
  const config = loadAdminConfig({ port: 0, dataDir, logLevel: "error", ...(database !== undefined ? { databaseUrl: database.url } : {}) }, {});
  const server = await startAdmin({ config });
  try {
    const client = createClient(AdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "2" }));
    await registerWorld(client);
    const lp = await registerLaunchPlan(client, "events-bench");
    console.log(`events bench — database: ${server.databaseKind}, server: ${server.url}`);
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
    let started = performance.now();
    const counts = await send(client, streams);
    let seconds = (performance.now() - started) / 1000;
    let rate = total / seconds;
    console.log(`CreateEvents (new node events): ${total} in ${seconds.toFixed(2)} s = ${rate.toFixed(0)}/s (target ≥ ${TARGET_PER_S}/s, ratio ${(rate / TARGET_PER_S).toFixed(2)}) — ${describeCounts(counts)}`);

    started = performance.now();
    const replay = await send(client, streams);
    seconds = (performance.now() - started) / 1000;
    rate = total / seconds;
    console.log(`CreateEvents (same batches replayed): ${total} in ${seconds.toFixed(2)} s = ${rate.toFixed(0)}/s (ratio ${(rate / TARGET_PER_S).toFixed(2)}) — ${describeCounts(replay)}`);
  } finally {
    await server.close();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
