import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fromBinary } from "@bufbuild/protobuf";
import { ErrorKind, ExecutionErrorSchema, TaskExecutionPhase, type LiteralType } from "@skein/idl";
import type { TaskAttempt } from "@skein/plugin-core";
import { codeBundle, fromLiteral } from "@skein/sdk";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { layoutOf } from "./attempt-layout.js";
import { isWarmState, readWorkerRecord, type WorkerPoolState } from "./pool-state.js";
import { isAttemptRunning } from "./process-control.js";
import type { FreshProcessState } from "./fresh-process-plugin.js";
import { attemptOf, reaches, sampleBundle, settled, tempWorld } from "./test-support/bundle-fixture.js";
import { count_calls, crash_process, ignore_stop, reject_input, say_hello, shout, wait_for_stop } from "./test-support/sample-tasks.js";
import type { WorkerRecord } from "./worker-protocol.js";
import { WorkerPoolPlugin, type WorkerPoolOptions } from "./worker-pool.js";

let bundle: Awaited<ReturnType<typeof sampleBundle>>;
let world: Awaited<ReturnType<typeof tempWorld>> | undefined;
let bundleUri: string;
const pools: WorkerPoolPlugin[] = [];

beforeAll(async () => {
  bundle = await sampleBundle();
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  await world?.close();
  world = undefined;
});

async function setup(options: Partial<WorkerPoolOptions> = {}): Promise<WorkerPoolPlugin> {
  world ??= await tempWorld();
  bundleUri = await world.store.put(`code/p/d/${bundle.sha256}.tar.gz`, bundle.content);
  return poolOn(options);
}

function poolOn(options: Partial<WorkerPoolOptions> = {}): WorkerPoolPlugin {
  if (!world) throw new Error("setup() first");
  const pool = new WorkerPoolPlugin({ workDir: join(world.root, "work"), ...options });
  pools.push(pool);
  return pool;
}

const stringType = say_hello.template.interface?.outputs?.variables.o0?.type as LiteralType;
const intType = count_calls.template.interface?.outputs?.variables.o0?.type as LiteralType;

function warm(state: WorkerPoolState | FreshProcessState): WorkerPoolState {
  if (!isWarmState(state)) throw new Error(`expected a warm attempt, got ${JSON.stringify(state)}`);
  return state;
}

/** The worker the attempt was handed to, once it has one. */
async function workerOf(state: WorkerPoolState | FreshProcessState): Promise<WorkerRecord> {
  for (;;) {
    const record = readWorkerRecord(layoutOf(warm(state).dir));
    if (record) return record;
    await sleep(20);
  }
}

async function stdoutOf(state: WorkerPoolState | FreshProcessState): Promise<string> {
  return readFile(layoutOf(state.dir).stdoutFile, "utf8");
}

async function untilLogged(state: WorkerPoolState | FreshProcessState, text: string): Promise<void> {
  while (!(await stdoutOf(state)).includes(text)) await sleep(20);
}

async function untilGone(record: WorkerRecord): Promise<void> {
  while (isAttemptRunning(record.pid, record.workerId)) await sleep(20);
}

function greetingPid(log: string): number {
  const match = /from process (\d+)/.exec(log);
  if (!match?.[1]) throw new Error(`no greeting in ${JSON.stringify(log)}`);
  return Number(match[1]);
}

async function run(pool: WorkerPoolPlugin, attempt: TaskAttempt) {
  const state = await pool.create(attempt);
  return { state, status: await settled(pool, attempt, state) };
}

describe("WorkerPoolPlugin", () => {
  it("runs many attempts of one bundle in at most workersPerBundle processes, reusing them", async () => {
    const pool = await setup({ workersPerBundle: 2 });
    const names = ["Ada", "Bob", "Cy", "Di", "Eve", "Fay"];
    const attempts = names.map((name) => attemptOf(say_hello, { name }, bundleUri));
    const states = await Promise.all(attempts.map((attempt) => pool.create(attempt)));
    const results = await Promise.all(attempts.map((attempt, i) => settled(pool, attempt, states[i]!)));
    expect(results.map((r) => r.error?.message)).toEqual(names.map(() => undefined));
    expect(results.map((r) => r.outputs?.literals.o0 && fromLiteral(r.outputs.literals.o0, stringType))).toEqual(names.map((name) => `Hello, ${name}!`));
    const pids = await Promise.all(states.map(async (state) => greetingPid(await stdoutOf(state))));
    expect(new Set(pids).size).toBeLessThanOrEqual(2);
    expect(pids).not.toContain(process.pid);
    // Each attempt's log holds its own lines only, and records the worker that ran it.
    for (const [i, state] of states.entries()) {
      expect((await stdoutOf(state)).trim().split("\n")).toEqual([`greeting ${names[i] ?? ""} from process ${pids[i] ?? ""}`]);
      expect((await workerOf(state)).pid).toBe(pids[i]);
    }
  });

  it("keeps the bundle's modules loaded from one attempt to the next", async () => {
    const pool = await setup({ workersPerBundle: 1 });
    const counts: bigint[] = [];
    const logs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { state, status } = await run(pool, attemptOf(count_calls, {}, bundleUri));
      expect(status.phase).toBe(TaskExecutionPhase.SUCCEEDED);
      const output = status.outputs?.literals.o0;
      counts.push(output ? (fromLiteral(output, intType) as bigint) : -1n);
      logs.push((await stdoutOf(state)).trim());
    }
    expect(counts).toEqual([1n, 2n, 3n]);
    // console.log inside an attempt lands in that attempt's stdout.log.
    const pid = /in process (\d+)/.exec(logs[0] ?? "")?.[1] ?? "";
    expect(logs).toEqual([`call 1 in process ${pid}`, `call 2 in process ${pid}`, `call 3 in process ${pid}`]);
  });

  it("reports task failures as the fresh-process plugin does", async () => {
    const pool = await setup();
    const { status } = await run(pool, attemptOf(reject_input, { name: "Gil" }, bundleUri));
    expect(status.phase).toBe(TaskExecutionPhase.FAILED);
    expect(status.error).toMatchObject({ kind: ErrorKind.USER, code: "NonRetryableError", message: "no greeting for Gil" });
    const renamed = attemptOf(say_hello, { name: "Hal" }, bundleUri);
    renamed.template.id = renamed.template.id ? { ...renamed.template.id, name: "no_such_task" } : undefined;
    const missing = await run(pool, renamed);
    expect(missing.status.phase).toBe(TaskExecutionPhase.FAILED);
    expect(missing.status.error).toMatchObject({ kind: ErrorKind.SYSTEM, message: 'module "sample-tasks.mjs" defines no runnable task "no_such_task"' });
  });

  it("creates one attempt however often create is called, also after a restart", async () => {
    const pool = await setup();
    const attempt = attemptOf(say_hello, { name: "Ivy" }, bundleUri);
    const [first, second] = await Promise.all([pool.create(attempt), pool.create(attempt)]);
    const third = await pool.create(attempt);
    const restarted = poolOn();
    const fourth = await restarted.create(attempt);
    expect([second, third, fourth]).toEqual([first, first, first]);
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
    // The other instance reads the outcome from the attempt directory.
    expect((await settled(restarted, attempt, fourth)).phase).toBe(TaskExecutionPhase.SUCCEEDED);
    expect((await stdoutOf(first)).trim().split("\n")).toHaveLength(1);
  });

  it("queues attempts beyond the pool size and drops a queued attempt on delete", async () => {
    const pool = await setup({ workersPerBundle: 1 });
    const blocker = attemptOf(wait_for_stop, {}, bundleUri);
    const blockerState = await pool.create(blocker);
    await untilLogged(blockerState, "waiting");
    const queued = attemptOf(say_hello, { name: "Jo" }, bundleUri);
    const queuedState = await pool.create(queued);
    expect((await pool.get(queued, queuedState)).phase).toBe(TaskExecutionPhase.QUEUED);
    // Another instance (another propeller) sees it queued too: its pool is alive.
    expect((await poolOn().get(queued, queuedState)).phase).toBe(TaskExecutionPhase.QUEUED);
    await pool.delete(queued, queuedState);
    expect((await pool.get(queued, queuedState)).phase).toBe(TaskExecutionPhase.ABORTED);
    await pool.delete(blocker, blockerState);
    // The next attempt gets a new worker; the dropped one never ran.
    const next = attemptOf(say_hello, { name: "Kim" }, bundleUri);
    const { status } = await run(pool, next);
    expect(status.phase).toBe(TaskExecutionPhase.SUCCEEDED);
    expect(await stdoutOf(queuedState)).toBe("");
    expect((await pool.get(queued, queuedState)).phase).toBe(TaskExecutionPhase.ABORTED);
  });

  it("reports an attempt whose worker was killed as WorkerLost, and runs the next one in a new worker", async () => {
    const pool = await setup({ workersPerBundle: 1 });
    const attempt = attemptOf(ignore_stop, {}, bundleUri);
    const state = await pool.create(attempt);
    const worker = await workerOf(state);
    await reaches(pool, attempt, state, TaskExecutionPhase.RUNNING);
    process.kill(worker.pid, "SIGKILL");
    await pool.wait(attempt, state, new AbortController().signal);
    const status = await settled(pool, attempt, state);
    expect(status.phase).toBe(TaskExecutionPhase.RETRYABLE_FAILED);
    expect(status.error).toMatchObject({ kind: ErrorKind.SYSTEM, code: "WorkerLost" });
    expect(status.error?.message).toContain(`the warm worker process ${worker.pid} ended (signal SIGKILL) while running the attempt`);
    const next = await run(pool, attemptOf(say_hello, { name: "Lea" }, bundleUri));
    expect(next.status.phase).toBe(TaskExecutionPhase.SUCCEEDED);
    expect(greetingPid(await stdoutOf(next.state))).not.toBe(worker.pid);
  });

  it("reports a task that crashes its worker as WorkerLost with the crash in the attempt's stderr", async () => {
    const pool = await setup({ workersPerBundle: 1 });
    const { state, status } = await run(pool, attemptOf(crash_process, {}, bundleUri));
    expect(status.phase).toBe(TaskExecutionPhase.RETRYABLE_FAILED);
    expect(status.error).toMatchObject({ kind: ErrorKind.SYSTEM, code: "WorkerLost" });
    expect(status.error?.message).toContain("the task's timer blew up");
    expect(await readFile(layoutOf(state.dir).stderrFile, "utf8")).toContain("the task's timer blew up");
    expect((await run(pool, attemptOf(say_hello, { name: "Max" }, bundleUri))).status.phase).toBe(TaskExecutionPhase.SUCCEEDED);
  });

  it("stops a running attempt and its worker on delete, then reports it aborted", async () => {
    const pool = await setup({ workersPerBundle: 1 });
    const attempt = attemptOf(wait_for_stop, {}, bundleUri);
    const state = await pool.create(attempt);
    await untilLogged(state, "waiting");
    expect((await pool.get(attempt, state)).phase).toBe(TaskExecutionPhase.RUNNING);
    const worker = await workerOf(state);
    await pool.delete(attempt, state);
    expect(isAttemptRunning(worker.pid, worker.workerId)).toBe(false);
    // SIGTERM reached the task as its context's signal, and it stopped by itself.
    const stopped = fromBinary(ExecutionErrorSchema, await readFile(join(state.dir, "out", "error.pb")));
    expect(stopped.message).toBe("stopped: Error: the attempt was stopped (SIGTERM)");
    expect((await pool.get(attempt, state)).phase).toBe(TaskExecutionPhase.ABORTED);
    await pool.delete(attempt, state);
    expect((await pool.get(attempt, state)).phase).toBe(TaskExecutionPhase.ABORTED);
    const next = await run(pool, attemptOf(say_hello, { name: "Ned" }, bundleUri));
    expect(next.status.phase).toBe(TaskExecutionPhase.SUCCEEDED);
  });

  it("kills a worker whose task ignores SIGTERM once the grace period is over", async () => {
    const pool = await setup({ killGraceMs: 100 });
    const attempt = attemptOf(ignore_stop, {}, bundleUri);
    const state = await pool.create(attempt);
    const worker = await workerOf(state);
    await pool.delete(attempt, state);
    expect(isAttemptRunning(worker.pid, worker.workerId)).toBe(false);
    expect((await pool.get(attempt, state)).phase).toBe(TaskExecutionPhase.ABORTED);
  });

  it("leaves a finished attempt as it was on delete, and keeps its worker", async () => {
    const pool = await setup();
    const attempt = attemptOf(say_hello, { name: "Oda" }, bundleUri);
    const { state } = await run(pool, attempt);
    await pool.delete(attempt, state);
    await pool.delete(attempt, state);
    expect((await pool.get(attempt, state)).phase).toBe(TaskExecutionPhase.SUCCEEDED);
    const worker = await workerOf(state);
    expect(isAttemptRunning(worker.pid, worker.workerId)).toBe(true);
  });

  it("wakes wait when the attempt finishes, and not before", async () => {
    const pool = await setup();
    const attempt = attemptOf(wait_for_stop, {}, bundleUri);
    const state = await pool.create(attempt);
    await untilLogged(state, "waiting");
    const waiting = pool.wait(attempt, state, new AbortController().signal).then(() => "woke");
    expect(await Promise.race([waiting, sleep(300).then(() => "still waiting")])).toBe("still waiting");
    // Another instance has no event for it: it polls the attempt directory.
    const polling = poolOn().wait(attempt, state, new AbortController().signal).then(() => "woke");
    expect(await Promise.race([polling, sleep(300).then(() => "still waiting")])).toBe("still waiting");
    await pool.delete(attempt, state);
    expect(await waiting).toBe("woke");
    expect(await polling).toBe("woke");
    // A finished attempt wakes at once, and an aborted signal ends the wait.
    await pool.wait(attempt, state, new AbortController().signal);
    // One that stops on SIGTERM, so the delete at the end need not wait out the kill grace.
    const running = attemptOf(wait_for_stop, {}, bundleUri);
    const runningState = await pool.create(running);
    await reaches(pool, running, runningState, TaskExecutionPhase.RUNNING);
    const controller = new AbortController();
    const aborted = pool.wait(running, runningState, controller.signal);
    controller.abort(new Error("lease lost"));
    await aborted;
    expect((await pool.get(running, runningState)).phase).toBe(TaskExecutionPhase.RUNNING);
    await pool.delete(running, runningState);
  });

  it("lets an idle worker exit after the idle timeout", async () => {
    const pool = await setup({ idleTimeoutMs: 50 });
    const first = await run(pool, attemptOf(say_hello, { name: "Pia" }, bundleUri));
    await untilGone(await workerOf(first.state));
    const second = await run(pool, attemptOf(say_hello, { name: "Quin" }, bundleUri));
    expect(second.status.phase).toBe(TaskExecutionPhase.SUCCEEDED);
    expect(greetingPid(await stdoutOf(second.state))).not.toBe(greetingPid(await stdoutOf(first.state)));
  });

  it("fails queued attempts on close, and their idle workers exit", async () => {
    const pool = await setup({ workersPerBundle: 1 });
    await run(pool, attemptOf(say_hello, { name: "Ray" }, bundleUri));
    const blocker = attemptOf(wait_for_stop, {}, bundleUri);
    const blockerState = await pool.create(blocker);
    await untilLogged(blockerState, "waiting");
    const queued = attemptOf(say_hello, { name: "Sol" }, bundleUri);
    const queuedState = await pool.create(queued);
    await pool.delete(blocker, blockerState);
    const other = await setup({ workersPerBundle: 1 });
    const idle = await run(other, attemptOf(say_hello, { name: "Tam" }, bundleUri));
    const idleWorker = await workerOf(idle.state);
    const late = attemptOf(wait_for_stop, {}, bundleUri);
    await other.close();
    expect(isAttemptRunning(idleWorker.pid, idleWorker.workerId)).toBe(false);
    await expect(other.create(late)).rejects.toThrow("the worker pool is closed");
    expect((await pool.get(queued, queuedState)).phase).not.toBe(TaskExecutionPhase.FAILED);
  });

  it("fails for good, starting no worker, when the bundle does not match its digest", async () => {
    const pool = await setup();
    const other = codeBundle([{ path: "sample-tasks.mjs", content: new TextEncoder().encode("export const tampered = 1;\n") }]);
    const uri = await world!.store.put(`code/p/d/${bundle.sha256.replace(/^./, (c) => (c === "0" ? "1" : "0"))}.tar.gz`, other.content);
    const attempt = attemptOf(say_hello, { name: "Uma" }, uri);
    const state = await pool.create(attempt);
    const status = await pool.get(attempt, state);
    expect(status.phase).toBe(TaskExecutionPhase.FAILED);
    expect(status.error?.kind).toBe(ErrorKind.SYSTEM);
    expect(status.error?.message).toContain("does not match its digest");
    expect(existsSync(join(world!.root, "work", "workers"))).toBe(false);
  });

  it("runs container tasks as fresh processes", async () => {
    const pool = await setup();
    const attempt = attemptOf(shout, { word: "hey" });
    const state = await pool.create(attempt);
    expect(isWarmState(state)).toBe(false);
    expect(state).toMatchObject({ pid: expect.any(Number) as number });
    await pool.wait(attempt, state, new AbortController().signal);
    const status = await settled(pool, attempt, state);
    expect(status.phase).toBe(TaskExecutionPhase.SUCCEEDED);
    const loud = status.outputs?.literals.loud;
    expect(loud && fromLiteral(loud, stringType)).toBe("hey!");
  });

  it("reports an attempt queued by a pool that is gone as WorkerLost", async () => {
    const pool = await setup({ workersPerBundle: 1 });
    const blocker = attemptOf(ignore_stop, {}, bundleUri);
    const blockerState = await pool.create(blocker);
    const queued = attemptOf(say_hello, { name: "Vic" }, bundleUri);
    const queuedState = warm(await pool.create(queued));
    // As another propeller sees it once the process that queued it has died.
    const deadPid = spawnSync(process.execPath, ["-e", "0"]).pid;
    const orphaned: WorkerPoolState = { ...queuedState, ownerPid: deadPid, ownerStart: "0" };
    const status = await poolOn().get(queued, orphaned);
    expect(status.phase).toBe(TaskExecutionPhase.RETRYABLE_FAILED);
    expect(status.error).toMatchObject({ kind: ErrorKind.SYSTEM, code: "WorkerLost" });
    expect(status.error?.message).toContain(`the worker pool (process ${deadPid}) that queued the attempt is gone`);
    await poolOn().wait(queued, orphaned, new AbortController().signal);
    await pool.delete(queued, queuedState);
    await pool.delete(blocker, blockerState);
  });

  it("rejects malformed state and bad options, naming the problem", async () => {
    const pool = await setup();
    const attempt = attemptOf(say_hello, { name: "Wes" }, bundleUri);
    const bad = { workers: "warm", dir: "", startedAt: "", ownerPid: 1, ownerStart: "" } as WorkerPoolState;
    await expect(pool.get(attempt, bad)).rejects.toThrow("worker pool state is malformed");
    await expect(pool.delete(attempt, { ...bad, dir: world!.root, ownerPid: -1 })).rejects.toThrow("worker pool state is malformed");
    // wait never rejects: it resolves, and the `get` that follows reports the problem.
    await expect(pool.wait(attempt, bad, new AbortController().signal)).resolves.toBeUndefined();
    await expect(pool.get(attempt, { pid: -3, dir: world!.root, startedAt: "" })).rejects.toThrow("process plugin state is malformed");
    expect(() => poolOn({ workersPerBundle: 0, idleTimeoutMs: -1 })).toThrow(
      "worker pool options: workersPerBundle must be a positive integer, got 0; idleTimeoutMs must be a non-negative number of ms, got -1",
    );
  });
});
