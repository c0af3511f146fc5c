import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { signalGroup } from "./process-control.js";
import { isWorkerMessage, type RunMessage } from "./worker-protocol.js";

/** The worker's entrypoint: a committed script, so it runs the same from src/ and dist/. */
const WORKER_MAIN = fileURLToPath(new URL("../bin/skein-worker.mjs", import.meta.url));

export type WorkerPhase = "starting" | "idle" | "busy" | "leaving" | "gone";

/** What the pool hears from one worker. */
export interface WarmWorkerEvents {
  /** The worker can take an attempt (it started, or finished its last one). */
  idle(worker: WarmWorker): void;
  /** The attempt the worker ran is finished: its result file is written. */
  finished(worker: WarmWorker, job: RunMessage): void;
  /**
   * The process ended; `job` is the attempt it was running, if any, `how` its exit code or
   * signal, `started` whether it ever became ready.
   */
  exited(worker: WarmWorker, job: RunMessage | undefined, how: string, started: boolean): void;
}

export interface WarmWorkerSpec {
  readonly codeDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** The directory of the workers' own logs (their output outside attempts): `<id>.log`. */
  readonly logDir: string;
}

/**
 * One warm worker process, forked in its own process group (so stopping it reaches whatever its
 * tasks started). It keeps this process alive only while it starts or runs an attempt: an idle
 * worker never holds up an exit.
 */
export class WarmWorker {
  readonly id = `w-${randomBytes(8).toString("hex")}`;
  readonly pid: number;
  readonly logFile: string;
  /** Settles when the process has exited. */
  readonly exit: Promise<void>;
  private readonly child: ChildProcess;
  private currentPhase: WorkerPhase = "starting";
  private currentJob: RunMessage | undefined;
  private started = false;

  constructor(spec: WarmWorkerSpec, events: WarmWorkerEvents) {
    this.logFile = join(spec.logDir, `${this.id}.log`);
    const log = openSync(this.logFile, "a");
    try {
      this.child = fork(WORKER_MAIN, ["--worker-id", this.id, "--code-dir", spec.codeDir], {
        cwd: spec.cwd,
        env: spec.env,
        execArgv: [],
        detached: true,
        stdio: ["ignore", log, log, "ipc"],
        serialization: "json",
      });
    } finally {
      closeSync(log);
    }
    if (this.child.pid === undefined) throw new Error(`could not start a warm worker (${process.execPath} ${WORKER_MAIN})`);
    this.pid = this.child.pid;
    this.child.unref();
    this.child.on("message", (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      const expected = message.type === "ready" ? this.currentPhase === "starting" : this.currentPhase === "busy" && this.currentJob?.dir === message.dir;
      if (!expected) return;
      const finished = this.currentJob;
      this.started = true;
      this.currentJob = undefined;
      this.currentPhase = "idle";
      this.child.channel?.unref();
      if (finished) events.finished(this, finished);
      events.idle(this);
    });
    this.child.once("error", () => undefined);
    this.exit = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        const job = this.currentJob;
        this.currentJob = undefined;
        this.currentPhase = "gone";
        events.exited(this, job, signal ? `signal ${signal}` : `exit code ${code ?? "?"}`, this.started);
        resolve();
      });
    });
  }

  /** starting → idle ⇄ busy; leaving once retired; gone once exited. */
  get phase(): WorkerPhase {
    return this.currentPhase;
  }

  /** The attempt it runs (busy, or leaving after it). */
  get job(): RunMessage | undefined {
    return this.currentJob;
  }

  /** Hands an idle worker one attempt. */
  run(job: RunMessage): void {
    if (this.currentPhase !== "idle") throw new Error(`worker ${this.id} cannot take an attempt while ${this.currentPhase}`);
    this.currentPhase = "busy";
    this.currentJob = job;
    this.child.channel?.ref();
    // A send that fails means the worker is gone or going: its exit reports the attempt lost.
    this.child.send(job, (error) => {
      if (error) this.signal("SIGKILL");
    });
  }

  /** Closes the channel: an idle worker exits now, a busy one once its attempt has its result. */
  retire(): void {
    if (this.currentPhase === "gone" || this.currentPhase === "leaving") return;
    this.currentPhase = "leaving";
    if (this.child.connected) this.child.disconnect();
  }

  /** Sends `signal` to the worker's process group. */
  signal(signal: NodeJS.Signals): void {
    if (this.currentPhase !== "gone") signalGroup(this.pid, signal);
  }
}
