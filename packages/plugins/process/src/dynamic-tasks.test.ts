import { join } from "node:path";
import { ErrorKind, TaskExecutionPhase, type DynamicJobSpec, type LiteralType } from "@skein/idl";
import type { TaskAttempt } from "@skein/plugin-core";
import { CODE_BUNDLE_CONFIG_KEY, CODE_MODULE_CONFIG_KEY, fromLiteral, taskWithIdentity, WORKERS_CONFIG_KEY, type TaskDefinition } from "@skein/sdk";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ProcessPlugin } from "./process-plugin.js";
import { attemptOf, SAMPLE_MODULE, sampleBundle, settled, tempWorld } from "./test-support/bundle-fixture.js";
import { calls_hidden, double, fan_out } from "./test-support/sample-tasks.js";

let bundle: Awaited<ReturnType<typeof sampleBundle>>;
let world: Awaited<ReturnType<typeof tempWorld>>;
let plugin: ProcessPlugin;
let bundleUri: string;

beforeAll(async () => {
  bundle = await sampleBundle();
});

afterEach(async () => {
  await plugin.close();
  await world.close();
});

async function setup(): Promise<void> {
  world = await tempWorld();
  bundleUri = await world.store.put(`code/p/d/${bundle.sha256}.tar.gz`, bundle.content);
  plugin = new ProcessPlugin({ workDir: join(world.root, "work") });
}

// An attempt of the task as registered: its template has project, domain and version.
function registeredAttempt(task: TaskDefinition, values: Record<string, unknown>, workers?: string): TaskAttempt {
  const attempt = attemptOf(task, values, bundleUri);
  const template = taskWithIdentity(attempt.template, { project: "p", domain: "d", version: "v1" });
  if (workers !== undefined) template.config[WORKERS_CONFIG_KEY] = workers;
  return { ...attempt, template };
}

const intType = double.template.interface?.outputs?.variables.o0?.type as LiteralType;
const idOf = (name: string) => ({ project: "p", domain: "d", name, version: "v1" });

function taskNamed(spec: DynamicJobSpec, name: string) {
  return spec.tasks.find((t) => t.id?.name === name);
}

describe("dynamic tasks in the process plugin", () => {
  it.each([
    ["a fresh process", undefined],
    ["a warm worker", "warm"],
  ])("reports the graph a dynamic task built in %s as SUCCEEDED, runnable from the same bundle", async (_how, workers) => {
    await setup();
    const attempt = registeredAttempt(fan_out, { n: 3 }, workers);
    const status = await settled(plugin, attempt, await plugin.create(attempt));
    expect(status.error?.message).toBeUndefined();
    expect(status.phase).toBe(TaskExecutionPhase.SUCCEEDED);
    expect(status.outputs).toBeUndefined();
    const spec = status.dynamic;
    expect(spec?.nodes.map((n) => n.id)).toEqual(["dn0", "dn1", "dn2", "dn3"]);
    // dn1 and dn2 take dn0's output.
    const fed = spec?.nodes[1]?.inputs[0]?.binding?.value;
    expect(fed?.case === "promise" ? fed.value.nodeId : undefined).toBe("dn0");
    expect(spec?.outputs.map((b) => b.var)).toEqual(["last", "loud"]);
    // Every identifier gets the dynamic task's project, domain and version.
    const refs = spec?.nodes.map((n) => (n.target.case === "taskNode" && n.target.value.reference.case === "referenceId" ? n.target.value.reference.value : undefined));
    expect(refs?.map((r) => r && { project: r.project, domain: r.domain, name: r.name, version: r.version })).toEqual([idOf("double"), idOf("double"), idOf("double"), idOf("shout")]);
    if (!spec) throw new Error("no spec");
    // The TypeScript task runs from the dynamic task's bundle and module; the container task keeps its command.
    const double = taskNamed(spec, "double");
    expect(double?.id).toMatchObject(idOf("double"));
    expect(double?.config[CODE_BUNDLE_CONFIG_KEY]).toBe(bundleUri);
    expect(double?.config[CODE_MODULE_CONFIG_KEY]).toBe(SAMPLE_MODULE);
    const shout = taskNamed(spec, "shout");
    expect(shout?.config[CODE_BUNDLE_CONFIG_KEY]).toBeUndefined();
    expect(shout?.target.case).toBe("container");
    // A repeated get (after a propeller restart) derives the same spec.
    expect((await plugin.get(attempt, await plugin.create(attempt))).dynamic).toEqual(spec);
  });

  it("runs a generated node's task from the template it was given", async () => {
    await setup();
    const attempt = registeredAttempt(fan_out, { n: 2 });
    const spec = (await settled(plugin, attempt, await plugin.create(attempt))).dynamic;
    const template = spec && taskNamed(spec, "double");
    if (!template) throw new Error("no generated double task");
    // Inputs as propeller would pass them; only the template comes from the spec.
    const generated = { ...attemptOf(double, { x: 21 }), template };
    const status = await settled(plugin, generated, await plugin.create(generated));
    expect(status.error?.message).toBeUndefined();
    const output = status.outputs?.literals.o0;
    expect(output && fromLiteral(output, intType)).toBe(42n);
  });

  it("fails a dynamic task whose graph calls a task its module does not export, naming the task", async () => {
    await setup();
    const attempt = registeredAttempt(calls_hidden, { x: 1 });
    const status = await settled(plugin, attempt, await plugin.create(attempt));
    expect(status.phase).toBe(TaskExecutionPhase.FAILED);
    expect(status.dynamic).toBeUndefined();
    expect(status.error).toMatchObject({ kind: ErrorKind.USER, code: "TaskValidationError" });
    expect(status.error?.message).toBe(
      `dynamic task "calls_hidden" calls task "hidden", which module "${SAMPLE_MODULE}" does not export; a task a dynamic task calls runs from the dynamic task's module on a cluster, so export it from there`,
    );
  });
});
