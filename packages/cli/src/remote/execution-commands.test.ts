import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { SimpleType, WorkflowExecutionPhase } from "@skein/idl";
import { EventOutcome } from "@skein/idl/admin/v1";
import { createAdminClient, type AdminClient } from "@skein/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestAdmin, type TestAdmin } from "./test-admin.test-util.js";

// Fixture code lives inside the repository so that it resolves @skein/sdk like user code does.
const scratch = mkdtempSync(join(fileURLToPath(new URL("../../", import.meta.url)), ".test-executions-"));
const tasks = join(scratch, "tasks.ts");
writeFileSync(
  tasks,
  `import { t, task } from "@skein/sdk";\nexport const shout = task({ name: "shout", inputs: { text: t.string() }, outputs: t.string() }, async ({ text }) => text.toUpperCase());\n`,
);

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

// What the data plane would report: the in-process stand-in assigns every execution to cluster "local", epoch 1.
async function report(name: string, phase: WorkflowExecutionPhase, result?: { output?: string; error?: string }) {
  const outputResult = result?.output !== undefined
    ? { case: "outputData" as const, value: { literals: { o0: { value: { case: "scalar" as const, value: { value: { case: "primitive" as const, value: { value: { case: "stringValue" as const, value: result.output } } } } } } } } }
    : result?.error !== undefined
      ? { case: "error" as const, value: { code: "Boom", message: result.error } }
      : { case: undefined };
  const { results } = await client.createEvents({
    events: [{ kind: { case: "workflowEvent", value: { executionId: id(name), producerId: "local", epoch: 1n, phase, occurredAt: timestampNow(), outputResult } } }],
  });
  expect(results[0]).toMatchObject({ outcome: EventOutcome.ACCEPTED });
}

async function started(name: string): Promise<void> {
  for (;;) {
    try {
      await client.getExecution({ id: id(name) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describe("following and operating remote executions", () => {
  it("--wait follows the execution to success and prints its outputs", async () => {
    const run = admin.skein("run", "--remote", "--name", "waits", "--wait", tasks, "shout", "--text", "hi");
    await started("waits");
    await report("waits", WorkflowExecutionPhase.RUNNING);
    await report("waits", WorkflowExecutionPhase.SUCCEEDED, { output: "HI" });
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
    await started("fails");
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

  it("sets a signal by its type, and names the signals when the name is wrong", async () => {
    expect((await admin.skein("run", "--remote", "--name", "gated", tasks, "shout", "--text", "a")).code).toBe(0);
    await report("gated", WorkflowExecutionPhase.RUNNING);
    // The gate asks for its signal, as a data plane does when it reaches the gate node.
    await client.getOrCreateSignal({ id: { executionId: id("gated"), signalId: "approved" }, type: { type: { case: "simple", value: SimpleType.BOOLEAN } } });
    const wrongType = await admin.skein("signal", "set", "gated", "approved", "maybe");
    expect(wrongType.code).toBe(2);
    const wrongName = await admin.skein("signal", "set", "gated", "approve", "true");
    expect(wrongName.code).toBe(2);
    expect(wrongName.err).toContain('is not waiting for a signal named "approve" (signals: approved)');
    expect(await admin.skein("signal", "set", "gated", "approved", "true")).toMatchObject({ code: 0, out: "signal approved of gated set to true (boolean)\n" });
  });
});
