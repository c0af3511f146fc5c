// Scaffolding shared by the admin benchmarks: a real server on a fresh database, CPU accounting
// that stays meaningful on a busy machine, and the numbers' formatting. Nothing here judges a
// result; the benchmarks print numbers and ratios and never fail on time.
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { loadAdminConfig } from "../config.js";
import { startAdmin, type RunningAdmin } from "../main.js";

/** The PostgreSQL server the benchmarks use, if any (else embedded PGlite). */
export function benchServerUrl(): string | undefined {
  const url = process.env.SKEIN_TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  return url === undefined || url === "" ? undefined : url;
}

/** The command that reproduces this run, with any database password hidden. */
export function benchCommand(script: string): string {
  const url = benchServerUrl();
  if (url === undefined) return `cd services/admin && npx tsx ${script}`;
  const shown = new URL(url);
  if (shown.password !== "") shown.password = "***";
  const variable = process.env.SKEIN_TEST_DATABASE_URL !== undefined ? "SKEIN_TEST_DATABASE_URL" : "DATABASE_URL";
  return `cd services/admin && ${variable}=${shown.toString()} npx tsx ${script}`;
}

/** The machine's load averages and core count, to read the numbers next to. */
export function machineLoad(): string {
  const [one, five, fifteen] = loadavg().map((n) => n.toFixed(2));
  return `load average ${one}, ${five}, ${fifteen} on ${cpus().length} cores`;
}

/** A database of its own on the benchmark server, dropped by `drop`. */
interface FreshDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function freshDatabase(serverUrl: string, label: string): Promise<FreshDatabase> {
  const name = `skein_bench_${label}_${process.pid}_${Date.now()}`;
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      onServer(serverUrl, async (client) => {
        // A closed pool's sockets leave a moment after it resolves; forcing the drop while they are
        // still there would hand them an error nobody listens for any more. Wait for them first.
        const deadline = performance.now() + 5000;
        while (performance.now() < deadline) {
          const { rows } = await client.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1", [name]);
          if (Number(rows[0]?.n ?? 0) === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }),
  };
}

/** A real admin server (startAdmin) on a fresh database, and how to take it all down again. */
export interface BenchAdmin {
  readonly server: RunningAdmin;
  /** The fresh PostgreSQL database's name; undefined on PGlite. */
  readonly databaseName: string | undefined;
  close(): Promise<void>;
}

/** Starts admin on a fresh PostgreSQL database (see benchServerUrl) or PGlite in a temporary directory. */
export async function startBenchAdmin(label: string): Promise<BenchAdmin> {
  const serverUrl = benchServerUrl();
  const dataDir = await mkdtemp(path.join(tmpdir(), `skein-${label}-bench-`));
  const database = serverUrl !== undefined ? await freshDatabase(serverUrl, label) : undefined;
  const config = loadAdminConfig({ port: 0, dataDir, logLevel: "error", ...(database !== undefined ? { databaseUrl: database.url } : {}) }, {});
  const server = await startAdmin({ config });
  return {
    server,
    databaseName: database?.name,
    async close() {
      await server.close();
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The value at percentile `p` (0–100) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/** `p50 … ms, p90 … ms, p99 … ms, max … ms` of latencies in milliseconds. */
export function latencyLine(latencies: readonly number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const ms = (n: number) => `${n.toFixed(2)} ms`;
  return `p50 ${ms(percentile(sorted, 50))}, p90 ${ms(percentile(sorted, 90))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted.at(-1) ?? Number.NaN)}`;
}

/** CPU time spent during a phase, in milliseconds. */
export interface CpuSpent {
  /** This process: the admin server (and, where a benchmark drives it in-process, its client). */
  readonly serverMs: number;
  /** The part of `serverMs` spent in the kernel (sockets, mostly). */
  readonly serverSystemMs: number;
  /** The PostgreSQL backends serving the benchmark database; undefined when they cannot be read. */
  readonly databaseMs: number | undefined;
}

/**
 * Measures CPU time rather than wall time, which stays comparable when other work shares the
 * machine: this process from the runtime, and the database's backends from /proc (only when the
 * PostgreSQL server runs on this machine; PGlite runs inside this process).
 */
export class CpuMeter {
  #process = process.cpuUsage();
  #backends = new Map<number, number>();
  #ticksPerSecond = 100;

  constructor(private readonly databaseName: string | undefined) {}

  /** Starts (or restarts) a phase. */
  async start(): Promise<void> {
    this.#process = process.cpuUsage();
    this.#backends = await this.#backendTicks();
  }

  /** The CPU spent since `start`. */
  async spent(): Promise<CpuSpent> {
    const used = process.cpuUsage(this.#process);
    const serverMs = (used.user + used.system) / 1000;
    const serverSystemMs = used.system / 1000;
    if (this.databaseName === undefined) return { serverMs, serverSystemMs, databaseMs: undefined };
    const now = await this.#backendTicks();
    if (now.size === 0) return { serverMs, serverSystemMs, databaseMs: undefined };
    let ticks = 0;
    // Backends that appeared during the phase count from zero; ones that left are not counted.
    for (const [pid, total] of now) ticks += total - (this.#backends.get(pid) ?? 0);
    return { serverMs, serverSystemMs, databaseMs: (ticks * 1000) / this.#ticksPerSecond };
  }

  async #backendTicks(): Promise<Map<number, number>> {
    const ticks = new Map<number, number>();
    const serverUrl = benchServerUrl();
    if (this.databaseName === undefined || serverUrl === undefined) return ticks;
    const pids = await onServer(serverUrl, async (client) => {
      const { rows } = await client.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1", [this.databaseName]);
      return rows.map((r) => r.pid);
    });
    for (const pid of pids) {
      try {
        // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
        const stat = await readFile(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        ticks.set(pid, Number(fields[11]) + Number(fields[12]));
      } catch {
        // Not on this machine, or the backend just left: it is not counted.
      }
    }
    return ticks;
  }
}

/** `CPU per <unit>: server … ms, database … ms` for `count` units of work. */
export function cpuLine(spent: CpuSpent, count: number, unit: string): string {
  const per = (ms: number) => `${(ms / count).toFixed(3)} ms`;
  const database = spent.databaseMs === undefined ? "" : `, PostgreSQL backends ${per(spent.databaseMs)}`;
  return `CPU per ${unit}: admin process ${per(spent.serverMs)} (kernel ${per(spent.serverSystemMs)})${database}`;
}
