import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { TaskExecutionPhase, type LiteralType } from "@skein/idl";
import type { TaskAttempt } from "@skein/plugin-core";
import { fromLiteral, WORKERS_CONFIG_KEY } from "@skein/sdk";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { isWarmState } from "./pool-state.js";
import { ProcessPlugin, type ProcessState } from "./process-plugin.js";
import { attemptOf, sampleBundle, tempWorld } from "./test-support/bundle-fixture.js";
import { count_calls, say_hello, shout, wait_for_stop } from "./test-support/sample-tasks.js";

let bundle: Awaited<ReturnType<typeof sampleBundle>>;
let world: Awaited<ReturnType<typeof tempWorld>> | undefined;
let bundleUri: string;
const plugins: ProcessPlugin[] = [];

beforeAll(async () => {
  bundle = await sampleBundle();
});

afterEach(async () => {
  await Promise.all(plugins.splice(0).map((plugin) => plugin.close()));
  await world?.close();
  world = undefined;
});

async function setup(): Promise<ProcessPlugin> {
  world ??= await tempWorld();
  bundleUri = await world.store.put(`code/p/d/${bundle.sha256}.tar.gz`, bundle.content);
  return pluginOn();
}

function pluginOn(): ProcessPlugin {
  if (!world) throw new Error("setup() first");
  const plugin = new ProcessPlugin({ workDir: join(world.root, "work") });
  plugins.push(plugin);
  return plugin;
}

const intType = count_calls.template.interface?.outputs?.variables.o0?.type as LiteralType;
const stringType = say_hello.template.interface?.outputs?.variables.o0?.type as LiteralType;

/** Waits with `wait` (as propeller does) until `get` reports the attempt finished. */
async function finished(plugin: ProcessPlugin, attempt: TaskAttempt, state: ProcessState) {
  for (;;) {
    const status = await plugin.get(attempt, state);
    if (status.phase !== TaskExecutionPhase.QUEUED && status.phase !== TaskExecutionPhase.RUNNING) return status;
    await plugin.wait(attempt, state, new AbortController().signal);
  }
}

function withWorkers(attempt: TaskAttempt, value: string): TaskAttempt {
  attempt.template.config[WORKERS_CONFIG_KEY] = value;
  return attempt;
}

describe("ProcessPlugin", () => {
  it("runs tasks that ask for warm workers in the pool, one worker after another", async () => {
    const plugin = await setup();
    expect(count_calls.template.config[WORKERS_CONFIG_KEY]).toBe("warm");
    const counts: unknown[] = [];
    const pids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const attempt = attemptOf(count_calls, {}, bundleUri);
      const state = await plugin.create(attempt);
      expect(isWarmState(state)).toBe(true);
      const status = await finished(plugin, attempt, state);
      const output = status.outputs?.literals.o0;
      counts.push(output && fromLiteral(output, intType));
      pids.push(/in process (\d+)/.exec(await readFile(join(state.dir, "stdout.log"), "utf8"))?.[1] ?? "");
    }
    // The module stayed loaded: the second attempt saw the first one's count, in the same process.
    expect(counts).toEqual([1n, 2n]);
    expect(pids[1]).toBe(pids[0]);
    expect(pids[0]).not.toBe(String(process.pid));
    expectWorkersDir(true);
  });

  it("runs every other task in a fresh process", async () => {
    const plugin = await setup();
    const plain = attemptOf(say_hello, { name: "Ada" }, bundleUri);
    const unknown = withWorkers(attemptOf(say_hello, { name: "Bob" }, bundleUri), "lukewarm");
    const container = attemptOf(shout, { word: "hey" });
    for (const attempt of [plain, unknown, container]) {
      const state = await plugin.create(attempt);
      expect(isWarmState(state)).toBe(false);
      expect(state).toMatchObject({ pid: expect.any(Number) as number });
      const status = await finished(plugin, attempt, state);
      expect(status.phase).toBe(TaskExecutionPhase.SUCCEEDED);
    }
    expectWorkersDir(false);
  });

  it("finds the attempt and the way it ran from its state, also after a restart", async () => {
    const plugin = await setup();
    const warm = attemptOf(count_calls, {}, bundleUri);
    const fresh = attemptOf(say_hello, { name: "Cy" }, bundleUri);
    const warmState = await plugin.create(warm);
    const freshState = await plugin.create(fresh);
    await finished(plugin, warm, warmState);
    await finished(plugin, fresh, freshState);
    const restarted = pluginOn();
    const states = [await restarted.create(warm), await restarted.create(fresh)];
    expect(states).toEqual([warmState, freshState]);
    // Propeller hands back the state as JSON.
    const [warmAgain, freshAgain] = states.map((state) => JSON.parse(JSON.stringify(state)) as ProcessState);
    const warmStatus = await restarted.get(warm, warmAgain!);
    expect(warmStatus.phase).toBe(TaskExecutionPhase.SUCCEEDED);
    const freshStatus = await restarted.get(fresh, freshAgain!);
    const greeting = freshStatus.outputs?.literals.o0;
    expect(greeting && fromLiteral(greeting, stringType)).toBe("Hello, Cy!");
    await restarted.wait(warm, warmAgain!, new AbortController().signal);
    await restarted.wait(fresh, freshAgain!, new AbortController().signal);
  });

  it("stops a running attempt on delete, warm or fresh", async () => {
    const plugin = await setup();
    const attempts = [withWorkers(attemptOf(wait_for_stop, {}, bundleUri), "warm"), attemptOf(wait_for_stop, {}, bundleUri)];
    for (const attempt of attempts) {
      const state = await plugin.create(attempt);
      while ((await plugin.get(attempt, state)).phase !== TaskExecutionPhase.RUNNING) await plugin.wait(attempt, state, new AbortController().signal);
      await plugin.delete(attempt, state);
      expect((await plugin.get(attempt, state)).phase).toBe(TaskExecutionPhase.ABORTED);
    }
  });
});

function expectWorkersDir(exists: boolean): void {
  if (!world) throw new Error("setup() first");
  // The pool keeps its workers' own logs there; it exists once a worker has started.
  expect(existsSync(join(world.root, "work", "workers"))).toBe(exists);
}
