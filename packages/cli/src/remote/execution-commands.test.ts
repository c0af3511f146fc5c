import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { create } from "@bufbuild/protobuf";
import { LiteralTypeSchema, SimpleType, WorkflowExecutionPhase, type Literal } from "@skein/idl";
import { EventOutcome, ExecutionMode } from "@skein/idl/admin/v1";
import { createAdminClient, toLiteral, type AdminClient } from "@skein/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestAdmin, type TestAdmin } from "./test-admin.test-util.js";

// Fixture code lives inside the repository so that it resolves @skein/sdk like user code does.
const scratch = mkdtempSync(join(fileURLToPath(new URL("../../", import.meta.url)), ".test-executions-"));
const tasks = join(scratch, "tasks.ts");
writeFileSync(
  tasks,
  [
    `import { t, task } from "@skein/sdk";`,
    `export const shout = task({ name: "shout", inputs: { text: t.string() }, outputs: t.string() }, async ({ text }) => text.toUpperCase());`,
    `export const measure = task({ name: "measure", inputs: { text: t.string() }, outputs: { upper: t.string(), length: t.int() } }, async ({ text }) => ({ upper: text.toUpperCase(), length: text.length }));`,
    "",
  ].join("\n"),
);

const remoteRunsDoc = readFileSync(fileURLToPath(new URL("../../../../docs/remote-runs.md", import.meta.url)), "utf8");

let admin: TestAdmin;
let client: AdminClient;
beforeAll(async () => {
  admin = await startTestAdmin();
  client = createAdminClient(admin.admin.url);
});
afterAll(async () => {
  await admin.close();
  rmSync(scratch, { recursive: true, force: true });
});

const id = (name: string) => ({ project: "default", domain: "development", name });

const simple = (type: SimpleType) => create(LiteralTypeSchema, { type: { case: "simple", value: type } });
const string = (value: string): Literal => toLiteral(value, simple(SimpleType.STRING));
const integer = (value: number): Literal => toLiteral(value, simple(SimpleType.INTEGER));

// What the data plane would report: the in-process stand-in assigns every execution to cluster "local", epoch 1.
async function report(name: string, phase: WorkflowExecutionPhase, result?: { outputs?: Record<string, Literal>; error?: string }) {
  const outputResult = result?.outputs !== undefined
    ? { case: "outputData" as const, value: { literals: result.outputs } }
    : result?.error !== undefined
      ? { case: "error" as const, value: { code: "Boom", message: result.error } }
      : { case: undefined };
  const { results } = await client.createEvents({
    events: [{ kind: { case: "workflowEvent", value: { executionId: id(name), producerId: "local", epoch: 1n, phase, occurredAt: timestampNow(), outputResult } } }],
  });
  expect(results[0]).toMatchObject({ outcome: EventOutcome.ACCEPTED });
}

/** Plays the data plane's side: waits until admin has the execution, as a cluster receiving it would. */
async function created(name: string): Promise<void> {
  for (;;) {
    const { executions } = await client.listExecutions({ project: "default", domain: "development", filters: `eq(name,${name})`, limit: 1 });
    if (executions.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("following and operating remote executions", () => {
  it("--wait follows the execution to success and prints its outputs", async () => {
    const run = admin.skein("run", "--remote", "--name", "waits", "--wait", tasks, "shout", "--text", "hi");
    await created("waits");
    await report("waits", WorkflowExecutionPhase.RUNNING);
    await report("waits", WorkflowExecutionPhase.SUCCEEDED, { outputs: { o0: string("HI") } });
    const { code, out, err } = await run;
    expect(err).toMatch(/^RUNNING$/m);
    expect(err).toMatch(/^SUCCEEDED$/m);
    expect({ code, out }).toEqual({ code: 0, out: "HI\n" });
    const shown = await admin.skein("get", "execution", "waits");
    expect(shown.out).toMatch(/^phase {6}SUCCEEDED$/m);
    expect(shown.out).toMatch(/^cluster {4}local$/m);
  });

  it("--wait exits 1 with the error when the execution fails", async () => {
    const run = admin.skein("run", "--remote", "--name", "fails", "--wait", tasks, "shout", "--text", "hi");
    await created("fails");
    await report("fails", WorkflowExecutionPhase.RUNNING);
    await report("fails", WorkflowExecutionPhase.FAILED, { error: "it broke" });
    const { code, out, err } = await run;
    expect({ code, out }).toEqual({ code: 1, out: "" });
    expect(err).toContain("error: execution fails failed: Boom: it broke");
  });

  it("terminates, relaunches and lists executions", async () => {
    expect((await admin.skein("run", "--remote", "--name", "first", tasks, "shout", "--text", "a")).code).toBe(0);
    const terminated = await admin.skein("terminate", "first", "--cause", "not needed");
    expect(terminated).toMatchObject({ code: 0, out: "terminating first; follow it with: skein get execution first\n" });
    expect((await admin.skein("get", "execution", "first")).out).toMatch(/^aborted {4}not needed$/m);
    const relaunched = await admin.skein("relaunch", "first", "--name", "second");
    expect(relaunched).toMatchObject({ code: 0, out: "second\n" });
    const listed = await admin.skein("get", "executions");
    expect(listed.out).toMatch(/^NAME +PHASE +TARGET +CLUSTER +CREATED +DURATION$/m);
    expect(listed.out).toMatch(/^second +QUEUED +task shout@\S+ +local /m);
    const missing = await admin.skein("terminate", "nobody");
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^error: .*not found/);
  });

  it("activates and deactivates a launch plan version", async () => {
    const hello = fileURLToPath(new URL("../../../../examples/hello.ts", import.meta.url));
    expect((await admin.skein("register", hello, "--version", "lp1")).code).toBe(0);
    expect(await admin.skein("launchplan", "activate", "wf", "--version", "lp1")).toMatchObject({ code: 0, out: "launch plan wf@lp1 is active\n" });
    expect((await admin.skein("get", "launch-plans")).out).toMatch(/^wf +lp1 +ACTIVE +wf@lp1 +- /m);
    expect(await admin.skein("launchplan", "deactivate", "wf", "--version", "lp1")).toMatchObject({ code: 0, out: "launch plan wf@lp1 is inactive\n" });
    expect((await admin.skein("launchplan", "activate", "wf", "--version", "nope")).code).toBe(1);
  });

  it("--wait prints what docs/remote-runs.md shows", async () => {
    const hello = fileURLToPath(new URL("../../../../examples/hello.ts", import.meta.url));
    // The docs run examples/hello.ts once before waiting on it, so everything is registered already.
    expect((await admin.skein("run", "--remote", "--name", "ada-first", hello, "wf", "--name", "Ada")).code).toBe(0);
    const run = admin.skein("run", "--remote", "--name", "ada-waits", "--wait", hello, "wf", "--name", "Ada");
    await created("ada-waits");
    await report("ada-waits", WorkflowExecutionPhase.RUNNING);
    await report("ada-waits", WorkflowExecutionPhase.SUCCEEDED, { outputs: { o0: string("Hello, Ada!") } });
    const { code, out, err } = await run;
    expect(code).toBe(0);
    // stderr, then the outputs on stdout: the order in which they are written. The docs show the
    // default endpoint; this admin listens on a port of its own.
    expect(remoteRunsDoc).toContain(`\`\`\`text\n${err.replace(admin.admin.url, "http://localhost:8088")}${out}\`\`\`\n`);
  });

  it("--wait prints every output of a multi-output task, and JSON with --json", async () => {
    const plain = admin.skein("run", "--remote", "--name", "measured", "--wait", tasks, "measure", "--text", "hey");
    await created("measured");
    await report("measured", WorkflowExecutionPhase.RUNNING);
    await report("measured", WorkflowExecutionPhase.SUCCEEDED, { outputs: { upper: string("HEY"), length: integer(3) } });
    expect(await plain).toMatchObject({ code: 0, out: "upper: HEY\nlength: 3\n" });
    const json = admin.skein("run", "--remote", "--name", "measured-json", "--wait", "--json", tasks, "measure", "--text", "hey");
    await created("measured-json");
    await report("measured-json", WorkflowExecutionPhase.SUCCEEDED, { outputs: { upper: string("HEY"), length: integer(3) } });
    const { code, out } = await json;
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ upper: "HEY", length: 3 });
  });

  it("recovers and relaunches a failed execution; recover refuses one that has not finished", async () => {
    expect((await admin.skein("run", "--remote", "--name", "broken", tasks, "shout", "--text", "again")).code).toBe(0);
    const early = await admin.skein("recover", "broken");
    expect(early).toMatchObject({ code: 1, out: "" });
    expect(early.err).toBe('error: execution "default/development/broken" is QUEUED; only finished executions can be recovered\n');
    await report("broken", WorkflowExecutionPhase.RUNNING);
    await report("broken", WorkflowExecutionPhase.FAILED, { error: "it broke" });

    const recovered = await admin.skein("recover", "broken", "--name", "mended");
    expect(recovered).toEqual({ code: 0, out: "mended\n", err: "recovering broken as mended; follow it with: skein get execution mended\n" });
    const relaunched = await admin.skein("relaunch", "broken", "--name", "rerun");
    expect(relaunched).toEqual({ code: 0, out: "rerun\n", err: "relaunched broken as rerun; follow it with: skein get execution rerun\n" });
    for (const [name, mode] of [["mended", ExecutionMode.RECOVERED], ["rerun", ExecutionMode.RELAUNCH]] as const) {
      const { execution } = await client.getExecution({ id: id(name) });
      expect(execution?.spec?.metadata).toMatchObject({ mode, referenceExecution: id("broken") });
      const { inputs } = await client.getExecutionData({ id: id(name) });
      expect(inputs?.literals.text).toEqual(string("again"));
    }
    expect((await admin.skein("get", "execution", "mended")).out).toMatch(/^phase {6}QUEUED$/m);
    expect((await client.getExecution({ id: id("rerun") })).execution?.spec?.overwriteCache).toBe(false);
    expect(await admin.skein("relaunch", "broken", "--name", "recompute", "--overwrite-cache")).toMatchObject({ code: 0, out: "recompute\n" });
    expect((await client.getExecution({ id: id("recompute") })).execution?.spec?.overwriteCache).toBe(true);
    const noOverwrite = await admin.skein("recover", "broken", "--overwrite-cache");
    expect(noOverwrite.code).toBe(2);
    expect(noOverwrite.err).toContain("unknown option '--overwrite-cache'");

    // The new execution is not finished either, so it cannot be recovered yet.
    const unfinished = await admin.skein("recover", "mended");
    expect(unfinished.code).toBe(1);
    expect(unfinished.err).toContain('"default/development/mended" is QUEUED; only finished executions can be recovered');
    // Relaunch runs any execution again, finished or not.
    expect(await admin.skein("relaunch", "mended", "--name", "rerun-of-mended")).toMatchObject({ code: 0, out: "rerun-of-mended\n" });
    // Repeating a request is safe (it names the execution it made); a name taken by another
    // request, an unknown execution and a malformed name are errors.
    expect(await admin.skein("relaunch", "broken", "--name", "rerun")).toMatchObject({ code: 0, out: "rerun\n" });
    const taken = await admin.skein("recover", "broken", "--name", "rerun");
    expect(taken.code).toBe(1);
    expect(taken.err).toMatch(/^error: .*rerun.*already exists/);
    const unknown = await admin.skein("recover", "nobody");
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^error: .*nobody.*not found/);
    const malformed = await admin.skein("relaunch", "broken", "--name", "Not_A_Name");
    expect(malformed.code).toBe(2);
    expect(malformed.err).toMatch(/^error: .*name/);
  });

  it("sets signals by their type: integers and booleans", async () => {
    expect((await admin.skein("run", "--remote", "--name", "release-42", tasks, "shout", "--text", "a")).code).toBe(0);
    await report("release-42", WorkflowExecutionPhase.RUNNING);
    // The gates ask for their signals, as a data plane does when it reaches a gate node.
    const signal = (signalId: string, type: SimpleType) => client.getOrCreateSignal({ id: { executionId: id("release-42"), signalId }, type: simple(type) });
    await signal("approve_release", SimpleType.BOOLEAN);
    await signal("replicas", SimpleType.INTEGER);

    // docs/remote-runs.md shows these three commands with their output (stdout and stderr).
    const transcript: string[] = [];
    for (const argv of [["approve_release", "yes"], ["replicas", "twelve"], ["approve", "typo"]]) {
      const { out, err } = await admin.skein("signal", "set", "release-42", ...argv);
      transcript.push(`$ npx skein signal set release-42 ${argv.join(" ")}\n${out}${err}`);
    }
    expect(remoteRunsDoc).toContain(`\`\`\`text\n${transcript.join("")}\`\`\`\n`);

    expect(await admin.skein("signal", "set", "release-42", "replicas", "12")).toEqual({ code: 0, out: "signal replicas of release-42 set to 12 (int)\n", err: "" });
    // Set already, to the same value: harmless.
    expect(await admin.skein("signal", "set", "release-42", "approve_release", "true")).toEqual({ code: 0, out: "signal approve_release of release-42 set to true (boolean)\n", err: "" });
    const { signals } = await client.listSignals({ executionId: id("release-42") });
    const values = Object.fromEntries(signals.map((s) => [s.id?.signalId ?? "", s.value]));
    expect(values).toEqual({ approve_release: toLiteral(true, simple(SimpleType.BOOLEAN)), replicas: integer(12) });
    // Setting the same value again is harmless; a different one is refused.
    expect((await admin.skein("signal", "set", "release-42", "replicas", "12")).code).toBe(0);
    const changed = await admin.skein("signal", "set", "release-42", "replicas", "13");
    expect(changed.code).toBe(1);
    expect(changed.err).toMatch(/^error: .*replicas.*already set to a different value/);
  });

  it("exits 2 for a value that does not fit the signal's type, 1 for a signal or execution that does not exist", async () => {
    expect((await admin.skein("run", "--remote", "--name", "gated-bad", tasks, "shout", "--text", "a")).code).toBe(0);
    await report("gated-bad", WorkflowExecutionPhase.RUNNING);
    const ask = (signalId: string, type: SimpleType) => client.getOrCreateSignal({ id: { executionId: id("gated-bad"), signalId }, type: simple(type) });
    const noneYet = await admin.skein("signal", "set", "gated-bad", "approve_release", "true");
    expect(noneYet).toEqual({ code: 1, out: "", err: 'error: signal: execution gated-bad is not waiting for a signal named "approve_release" (no gate has asked for one yet)\n' });
    await ask("approve_release", SimpleType.BOOLEAN);
    await ask("replicas", SimpleType.INTEGER);

    expect(await admin.skein("signal", "set", "gated-bad", "replicas", "twelve")).toEqual({ code: 2, out: "", err: 'error: signal replicas: expected int, got "twelve"\n' });
    expect(await admin.skein("signal", "set", "gated-bad", "replicas", "1.5")).toMatchObject({ code: 2, err: 'error: signal replicas: expected int, got "1.5"\n' });
    expect(await admin.skein("signal", "set", "gated-bad", "approve_release", "maybe")).toMatchObject({ code: 2, err: 'error: signal approve_release: expected boolean, got "maybe"\n' });
    const wrongName = await admin.skein("signal", "set", "gated-bad", "approve", "true");
    expect(wrongName).toEqual({ code: 1, out: "", err: 'error: signal: execution gated-bad is not waiting for a signal named "approve" (signals: approve_release, replicas)\n' });
    const noExecution = await admin.skein("signal", "set", "nobody", "approve_release", "true");
    expect(noExecution.code).toBe(1);
    expect(noExecution.err).toMatch(/^error: .*nobody.*not found/);
    // Nothing was set by the refused attempts.
    const { signals } = await client.listSignals({ executionId: id("gated-bad") });
    expect(signals.map((s) => s.value)).toEqual([undefined, undefined]);
  });
});
