import { NodeExecutionPhase as N } from "@skein/idl";
import { describe, expect, test } from "vitest";
import type { ExecutionState } from "./api.js";
import { createEngine } from "./engine.js";
import { runWorkflow } from "./test-driver.js";
import {
  approveNode,
  arrayNode,
  branchNode,
  closure,
  cmp,
  dynamicSpec,
  INT,
  input,
  int,
  launchPlan,
  launchPlanNode,
  lit,
  lmap,
  promise,
  subworkflowNode,
  sumPlusOne,
  task,
  taskNode,
  v,
  workflow,
} from "./test-fixtures.js";
import { mixedConfig, mixedEngine, mixedInputs } from "./test-mixed-workflow.js";

const add = task("add", { inputs: { x: INT } });

describe("what a node is", () => {
  test("every kind of node, read from the template, nested ones included", () => {
    const inner = workflow("inner", { inputs: { a: INT }, nodes: [taskNode("s0", "add", { x: input("a") })], outputBindings: { r: promise("s0", "o0") } });
    const wf = workflow("wf", {
      inputs: { x: INT },
      nodes: [
        taskNode("t", "add", { x: input("x") }),
        subworkflowNode("sw", "inner", { a: input("x") }),
        launchPlanNode("lp", "child", { x: input("x") }),
        branchNode("br", { x: input("x") }, [{ when: cmp(v("x"), ">", lit(int(0))), then: taskNode("br-then", "add", { x: input("x") }) }], { error: "no" }),
        approveNode("gate", "go"),
        arrayNode("arr", taskNode("item", "add"), { x: input("x") }),
      ],
    });
    const engine = createEngine(closure(wf, { tasks: [add], subWorkflows: [inner], launchPlans: [launchPlan("child")] }));
    const state = engine.initialState();
    const kinds = ["t", "sw", "lp", "br", "gate", "arr", "sw/s0", "br/br-then"].map((path) => [path, engine.nodeKind(state, path)]);
    expect(kinds).toEqual([
      ["t", "task"], ["sw", "subworkflow"], ["lp", "launchPlan"], ["br", "branch"], ["gate", "gate"], ["arr", "array"], ["sw/s0", "task"], ["br/br-then", "task"],
    ]);
    expect(engine.nodeKind(state, "ghost")).toBeUndefined();
    expect(engine.nodeKind(state, "sw/ghost")).toBeUndefined();
    // Array items exist once the array knows how many there are.
    expect(engine.nodeKind(state, "arr/0")).toBeUndefined();
  });

  test("a task node is dynamic once its attempt returned a spec, and its generated nodes are found", () => {
    const seen: { phase: N | undefined; kind: string | undefined }[] = [];
    const result = runWorkflow(mixedEngine, mixedInputs, {
      ...mixedConfig,
      onStep: (state) => { seen.push({ phase: state.nodes.get("dyn")?.phase, kind: mixedEngine.nodeKind(state, "dyn") }); },
    });
    expect(seen.find((s) => s.phase === N.RUNNING)?.kind).toBe("task");
    expect(seen.find((s) => s.phase === N.DYNAMIC_RUNNING)?.kind).toBe("dynamic");
    expect(mixedEngine.nodeKind(result.state, "dyn")).toBe("dynamic");
    expect(mixedEngine.nodeKind(result.state, "dyn/d0")).toBe("task");
    expect(mixedEngine.nodeKind(result.state, "arr/2")).toBe("task");
    expect(mixedEngine.nodeKind(result.state, "n0")).toBe("task");
    // Every node the execution reached is found.
    for (const path of result.state.nodes.keys()) expect(mixedEngine.nodeKind(result.state, path), path).toBeDefined();
  });
});

describe("the workflow a dynamic node generated", () => {
  const gen = task("gen", { inputs: { n: INT }, outputs: { total: INT } });
  const inner = workflow("inner", { inputs: { a: INT }, outputs: { r: INT }, nodes: [taskNode("s0", "add", { x: input("a") })], outputBindings: { r: promise("s0", "o0") } });
  const wf = workflow("wf", { inputs: { n: INT }, nodes: [taskNode("dyn", "gen", { n: input("n") })], outputBindings: { y: promise("dyn", "total") } });
  const engine = createEngine(closure(wf, { tasks: [gen, add], subWorkflows: [inner] }));

  function runTo(spec: ReturnType<typeof dynamicSpec>): { states: ExecutionState[]; final: ExecutionState } {
    const states: ExecutionState[] = [];
    const result = runWorkflow(engine, lmap({ n: int(2) }), { tasks: { gen: () => ({ kind: "dynamic", spec }), add: sumPlusOne }, onStep: (s) => { states.push(s); } });
    return { states, final: result.state };
  }

  test("compiles against the closure's templates, typed by the task's interface", () => {
    // `add` and `inner` come from the workflow's closure, not the spec.
    const spec = dynamicSpec(
      [taskNode("d0", "add", { x: input("n") }), subworkflowNode("d1", "inner", { a: promise("d0", "o0") })],
      { total: promise("d1", "r") },
    );
    const { states, final } = runTo(spec);
    expect(final.nodes.get("dyn")?.phase).toBe(N.SUCCEEDED);
    const before = states.find((s) => s.nodes.get("dyn")?.phase === N.RUNNING);
    expect(before && engine.generatedWorkflow(before, "dyn")).toBeUndefined();
    const generated = engine.generatedWorkflow(final, "dyn");
    expect(generated?.ok).toBe(true);
    const compiled = generated?.ok === true ? generated.closure : undefined;
    // A complete identifier: the workflow's project, domain and version.
    expect(compiled?.primary?.template?.id).toMatchObject({ project: "p", domain: "d", name: "wf.dyn", version: "v1" });
    expect(compiled?.primary?.template?.nodes.map((n) => n.id)).toEqual(["d0", "d1"]);
    expect(compiled?.primary?.connections?.upstream.d1?.ids).toEqual(["d0"]);
    expect(compiled?.primary?.template?.interface?.outputs?.variables.total).toBeDefined();
    expect(compiled?.tasks.map((t) => t.template?.id?.name)).toEqual(["add"]);
    expect(compiled?.subWorkflows.map((w) => w.template?.id?.name)).toEqual(["inner"]);
  });

  test("is undefined for nodes that generated nothing, and reports a spec that does not compile", () => {
    const plain = runTo(dynamicSpec([taskNode("d0", "add", { x: input("n") })], { total: promise("d0", "o0") }, [add]));
    expect(engine.generatedWorkflow(plain.final, "dyn/d0")).toBeUndefined();
    expect(engine.generatedWorkflow(plain.final, "ghost")).toBeUndefined();
    // The engine runs it (it checks structure, not types), the compiler names the missing output.
    const untyped = runTo(dynamicSpec([taskNode("d0", "add", { x: input("n") })], {}, [add]));
    const generated = engine.generatedWorkflow(untyped.final, "dyn");
    expect(generated?.ok).toBe(false);
  });
});
