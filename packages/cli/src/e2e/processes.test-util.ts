import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase, testEnvironment, type TestDatabase } from "@skein/testing";

const SKEIN = fileURLToPath(new URL("../../bin/skein.js", import.meta.url));

/** One service running as its own `skein serve` process. */
export interface ServiceProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stderr so far (its JSON log lines). */
  logs(): string;
  /** SIGKILL, no clean-up: what a crash looks like. */
  kill(): Promise<void>;
  /** SIGINT, and wait for a clean stop. */
  stop(): Promise<void>;
}

/** Starts `skein serve <service>` on a free port and waits until it prints its URL. */
export async function serve(service: string, args: readonly string[], env: Readonly<Record<string, string>>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [SKEIN, "serve", service, "--port", "0", ...args], {
    env: { ...process.env, SKEIN_LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString();
    if (err.length > 4_000_000) err = err.slice(-2_000_000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => { resolve(); }));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`${service} did not start within 60 s:\n${out}\n${err.slice(-4000)}`)); }, 60_000);
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /on (http:\/\/[^\s]+)/.exec(out);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${service} exited before serving (code ${child.exitCode ?? "?"}):\n${out}\n${err.slice(-4000)}`));
    });
  });
  return {
    name: service,
    url,
    child,
    logs: () => err,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
      await exited;
    },
  };
}

/** Scratch space and databases for one test file, released together. */
export class Scratch {
  private readonly databases: TestDatabase[] = [];
  private constructor(readonly dir: string) {}

  static async create(): Promise<Scratch> {
    return new Scratch(await mkdtemp(join(tmpdir(), "skein-e2e-")));
  }

  /** A database of its own for one service (PostgreSQL when configured; else the service's embedded one). */
  async databaseEnv(): Promise<Record<string, string>> {
    if (testEnvironment().databaseUrl === undefined) return {};
    const db = await createTestDatabase();
    this.databases.push(db);
    return db.url === undefined ? {} : { DATABASE_URL: db.url };
  }

  async release(): Promise<void> {
    for (const db of this.databases) await db.destroy();
    await rm(this.dir, { recursive: true, force: true });
  }
}
