import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ConcurrencyBehavior } from "@skein/idl/admin/v1";
import { collectEntities } from "../entities.js";
import { t } from "../authoring.js";
import { task } from "../task/task.js";
import { launchPlan } from "../workflow/launch-plan.js";
import { workflow } from "../workflow/workflow.js";
import { codeBundle } from "./code-bundle.js";
import { CODE_BUNDLE_CONFIG_KEY, CODE_MODULE_CONFIG_KEY, planRegistration, registrationRequests } from "./registration.js";
import { readTarArchive } from "./tar.js";
import { contentVersion } from "./version.js";

const text = (s: string) => new TextEncoder().encode(s);

describe("code bundles", () => {
  it("pack the same files into the same bytes whatever their order, and read back", () => {
    const a = codeBundle([{ path: "b/x.mjs", content: text("export const x = 1;\n") }, { path: "a.mjs", content: text("a") }]);
    const b = codeBundle([{ path: "a.mjs", content: text("a") }, { path: "b/x.mjs", content: text("export const x = 1;\n") }]);
    expect(a.sha256).toBe(b.sha256);
    expect(a.content).toEqual(b.content);
    expect(a.content[9]).toBe(0xff);
    const entries = readTarArchive(new Uint8Array(gunzipSync(a.content)));
    expect(entries.map((e) => [e.path, new TextDecoder().decode(e.content)])).toEqual([["a.mjs", "a"], ["b/x.mjs", "export const x = 1;\n"]]);
    expect(codeBundle([{ path: "a.mjs", content: text("b") }]).sha256).not.toBe(codeBundle([{ path: "a.mjs", content: text("a") }]).sha256);
  });

  it("keep long paths and refuse paths that leave the bundle or repeat", () => {
    const long = `${"d".repeat(90)}/${"f".repeat(90)}.mjs`;
    expect(readTarArchive(new Uint8Array(gunzipSync(codeBundle([{ path: long, content: text("x") }]).content)))[0]?.path).toBe(long);
    expect(() => codeBundle([{ path: "../up.mjs", content: text("x") }])).toThrow(/not a relative path/);
    expect(() => codeBundle([{ path: "a.mjs", content: text("x") }, { path: "a.mjs", content: text("y") }])).toThrow(/appears twice/);
  });
});

const double = task({ name: "double", inputs: { n: t.int() }, outputs: t.int() }, ({ n }) => n * 2);
const inner = workflow({ name: "inner", inputs: { n: t.int() }, outputs: t.int() }, ({ n }) => double({ n }));
const outer = workflow({ name: "outer", inputs: { n: t.int() }, outputs: t.int() }, ({ n }) => inner({ n }));
const nightly = launchPlan(outer, { name: "nightly", fixed: { n: 3 } });

describe("planRegistration", () => {
  it("orders tasks first, then each workflow and launch plan after what it uses", () => {
    // Only `outer` and `nightly` are exported: the task and the sub-workflow are reached through them.
    const plan = planRegistration([{ module: "flows.mjs", entities: collectEntities({ outer, nightly }) }]);
    expect(plan.map((e) => `${e.kind}:${e.name}`)).toEqual(["task:double", "workflow:inner", "launchPlan:inner", "workflow:outer", "launchPlan:nightly", "launchPlan:outer"]);
    expect(plan[0]).toMatchObject({ kind: "task", module: "flows.mjs" });
  });

  it("fills the identity and points tasks at their code", () => {
    const plan = planRegistration([{ module: "flows.mjs", entities: collectEntities({ outer, nightly }) }]);
    const requests = registrationRequests(plan, { project: "p", domain: "d", version: "v1" }, "file:///b/code.tar.gz");
    const taskRequest = requests.find((r) => r.kind === "task");
    expect(taskRequest?.kind === "task" && taskRequest.request.spec?.template?.config).toEqual({ [CODE_BUNDLE_CONFIG_KEY]: "file:///b/code.tar.gz", [CODE_MODULE_CONFIG_KEY]: "flows.mjs" });
    const plans = requests.filter((r) => r.kind === "launchPlan");
    const nightlyRequest = plans.find((r) => r.id.name === "nightly");
    expect(nightlyRequest?.kind === "launchPlan" && nightlyRequest.request.spec?.workflowId).toMatchObject({ project: "p", domain: "d", name: "outer", version: "v1" });
    expect(requests.every((r) => r.id.project === "p" && r.id.domain === "d" && r.id.version === "v1")).toBe(true);
  });

  it("carries a launch plan's execution settings into its spec, and they change the version", () => {
    const limited = launchPlan(outer, { name: "limited", concurrency: { max: 2, behavior: "queue" }, clusterLabel: "gpu", maxParallelism: 4, labels: { team: "ml" }, overwriteCache: true });
    const plan = planRegistration([{ module: "flows.mjs", entities: collectEntities({ limited }) }]);
    const request = registrationRequests(plan, { project: "p", domain: "d", version: "v1" }, "file:///b/code.tar.gz").find((r) => r.id.name === "limited");
    const spec = request?.kind === "launchPlan" ? request.request.spec : undefined;
    expect(spec).toMatchObject({
      concurrencyPolicy: { max: 2, behavior: ConcurrencyBehavior.QUEUE },
      executionClusterLabel: "gpu",
      maxParallelism: 4,
      labels: { team: "ml" },
      overwriteCache: true,
    });
    const plain = launchPlan(outer, { name: "limited" });
    expect(contentVersion("a".repeat(64), planRegistration([{ module: "flows.mjs", entities: collectEntities({ plain }) }]))).not.toBe(contentVersion("a".repeat(64), plan));
  });

  it("refuses two different entities with one name across modules", () => {
    const other = task({ name: "double", inputs: { n: t.int() }, outputs: t.int() }, ({ n }) => n + n);
    expect(() => planRegistration([{ module: "a.mjs", entities: collectEntities({ double }) }, { module: "b.mjs", entities: collectEntities({ other }) }])).toThrow(
      /two different tasks are named "double"/,
    );
  });
});

describe("contentVersion", () => {
  const plan = planRegistration([{ module: "flows.mjs", entities: collectEntities({ outer, nightly }) }]);
  it("is stable for the same bundle and definitions and changes with either", () => {
    const version = contentVersion("a".repeat(64), plan);
    expect(version).toMatch(/^[0-9a-f]{20}$/);
    expect(contentVersion("a".repeat(64), planRegistration([{ module: "flows.mjs", entities: collectEntities({ outer, nightly }) }]))).toBe(version);
    expect(contentVersion("b".repeat(64), plan)).not.toBe(version);
    expect(contentVersion("a".repeat(64), planRegistration([{ module: "other.mjs", entities: collectEntities({ outer, nightly }) }]))).not.toBe(version);
  });
});
