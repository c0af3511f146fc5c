import { SimpleType, WorkflowFailurePolicy, type BindingData, type Node } from "@skein/idl";
import { durationMs } from "@bufbuild/protobuf/wkt";
import { CompileErrors } from "@skein/engine";
import { describe, expect, it } from "vitest";
import { DefinitionError } from "../definition-error.js";
import { add, double, greet, notify, report, stats } from "../test-support/sample-tasks.js";
import { task } from "../task/task.js";
import { fromLiteral } from "../types/convert.js";
import { simpleType } from "../types/literal-types.js";
import { t } from "../types/t.js";
import { launchPlan } from "./launch-plan.js";
import { workflow } from "./workflow.js";

function promise(data: BindingData | undefined): { nodeId: string; var: string; attrPath: (string | number)[] } | undefined {
  if (data?.value.case !== "promise") return undefined;
  const p = data.value.value;
  return { nodeId: p.nodeId, var: p.var, attrPath: p.attrPath.map((a) => a.value.value ?? "?") };
}

function input(node: Node | undefined, name: string): BindingData | undefined {
  return node?.inputs.find((b) => b.var === name)?.binding;
}

describe("workflow", () => {
  it("builds nodes n0, n1, ... with promises between them and to the workflow inputs", () => {
    const wf = workflow({ name: "chain", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => double({ x: add({ a: double({ x }) }) }));
    const [n0, n1, n2] = wf.template.nodes;
    expect(wf.template.nodes.map((n) => n.id)).toEqual(["n0", "n1", "n2"]);
    expect(promise(input(n0, "x"))).toEqual({ nodeId: "start-node", var: "x", attrPath: [] });
    expect(promise(input(n1, "a"))).toEqual({ nodeId: "n0", var: "o0", attrPath: [] });
    // The omitted input with a default is bound to the default.
    const b = input(n1, "b");
    expect(b?.value.case === "scalar" && b.value.value.value.case === "primitive" && b.value.value.value.value.value.value).toBe(1n);
    expect(promise(input(n2, "x"))).toEqual({ nodeId: "n1", var: "o0", attrPath: [] });
    expect(promise(wf.template.outputs[0]?.binding)).toEqual({ nodeId: "n2", var: "o0", attrPath: [] });
    expect(n0?.target.case === "taskNode" && n0.target.value.reference.value?.name).toBe("double");
    expect(n0?.metadata?.name).toBe("double");
    expect([...wf.tasks.keys()].sort()).toEqual(["add", "double"]);
    expect(wf.compile().primary?.connections?.upstream.n1?.ids).toEqual(["n0"]);
  });

  it("keeps input defaults out of the template and in `defaults`", () => {
    const wf = workflow({ name: "defaults", inputs: { name: t.string().default("world"), tag: t.string().optional(), n: t.int() }, outputs: t.string() }, ({ name }) => greet({ name }));
    expect(wf.template.interface?.inputs?.variables.name?.type).toEqual(simpleType(SimpleType.STRING));
    const p = wf.defaults.parameters;
    expect(p.name?.behavior.case === "default" && fromLiteral(p.name.behavior.value, simpleType(SimpleType.STRING))).toBe("world");
    expect(p.tag?.behavior.case).toBe("default");
    expect(p.n?.behavior).toEqual({ case: "required", value: true });
    expect(wf.defaultLaunchPlan.name).toBe("defaults");
  });

  it("binds constants, lists of references and multiple named outputs", () => {
    const wf = workflow({ name: "multi", inputs: { a: t.float(), b: t.float() }, outputs: { mean: t.float(), count: t.int(), label: t.string() } }, ({ a, b }) => {
      const s = stats({ xs: [a, 2.5, b] });
      return { mean: s.mean, count: s.count, label: "fixed" };
    });
    const xs = input(wf.template.nodes[0], "xs");
    expect(xs?.value.case).toBe("collection");
    const items = xs?.value.case === "collection" ? xs.value.value.bindings : [];
    expect(items.map((i) => i.value.case)).toEqual(["promise", "scalar", "promise"]);
    expect(wf.template.outputs.map((o) => [o.var, o.binding?.value.case])).toEqual([["mean", "promise"], ["count", "promise"], ["label", "scalar"]]);
  });

  it("follows attribute paths into struct, map and list outputs", () => {
    const wf = workflow({ name: "paths", inputs: { n: t.int() }, outputs: { score: t.float(), tag: t.string(), k: t.int() } }, ({ n }) => {
      const r = report({ n });
      return { score: r.get("score"), tag: r.get("tags").at(0), k: r.get("extra").get("k") };
    });
    const outputs = Object.fromEntries(wf.template.outputs.map((o) => [o.var, promise(o.binding)?.attrPath]));
    expect(outputs).toEqual({ score: ["score"], tag: ["tags", 0], k: ["extra", "k"] });
    const r = (): unknown => workflow({ name: "badpath", inputs: { n: t.int() } }, ({ n }) => report({ n }).get("nope" as never));
    expect(r).toThrow('workflow "badpath": cannot read n0.o0.nope (struct Report): no such field (fields: score, tags, extra)');
    expect(() => workflow({ name: "badindex", inputs: { n: t.int() } }, ({ n }) => double({ x: n }).at(0))).toThrow("only lists have elements");
  });

  it("names nodes, orders them with after() and applies per-node overrides", () => {
    const wf = workflow({ name: "tuned", inputs: { x: t.int() } }, ({ x }) => {
      const first = double({ x }).named("first").with({ retries: 4, timeout: "2m", cache: { version: "v9" }, resources: { memory: "1Gi" }, image: "img:2", name: "Double it" });
      const second = notify({}).named("second");
      second.after(first);
      notify({ message: "done" }).after(second, first);
    });
    const [first, second, third] = wf.template.nodes;
    expect(first?.id).toBe("first");
    expect(first?.metadata).toMatchObject({ name: "Double it", retries: { retries: 4 }, cacheableValue: { value: true }, cacheVersionValue: { value: "v9" } });
    expect(first?.metadata?.timeout && durationMs(first.metadata.timeout)).toBe(120_000);
    expect(first?.target.case === "taskNode" && first.target.value.overrides).toMatchObject({ containerImage: "img:2", resources: { requests: [{ value: "1Gi" }] } });
    expect(second?.upstreamNodeIds).toEqual(["first"]);
    expect(third?.id).toBe("n2");
    expect(third?.upstreamNodeIds).toEqual(["second", "first"]);
  });

  it("runs sub-workflows and launch plans as nodes, collecting their tasks", () => {
    const inner = workflow({ name: "inner", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => add({ a: x, b: 2 }));
    const plan = launchPlan(inner, { name: "inner_plan", fixed: { x: 5 } });
    const outer = workflow({ name: "outer", inputs: { y: t.int() }, outputs: { a: t.int(), b: t.int() } }, ({ y }) => ({ a: inner({ x: y }), b: double({ x: plan({}) }) }));
    const [n0, n1] = outer.template.nodes;
    expect(n0?.target.case === "workflowNode" && n0.target.value.reference).toMatchObject({ case: "subWorkflowRef", value: { name: "inner" } });
    expect(n1?.target.case === "workflowNode" && n1.target.value.reference).toMatchObject({ case: "launchplanRef", value: { name: "inner_plan" } });
    expect([...outer.tasks.keys()].sort()).toEqual(["add", "double"]);
    expect([...outer.subWorkflows.keys()]).toEqual(["inner"]);
    expect([...outer.launchPlans.keys()]).toEqual(["inner_plan"]);
    expect(outer.compile().subWorkflows.map((w) => w.template?.id?.name)).toEqual(["inner"]);
    expect(() => workflow({ name: "fixedpass", inputs: { y: t.int() } }, ({ y }) => plan({ x: y }))).toThrow('input "x" is fixed by the launch plan and cannot be passed');
  });

  it("sets the failure policy, timeout and failure node", () => {
    const cleanup = task({ name: "cleanup", inputs: { x: t.int(), err: t.error(), note: t.string().default("-") } }, () => undefined);
    const wf = workflow({ name: "guarded", inputs: { x: t.int() }, failurePolicy: "continue", timeout: "1h", onFailure: cleanup }, ({ x }) => {
      double({ x });
    });
    expect(wf.template.metadata?.onFailure).toBe(WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE);
    expect(wf.template.metadata?.timeout && durationMs(wf.template.metadata.timeout)).toBe(3_600_000);
    const failure = wf.template.failureNode;
    expect(failure?.id).toBe("failure-node");
    expect(failure?.inputs.map((b) => b.var)).toEqual(["x", "note"]);
    expect(promise(input(failure, "x"))).toEqual({ nodeId: "start-node", var: "x", attrPath: [] });
    expect(wf.tasks.has("cleanup")).toBe(true);
    const needy = task({ name: "needy", inputs: { y: t.int() } }, () => undefined);
    expect(() => workflow({ name: "w", inputs: { x: t.int() }, onFailure: needy }, () => undefined)).toThrow('workflow "w": onFailure task "needy": input "y" is neither a workflow input nor optional');
    expect(workflow({ name: "plain" }, () => undefined).template.metadata?.onFailure).toBe(WorkflowFailurePolicy.FAIL_IMMEDIATELY);
  });

  it("reports binding problems as the body runs, naming workflow, node and input", () => {
    const cases: [() => unknown, string | RegExp][] = [
      [() => workflow({ name: "w", inputs: { s: t.string() } }, ({ s }) => double({ x: s } as never)), 'workflow "w": node "n0" (task "double"): inputs.x: expected int, got inputs.s (string)'],
      [() => workflow({ name: "w" }, () => double({} as never)), 'workflow "w": node "n0" (task "double"): missing required input "x"'],
      [() => workflow({ name: "w" }, () => double({ x: 1, y: 2 } as never)), 'workflow "w": node "n0" (task "double"): unknown input "y" (inputs: x)'],
      [() => workflow({ name: "w" }, () => double({ x: "one" } as never)), 'workflow "w": node "n0" (task "double"): inputs.x: expected int, got "one"'],
      [() => workflow({ name: "w", outputs: t.int() }, () => greet({ name: "a" }) as never), 'workflow "w": output: expected int, got n0.o0 (string)'],
      [() => workflow({ name: "w", outputs: { a: t.int() } }, () => ({}) as never), 'workflow "w": the body returned no value for output "a"'],
      [() => workflow({ name: "w", outputs: { a: t.int() } }, () => ({ a: 1, b: 2 }) as never), 'workflow "w": the body returned "b", which is not an output (outputs: a)'],
      [() => workflow({ name: "w" }, () => Promise.resolve()), 'workflow "w": the body must be synchronous'],
      [() => workflow({ name: "w", inputs: { x: t.int() } }, ({ x }) => x.named("n")), 'workflow "w": inputs.x is a workflow input, not a node: .named() applies to node results'],
      [() => workflow({ name: "w", inputs: { x: t.int() } }, ({ x }) => double({ x }).named("start-node")), 'workflow "w": node id "start-node" is reserved'],
      [() => workflow({ name: "w", inputs: { x: t.int() } }, ({ x }) => [double({ x }).named("a"), double({ x }).named("a")]), 'workflow "w": node id "a" is already used by another node'],
      [() => workflow({ name: "w", inputs: { x: t.int() } }, ({ x }) => double({ x }).with({ image: "i" }).named("bad id")), /node id "bad id" is invalid/],
      [() => workflow({ name: "w" }, () => notify({}).with({ retries: 200 })), 'workflow "w": node "n0": with.retries: expected a whole number from 0 to 100, got 200'],
      [() => workflow({ name: "w" }, () => notify({}).with({ colour: "red" } as never)), /with\.colour: unknown override/],
      [() => workflow({ name: "w", failurePolicy: "sometimes" as never }, () => undefined), 'workflow "w": failurePolicy must be "fail-immediately" or "continue", got "sometimes"'],
      [() => workflow({ name: "w", inputs: { "x-y": t.int() } }, () => undefined), 'workflow "w": inputs.x-y: invalid name'],
      [() => workflow({ name: "" }, () => undefined), 'workflow name "" is invalid'],
    ];
    for (const [define, message] of cases) {
      expect(define).toThrow(DefinitionError);
      expect(define).toThrow(message);
    }
  });

  it("rejects references from another workflow's body", () => {
    let leaked: unknown;
    workflow({ name: "first", inputs: { x: t.int() } }, ({ x }) => {
      leaked = double({ x });
    });
    expect(() => workflow({ name: "second" }, () => double({ x: leaked as never }))).toThrow('workflow "second": node "n0" (task "double"): inputs.x: n0.o0 comes from the body of workflow "first"');
  });

  it("throws every compile error at definition time", () => {
    const caught = (() => {
      try {
        workflow({ name: "cyclic", inputs: { x: t.int() } }, ({ x }) => {
          const a = double({ x });
          const b = double({ x: a });
          a.after(b);
        });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(caught).toBeInstanceOf(CompileErrors);
    expect((caught as CompileErrors).errors[0]).toMatchObject({ code: "CYCLE", workflow: "cyclic" });
  });

  it("refuses two different tasks with one name", () => {
    const other = task({ name: "double", inputs: { x: t.int() }, outputs: t.string() }, ({ x }) => String(x));
    expect(() => workflow({ name: "clash", inputs: { x: t.int() } }, ({ x }) => other({ x: double({ x }) }))).toThrow('workflow "clash": two different tasks are named "double"');
  });
});
