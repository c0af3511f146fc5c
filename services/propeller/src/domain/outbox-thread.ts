import { once } from "node:events";
import { Worker } from "node:worker_threads";
import type { BackgroundLoop, Logger, LogLevel } from "@skein/server";
import type { ExecutionKey } from "../repositories/execution-store.js";
import { sleep } from "./attempt-runner.js";

/** What the thread is started with. */
export interface OutboxThreadData {
  readonly cluster: string;
  readonly databaseUrl: string;
  readonly adminEndpoint: string;
  readonly logLevel: LogLevel;
  readonly idleMs: number;
}

export type ToOutboxThread = "wake" | "stop";
export type FromOutboxThread =
  | { readonly type: "ready" }
  | { readonly type: "disowned"; readonly key: ExecutionKey }
  | { readonly type: "log"; readonly level: LogLevel; readonly msg: string; readonly fields: Record<string, unknown> };

export interface OutboxThreadOptions extends OutboxThreadData {
  readonly logger: Logger;
  /** Told of an execution admin says this cluster no longer owns (or that no longer exists). */
  readonly onDisowned: (key: ExecutionKey) => void;
}

/**
 * The outbox sender on a worker thread of its own (with PostgreSQL). On the main thread its calls
 * to admin waited behind the engine's steps: while a wide map ran, each call took four times as
 * long as admin needed for it, and admin worked through most events only after the replica had
 * finished. On its own thread it keeps admin fed while the replica is busy. A thread that dies is
 * started again; the events wait in the outbox meanwhile.
 */
export class OutboxThread {
  private worker: Worker | undefined;
  /** Settles once the first thread listens (or has failed): events of steps taken since are sent. */
  readonly started: Promise<void>;
  private markStarted: () => void = () => undefined;

  constructor(private readonly options: OutboxThreadOptions) {
    this.started = new Promise((resolve) => { this.markStarted = resolve; });
    this.worker = this.start();
  }

  /** New events were written: send soon. */
  wake(): void {
    this.worker?.postMessage("wake" satisfies ToOutboxThread);
  }

  loop(): BackgroundLoop {
    return { name: "propeller.outbox", run: (signal) => this.run(signal) };
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { logger } = this.options;
    const stopped = new Promise<undefined>((resolve) => { signal.addEventListener("abort", () => { resolve(undefined); }, { once: true }); });
    while (!signal.aborted) {
      const worker = this.worker ?? this.start();
      const exited = once(worker, "exit").then(([code]) => code as number);
      const code = await Promise.race([exited, stopped]);
      if (code === undefined) {
        worker.postMessage("stop" satisfies ToOutboxThread);
        const ended = await Promise.race([exited, sleep(10_000).then(() => undefined)]);
        if (ended === undefined) await worker.terminate();
        break;
      }
      this.worker = undefined;
      logger.error("the outbox thread stopped; starting it again", { code });
      await sleep(1000, signal).catch(() => undefined);
    }
    this.worker = undefined;
  }

  private start(): Worker {
    const { logger, onDisowned, cluster, databaseUrl, adminEndpoint, logLevel, idleMs } = this.options;
    const data: OutboxThreadData = { cluster, databaseUrl, adminEndpoint, logLevel, idleMs };
    // From source (tests, the bench) the thread's module is TypeScript: tsx's loader is registered
    // in the thread first, then the module is imported.
    const worker = import.meta.url.endsWith(".ts")
      ? new Worker(`import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(new URL("./outbox-thread-main.ts", import.meta.url).href)}); })`, { eval: true, workerData: data, execArgv: [] })
      : new Worker(new URL("./outbox-thread-main.js", import.meta.url), { workerData: data, execArgv: [] });
    worker.on("message", (message: FromOutboxThread) => {
      if (message.type === "ready") this.markStarted();
      else if (message.type === "disowned") onDisowned(message.key);
      else logger[message.level](message.msg, message.fields);
    });
    worker.on("error", (error) => { logger.error("the outbox thread failed", { error }); });
    // A thread that ends before it listens settles `started` too (setup goes on; the loop starts another).
    worker.once("exit", () => { this.markStarted(); });
    // The thread never keeps the process alive on its own: a step's events that a thread cut
    // short did not send stay in the outbox for the next one.
    worker.unref();
    this.worker = worker;
    return worker;
  }
}
