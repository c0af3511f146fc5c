import { existsSync } from "node:fs";
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fromBinary } from "@bufbuild/protobuf";
import { ErrorKind, ExecutionErrorSchema, TaskExecutionPhase, type LiteralType } from "@skein/idl";
import { codeBundle, fromLiteral } from "@skein/sdk";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { FreshProcessPlugin } from "./fresh-process-plugin.js";
import { isAttemptRunning } from "./process-control.js";
import { attemptOf, sampleBundle, settled, tempWorld } from "./test-support/bundle-fixture.js";
import { exit_three, flaky, ignore_stop, reject_input, say_hello, shout, wait_for_stop } from "./test-support/sample-tasks.js";

let bundle: Awaited<ReturnType<typeof sampleBundle>>;
let world: Awaited<ReturnType<typeof tempWorld>>;
let bundleUri: string;

beforeAll(async () => {
  bundle = await sampleBundle();
});

afterEach(async () => {
  await world.close();
});

async function setup(options: { killGraceMs?: number } = {}) {
  world = await tempWorld();
  bundleUri = await world.store.put(`code/p/d/${bundle.sha256}.tar.gz`, bundle.content);
  return new FreshProcessPlugin({ workDir: join(world.root, "work"), ...options });
}

async function untilLogged(dir: string, text: string): Promise<void> {
  while (!(await readFile(join(dir, "stdout.log"), "utf8")).includes(text)) await sleep(20);
}

const stringType = say_hello.template.interface?.outputs?.variables.o0?.type as LiteralType;

describe("FreshProcessPlugin with TypeScript tasks", () => {
  it("runs a task from its code bundle in a fresh process", async () => {
    const plugin = await setup();
    const attempt = attemptOf(say_hello, { name: "Ada" }, bundleUri);
    const state = await plugin.create(attempt);
    expect(state.pid).not.toBe(process.pid);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    const status = await settled(plugin, attempt, state);
    expect(status.error?.message).toBeUndefined();
    expect(status.phase).toBe(TaskExecutionPhase.SUCCEEDED);
    const output = status.outputs?.literals.o0;
    expect(output && fromLiteral(output, stringType)).toBe("Hello, Ada!");
    expect(status.logs?.map((log) => log.name)).toEqual(["stdout", "stderr"]);
    // The bundle is extracted once, under its digest.
    expect(existsSync(join(world.root, "work", "bundles", bundle.sha256, "sample-tasks.mjs"))).toBe(true);
  });

  it("reports a NonRetryableError as a permanent user failure with its message", async () => {
    const plugin = await setup();
    const attempt = attemptOf(reject_input, { name: "Bob" }, bundleUri);
    const status = await settled(plugin, attempt, await plugin.create(attempt));
    expect(status.phase).toBe(TaskExecutionPhase.FAILED);
    expect(status.error).toMatchObject({ kind: ErrorKind.USER, code: "NonRetryableError", message: "no greeting for Bob" });
    expect(status.error?.stack).toContain("no greeting for Bob");
  });

  it("reports any other thrown error as a retryable user failure", async () => {
    const plugin = await setup();
    const attempt = attemptOf(flaky, {}, bundleUri);
    const status = await settled(plugin, attempt, await plugin.create(attempt));
    expect(status.phase).toBe(TaskExecutionPhase.RETRYABLE_FAILED);
    expect(status.error).toMatchObject({ kind: ErrorKind.USER, message: "the service was busy" });
  });

  it("starts one process however often create is called for an attempt", async () => {
    const plugin = await setup();
    const attempt = attemptOf(say_hello, { name: "Cy" }, bundleUri);
    const [first, second] = await Promise.all([plugin.create(attempt), plugin.create(attempt)]);
    const third = await plugin.create(attempt);
    // A restarted plugin (a new instance on the same directory) finds the same process.
    const fourth = await new FreshProcessPlugin({ workDir: join(world.root, "work") }).create(attempt);
    expect([second, third, fourth]).toEqual([first, first, first]);
    expect((await settled(plugin, attempt, first)).phase).toBe(TaskExecutionPhase.SUCCEEDED);
    const log = await readFile(join(first.dir, "stdout.log"), "utf8");
    expect(log.trim().split("\n")).toEqual([`greeting Cy from process ${first.pid ?? ""}`]);
  });

  it("runs an attempt once when its starter died before recording the process it started", async () => {
    const plugin = await setup();
    const attempt = attemptOf(wait_for_stop, {}, bundleUri);
    const first = await plugin.create(attempt);
    await untilLogged(first.dir, "waiting");
    // The crash window: the process runs, but the state naming it was never written.
    await rm(join(first.dir, "state.json"));
    const restarted = new FreshProcessPlugin({ workDir: join(world.root, "work") });
    const second = await restarted.create(attempt);
    expect(second.pid).not.toBe(first.pid);
    // The second process finds the attempt claimed and leaves at once; the first one keeps it.
    while (second.pid !== null && isAttemptRunning(second.pid, second.dir)) await sleep(20);
    expect((await restarted.get(attempt, second)).phase).toBe(TaskExecutionPhase.RUNNING);
    expect((await readFile(join(first.dir, "stdout.log"), "utf8")).match(/waiting/g)).toHaveLength(1);
    // Delete through the new state reaches the process that runs the attempt.
    await restarted.delete(attempt, second);
    expect(first.pid !== null && isAttemptRunning(first.pid, first.dir)).toBe(false);
    expect((await restarted.get(attempt, second)).phase).toBe(TaskExecutionPhase.ABORTED);
  });

  it("stops a running task on delete and then reports it aborted", async () => {
    const plugin = await setup();
    const attempt = attemptOf(wait_for_stop, {}, bundleUri);
    const state = await plugin.create(attempt);
    // Once the task runs, SIGTERM reaches it as its context's signal and it stops by itself.
    while (!(await readFile(join(state.dir, "stdout.log"), "utf8")).includes("waiting")) {
      expect((await plugin.get(attempt, state)).phase).toBe(TaskExecutionPhase.RUNNING);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await plugin.delete(attempt, state);
    expect(isAttemptRunning(state.pid ?? 0, state.dir)).toBe(false);
    const stopped = fromBinary(ExecutionErrorSchema, await readFile(join(state.dir, "out", "error.pb")));
    expect(stopped.message).toBe("stopped: Error: the attempt was stopped (SIGTERM)");
    expect((await plugin.get(attempt, state)).phase).toBe(TaskExecutionPhase.ABORTED);
    await plugin.delete(attempt, state);
    expect((await plugin.get(attempt, state)).phase).toBe(TaskExecutionPhase.ABORTED);
  });

  it("kills a task that ignores SIGTERM once the grace period is over", async () => {
    const plugin = await setup({ killGraceMs: 100 });
    const attempt = attemptOf(ignore_stop, {}, bundleUri);
    const state = await plugin.create(attempt);
    await plugin.delete(attempt, state);
    expect(isAttemptRunning(state.pid ?? 0, state.dir)).toBe(false);
    expect((await plugin.get(attempt, state)).phase).toBe(TaskExecutionPhase.ABORTED);
  });

  it("leaves a finished attempt as it was on delete", async () => {
    const plugin = await setup();
    const attempt = attemptOf(say_hello, { name: "Di" }, bundleUri);
    const state = await plugin.create(attempt);
    await settled(plugin, attempt, state);
    await plugin.delete(attempt, state);
    expect((await plugin.get(attempt, state)).phase).toBe(TaskExecutionPhase.SUCCEEDED);
  });

  it("fails with a system error, starting no process, when the bundle does not match its digest", async () => {
    const plugin = await setup();
    const other = codeBundle([{ path: "sample-tasks.mjs", content: new TextEncoder().encode("export const tampered = 1;\n") }]);
    const uri = await world.store.put(`code/p/d/${bundle.sha256.replace(/^./, (c) => (c === "0" ? "1" : "0"))}.tar.gz`, other.content);
    const attempt = attemptOf(say_hello, { name: "Eve" }, uri);
    const state = await plugin.create(attempt);
    expect(state.pid).toBeNull();
    const status = await plugin.get(attempt, state);
    expect(status.phase).toBe(TaskExecutionPhase.FAILED);
    expect(status.error?.kind).toBe(ErrorKind.SYSTEM);
    expect(status.error?.message).toContain("does not match its digest");
    expect(existsSync(join(world.root, "work", "bundles", bundle.sha256))).toBe(false);
  });

  it("fails with a system error when the module does not define the task", async () => {
    const plugin = await setup();
    const attempt = attemptOf(say_hello, { name: "Fay" }, bundleUri);
    const renamed = { ...attempt, template: { ...attempt.template, id: attempt.template.id ? { ...attempt.template.id, name: "no_such_task" } : undefined } };
    const status = await settled(plugin, renamed, await plugin.create(renamed));
    expect(status.phase).toBe(TaskExecutionPhase.FAILED);
    expect(status.error).toMatchObject({ kind: ErrorKind.SYSTEM, message: 'module "sample-tasks.mjs" defines no runnable task "no_such_task"' });
  });

  it("extracts a bundle once when attempts start together", async () => {
    const plugin = await setup();
    const attempts = ["Gil", "Hal", "Ivy"].map((name) => attemptOf(say_hello, { name }, bundleUri));
    const states = await Promise.all(attempts.map((attempt) => plugin.create(attempt)));
    const results = await Promise.all(attempts.map((attempt, i) => settled(plugin, attempt, states[i]!)));
    expect(results.map((r) => r.outputs?.literals.o0 && fromLiteral(r.outputs.literals.o0, stringType))).toEqual(["Hello, Gil!", "Hello, Hal!", "Hello, Ivy!"]);
    // One directory per digest and no leftover temporary extraction.
    expect(await readdir(join(world.root, "work", "bundles"))).toEqual([bundle.sha256]);
  });

  it("reports a process that died without a result as a retryable system failure", async () => {
    const plugin = await setup();
    const attempt = attemptOf(ignore_stop, {}, bundleUri);
    const state = await plugin.create(attempt);
    process.kill(state.pid ?? 0, "SIGKILL");
    const status = await settled(plugin, attempt, state);
    expect(status.phase).toBe(TaskExecutionPhase.RETRYABLE_FAILED);
    expect(status.error).toMatchObject({ kind: ErrorKind.SYSTEM, code: "ProcessLost" });
    expect(status.error?.message).toContain(`the task process ${state.pid ?? ""} ended without writing a result`);
  });

  it("fails permanently with a system error for code it cannot use", async () => {
    const plugin = await setup();
    const noDigest = attemptOf(say_hello, { name: "Jo" }, `${world.store.baseUri}/code/p/d/latest.tar.gz`);
    const noModule = attemptOf(say_hello, { name: "Jo" }, bundleUri);
    delete noModule.template.config["skein.code.module"];
    const noCode = attemptOf(say_hello, { name: "Jo" });
    noCode.template.target = { case: undefined };
    const messages: string[] = [];
    for (const attempt of [noDigest, noModule, noCode]) {
      const state = await plugin.create(attempt);
      expect(state.pid).toBeNull();
      const status = await plugin.get(attempt, state);
      expect(status.phase).toBe(TaskExecutionPhase.FAILED);
      expect(status.error?.kind).toBe(ErrorKind.SYSTEM);
      messages.push(status.error?.message ?? "");
    }
    expect(messages).toEqual([
      `code bundle uri "${world.store.baseUri}/code/p/d/latest.tar.gz" does not end in <sha256>.tar.gz`,
      'task template config has "skein.code.bundle" but no "skein.code.module"',
      'task "say_hello" has neither a code bundle ("skein.code.bundle") nor a container command',
    ]);
  });

  it("wakes wait when the process exits, and not before", async () => {
    const plugin = await setup();
    const attempt = attemptOf(wait_for_stop, {}, bundleUri);
    const state = await plugin.create(attempt);
    await untilLogged(state.dir, "waiting");
    const waiting = plugin.wait(attempt, state, new AbortController().signal).then(() => "woke");
    expect(await Promise.race([waiting, sleep(300).then(() => "still waiting")])).toBe("still waiting");
    // Another instance (a restarted propeller) did not start the process: it polls the pid.
    const polling = new FreshProcessPlugin({ workDir: join(world.root, "work") }).wait(attempt, state, new AbortController().signal).then(() => "woke");
    expect(await Promise.race([polling, sleep(300).then(() => "still waiting")])).toBe("still waiting");
    await plugin.delete(attempt, state);
    expect(await waiting).toBe("woke");
    expect(await polling).toBe("woke");
    // A finished attempt wakes at once.
    await plugin.wait(attempt, state, new AbortController().signal);
    expect((await plugin.get(attempt, state)).phase).toBe(TaskExecutionPhase.ABORTED);
  });

  it("wakes wait with the result already readable", async () => {
    const plugin = await setup();
    const attempt = attemptOf(say_hello, { name: "Lu" }, bundleUri);
    const state = await plugin.create(attempt);
    await plugin.wait(attempt, state, new AbortController().signal);
    expect((await plugin.get(attempt, state)).phase).toBe(TaskExecutionPhase.SUCCEEDED);
  });

  it("ends wait soon after its signal aborts, and never rejects", async () => {
    const plugin = await setup();
    const attempt = attemptOf(wait_for_stop, {}, bundleUri);
    const state = await plugin.create(attempt);
    await untilLogged(state.dir, "waiting");
    for (const waiter of [plugin, new FreshProcessPlugin({ workDir: join(world.root, "work") })]) {
      const controller = new AbortController();
      const aborted = waiter.wait(attempt, state, controller.signal).then(() => "woke");
      expect(await Promise.race([aborted, sleep(100).then(() => "still waiting")])).toBe("still waiting");
      controller.abort(new Error("lease lost"));
      expect(await aborted).toBe("woke");
    }
    expect((await plugin.get(attempt, state)).phase).toBe(TaskExecutionPhase.RUNNING);
    // A malformed state: wait resolves, and the `get` that follows reports the problem.
    await expect(plugin.wait(attempt, { pid: -3, dir: world.root, startedAt: "" }, new AbortController().signal)).resolves.toBeUndefined();
    await plugin.delete(attempt, state);
  });

  it("rejects a malformed state", async () => {
    const plugin = await setup();
    const attempt = attemptOf(say_hello, { name: "Kim" }, bundleUri);
    await expect(plugin.get(attempt, { pid: -3, dir: world.root, startedAt: "" })).rejects.toThrow("process plugin state is malformed");
    await expect(plugin.delete(attempt, { pid: 12, dir: "", startedAt: "" })).rejects.toThrow("process plugin state is malformed");
  });
});

describe("FreshProcessPlugin with container tasks", () => {
  it("runs the command with the files protocol", async () => {
    const plugin = await setup();
    const attempt = attemptOf(shout, { word: "hey" });
    const status = await settled(plugin, attempt, await plugin.create(attempt));
    expect(status.error?.message).toBeUndefined();
    expect(status.phase).toBe(TaskExecutionPhase.SUCCEEDED);
    const loud = status.outputs?.literals.loud;
    expect(loud && fromLiteral(loud, stringType)).toBe("hey!");
  });

  it("reports a failing command as a retryable user failure with its stderr", async () => {
    const plugin = await setup();
    const attempt = attemptOf(exit_three, {});
    const status = await settled(plugin, attempt, await plugin.create(attempt));
    expect(status.phase).toBe(TaskExecutionPhase.RETRYABLE_FAILED);
    expect(status.error?.kind).toBe(ErrorKind.USER);
    expect(status.error?.message).toContain("sh exited with code 3");
    expect(status.error?.message).toContain("giving up");
  });
});
