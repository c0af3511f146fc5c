import { readFileSync } from "node:fs";
import type { AttemptLayout } from "./attempt-layout.js";
import type { WorkerRecord } from "./worker-protocol.js";

/**
 * The worker pool's handle to an attempt, persisted by propeller as JSON. Which worker runs it is
 * not known when `create` returns (the attempt may wait in the queue), so the attempt directory
 * records it later (worker.json); the owner fields let any process tell an attempt still queued
 * from one whose pool is gone.
 */
export interface WorkerPoolState {
  /** Marks a warm attempt; a fresh process's state (ProcessState) has no such field. */
  readonly workers: "warm";
  /** The attempt directory: inputs, result files, logs and worker.json. */
  readonly dir: string;
  /** When the attempt was created, ISO 8601. */
  readonly startedAt: string;
  /** The process whose pool queued the attempt. */
  readonly ownerPid: number;
  /** When that process started (see processStartTime), so a reused pid is not taken for it; "" where unknown. */
  readonly ownerStart: string;
}

/** Whether `state` is a warm attempt's (anything else is left to the fresh-process plugin). */
export function isWarmState(state: unknown): state is WorkerPoolState {
  return typeof state === "object" && state !== null && (state as Record<string, unknown>).workers === "warm";
}

/** State comes back from propeller's storage as JSON: checks its shape before trusting it. */
export function checkWarmState(state: WorkerPoolState): WorkerPoolState {
  const value = state as unknown as Record<string, unknown>;
  const ownerOk = typeof value.ownerPid === "number" && Number.isInteger(value.ownerPid) && value.ownerPid > 0 && typeof value.ownerStart === "string";
  if (value.workers !== "warm" || !ownerOk || typeof value.dir !== "string" || value.dir === "" || typeof value.startedAt !== "string") {
    throw new Error(`worker pool state is malformed: ${JSON.stringify(state)}`);
  }
  return state;
}

/** The worker the attempt was handed to, or undefined while it waits for one. */
export function readWorkerRecord(layout: AttemptLayout): WorkerRecord | undefined {
  let text: string;
  try {
    text = readFileSync(layout.workerFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const record = JSON.parse(text) as Partial<WorkerRecord>;
  if (typeof record.pid !== "number" || typeof record.workerId !== "string") throw new Error(`${layout.workerFile} is malformed: ${text}`);
  return { pid: record.pid, workerId: record.workerId };
}
