// The admin benchmark's clients, run in a child process of their own: real clients never share
// the server's event loop, and here they must not take its CPU time either. The parent sends one
// command at a time over the IPC channel and gets its measurements back.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { create } from "@bufbuild/protobuf";
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { IdentifierSchema, ResourceType } from "@skein/idl";
import { AdminService } from "@skein/idl/admin/v1";
import { inputs, int } from "../test-support/execution-fixtures.js";

/** A launch plan version by name, as it crosses the process boundary. */
export interface LaunchPlanRef {
  readonly project: string;
  readonly domain: string;
  readonly name: string;
  readonly version: string;
}

export type LoadCommand =
  /** `count` CreateExecution calls with `concurrency` in flight at all times (closed loop). */
  | { readonly kind: "create"; readonly launchPlan: LaunchPlanRef; readonly count: number; readonly concurrency: number }
  /** GetExecution started on a fixed schedule whatever the latency (open loop), round robin over `names`. */
  | { readonly kind: "get"; readonly project: string; readonly domain: string; readonly names: readonly string[]; readonly ratePerSecond: number; readonly seconds: number };

export type LoadResult =
  /** Sent once when the child listens for commands. */
  | { readonly kind: "ready" }
  | { readonly kind: "create"; readonly seconds: number; readonly latencies: number[]; readonly names: string[] }
  | { readonly kind: "get"; readonly seconds: number; readonly latencies: number[] }
  | { readonly kind: "error"; readonly message: string };

const CHILD_FLAG = "--skein-load-client";

/** A running client process talking to the admin server at `url`. */
export interface LoadClient {
  run<C extends LoadCommand>(command: C): Promise<Extract<LoadResult, { kind: C["kind"] }>>;
  close(): Promise<void>;
}

/**
 * Forks the client process (it inherits the runtime flags, so it runs TypeScript as the parent
 * does) and waits until it listens for commands.
 */
export async function startLoadClient(url: string): Promise<LoadClient> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, url], { stdio: "inherit" });
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => {
      reject(new Error(`load client exited with code ${code ?? "null"} before it was ready`));
    });
    child.once("message", () => {
      child.removeAllListeners("exit");
      resolve();
    });
  });
  return {
    run: <C extends LoadCommand>(command: C) =>
      new Promise<Extract<LoadResult, { kind: C["kind"] }>>((resolve, reject) => {
        const onExit = (code: number | null) => {
          reject(new Error(`load client exited with code ${code ?? "null"}`));
        };
        child.once("exit", onExit);
        child.once("message", (message: LoadResult) => {
          child.off("exit", onExit);
          if (message.kind === "error") reject(new Error(`load client: ${message.message}`));
          else if (message.kind !== command.kind) reject(new Error(`load client answered ${message.kind} to ${command.kind}`));
          else resolve(message as Extract<LoadResult, { kind: C["kind"] }>);
        });
        child.send(command);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || !child.connected) {
          resolve();
          return;
        }
        child.once("exit", () => {
          resolve();
        });
        child.disconnect();
      }),
  };
}

async function createMany(client: Client<typeof AdminService>, command: Extract<LoadCommand, { kind: "create" }>): Promise<LoadResult> {
  const target = create(IdentifierSchema, { resourceType: ResourceType.LAUNCH_PLAN, ...command.launchPlan });
  const latencies: number[] = [];
  const names: string[] = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: command.concurrency }, async () => {
      while (issued < command.count) {
        issued += 1;
        const sent = performance.now();
        const { id } = await client.createExecution({ project: target.project, domain: target.domain, target: { case: "launchPlanId", value: target }, inputs: inputs({ x: int(issued) }) });
        latencies.push(performance.now() - sent);
        if (id !== undefined) names.push(id.name);
      }
    }),
  );
  return { kind: "create", seconds: (performance.now() - started) / 1000, latencies, names };
}

async function getOnSchedule(client: Client<typeof AdminService>, command: Extract<LoadCommand, { kind: "get" }>): Promise<LoadResult> {
  const total = command.ratePerSecond * command.seconds;
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const begin = performance.now();
  for (let i = 0; i < total; i++) {
    const due = begin + (i * 1000) / command.ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const name = command.names[i % command.names.length] ?? "";
    const sent = performance.now();
    pending.push(
      client.getExecution({ id: { project: command.project, domain: command.domain, name } }).then(() => {
        latencies.push(performance.now() - sent);
      }),
    );
  }
  await Promise.all(pending);
  return { kind: "get", seconds: (performance.now() - begin) / 1000, latencies };
}

function serve(url: string): void {
  const client = createClient(AdminService, createConnectTransport({ baseUrl: url, httpVersion: "2" }));
  process.on("message", (command: LoadCommand) => {
    const work = command.kind === "create" ? createMany(client, command) : getOnSchedule(client, command);
    work.then(
      (result) => process.send?.(result),
      (error: unknown) => process.send?.({ kind: "error", message: error instanceof Error ? error.message : String(error) } satisfies LoadResult),
    );
  });
  process.on("disconnect", () => process.exit(0));
  process.send?.({ kind: "ready" } satisfies LoadResult);
}

if (process.argv[2] === CHILD_FLAG) serve(process.argv[3] ?? "");
