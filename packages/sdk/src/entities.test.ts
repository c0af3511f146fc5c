import { describe, expect, it } from "vitest";
import { DefinitionError } from "./definition-error.js";
import { collectEntities } from "./entities.js";
import { add, double } from "./test-support/sample-tasks.js";
import { task } from "./task/task.js";
import { t } from "./types/t.js";
import { launchPlan } from "./workflow/launch-plan.js";
import { workflow } from "./workflow/workflow.js";

const wf = workflow({ name: "pipeline", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => double({ x }));

describe("collectEntities", () => {
  it("finds tasks, workflows and launch plans by entity name and by export name", () => {
    const nightly = launchPlan(wf, { name: "nightly", defaults: { x: 1 } });
    const found = collectEntities({ doubleTask: double, add, wf, nightly, helper: () => 1, constant: 3, schema: t.int() });
    expect(found.tasks.get("double")).toBe(double);
    expect(found.tasks.get("doubleTask")).toBe(double);
    expect(found.tasks.get("add")).toBe(add);
    expect(found.workflows.get("pipeline")).toBe(wf);
    expect(found.workflows.get("wf")).toBe(wf);
    expect(found.launchPlans.get("nightly")).toBe(nightly);
    expect(found.launchPlans.get("pipeline")).toBe(wf.defaultLaunchPlan);
    expect(found.tasks.size + found.workflows.size).toBe(5);
  });

  it("lets entity names win over export names and an exported plan replace a default one", () => {
    const custom = launchPlan(wf, { defaults: { x: 2 } });
    const found = collectEntities({ add: double, double: add, pipeline: custom, wf });
    expect(found.tasks.get("add")).toBe(add);
    expect(found.tasks.get("double")).toBe(double);
    expect(found.launchPlans.get("pipeline")).toBe(custom);
  });

  it("refuses two different definitions with one name", () => {
    const twin = task({ name: "double", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => x + x);
    expect(() => collectEntities({ double, twin })).toThrow(DefinitionError);
    expect(() => collectEntities({ double, twin })).toThrow('two different tasks are named "double"');
  });
});
