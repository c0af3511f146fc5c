import { launchPlan, map, t, task, when, workflow } from "@skein/sdk";
import { describe, expect, it } from "vitest";
import { nodeLabels } from "./node-labels.js";

const double = task({ name: "double", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => x * 2);
const negate = task({ name: "negate", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => -x);
const cleanup = task({ name: "cleanup", inputs: { x: t.int() } }, () => undefined);
const inner = workflow({ name: "inner", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => negate({ x: double({ x }) }));
const outer = workflow({ name: "outer", inputs: { x: t.int(), xs: t.list(t.int()) }, outputs: { a: t.int(), b: t.int(), c: t.list(t.int()) }, onFailure: cleanup }, ({ x, xs }) => ({
  a: inner({ x }),
  b: when(x.gt(0)).then(() => negate({ x })).else(() => inner({ x })),
  c: map(double)({ x: xs }),
}));

describe("nodeLabels", () => {
  it("resolves each path segment in its own workflow, so repeated ids get their own names", () => {
    const label = nodeLabels(outer);
    expect(label("n0")).toBe("n0 inner");
    expect(label("n0/n0")).toBe("n0/n0 double");
    expect(label("n0/n1")).toBe("n0/n1 negate");
    expect(label("n1/n2")).toBe("n1/n2 negate");
    expect(label("n1/n3")).toBe("n1/n3 inner");
    expect(label("n1/n3/n1")).toBe("n1/n3/n1 negate");
    expect(label("n4/2")).toBe("n4/2 double");
    expect(label("failure-node")).toBe("failure-node cleanup");
  });

  it("leaves unknown paths, such as nodes a dynamic task generates, as they are", () => {
    const label = nodeLabels(outer);
    expect(label("n9")).toBe("n9");
    expect(label("n0/dn0")).toBe("n0/dn0");
    expect(label("n1")).toBe("n1");
  });

  it("labels a single task's node and a launch plan's workflow nodes", () => {
    expect(nodeLabels(double)("n0")).toBe("n0 double");
    expect(nodeLabels(launchPlan(inner, { name: "inner_plan", fixed: { x: 1 } }))("n1")).toBe("n1 negate");
  });
});
