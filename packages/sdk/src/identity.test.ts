import { describe, expect, it } from "vitest";
import { dynamicSpecWithIdentity, launchPlanWithIdentity, taskWithIdentity, workflowWithIdentity } from "./identity.js";
import { add, double, notify } from "./test-support/sample-tasks.js";
import { task } from "./task/task.js";
import { t } from "./types/t.js";
import { when } from "./workflow/branch.js";
import { map } from "./workflow/map.js";
import { launchPlan } from "./workflow/launch-plan.js";
import { workflow } from "./workflow/workflow.js";
import type { Node } from "@skein/idl";

const identity = { project: "flows", domain: "production", version: "v1" };

function references(node: Node | undefined): unknown[] {
  if (!node) return [];
  const target = node.target;
  switch (target.case) {
    case "taskNode":
    case "workflowNode":
      return [target.value.reference.value];
    case "arrayNode":
      return references(target.value.node);
    case "branchNode": {
      const ifElse = target.value.ifElse;
      const nested = [ifElse?.case?.thenNode, ...(ifElse?.other ?? []).map((o) => o.thenNode), ifElse?.default.case === "elseNode" ? ifElse.default.value : undefined];
      return nested.flatMap(references);
    }
    case "gateNode":
    case undefined:
      return [];
  }
}

describe("identity", () => {
  it("fills every empty identifier of a workflow, including nested references, on a copy", () => {
    const inner = workflow({ name: "inner_id", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => double({ x }));
    const onFail = task({ name: "on_fail", inputs: { err: t.error().optional() } }, () => undefined);
    const wf = workflow({ name: "outer_id", inputs: { x: t.int(), xs: t.list(t.int()) }, onFailure: onFail }, ({ x, xs }) => {
      when(x.gt(0)).then(() => inner({ x })).else(() => add({ a: x }));
      map(double)({ x: xs });
      launchPlan(inner, { name: "inner_plan_id" })({ x });
      notify({});
    });
    const filled = workflowWithIdentity(wf.template, identity);
    expect(filled.id).toMatchObject(identity);
    const refs = [...filled.nodes, filled.failureNode].flatMap(references);
    expect(refs).toHaveLength(6);
    for (const ref of refs) expect(ref).toMatchObject(identity);
    expect(wf.template.id?.version).toBe("");
  });

  it("keeps parts that are already set and fills tasks, launch plans and dynamic specs", () => {
    const template = taskWithIdentity(taskWithIdentity(double.template, { ...identity, version: "pinned" }), identity);
    expect(template.id).toMatchObject({ ...identity, version: "pinned" });
    const plan = launchPlan(workflow({ name: "lp_id" }, () => undefined));
    expect(launchPlanWithIdentity(plan.template, identity).id).toMatchObject(identity);
    expect(dynamicSpecWithIdentity({ $typeName: "skein.core.v1.DynamicJobSpec", nodes: [], minSuccesses: 0n, outputs: [], tasks: [double.template], subworkflows: [] }, identity).tasks[0]?.id).toMatchObject(identity);
  });
});
