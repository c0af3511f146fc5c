import { toBinary } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { CompiledWorkflowClosureSchema, ComparisonOperator } from "@skein/idl";
import { describe, expect, it } from "vitest";
import { enumType, listType, optionalType, structType } from "../types/builders.js";
import { compileWorkflow } from "./compile-workflow.js";
import {
  BOOL, ERR, INT, STR, arrayNode, bindings, branchNode, closureOf, comparison, errorsOf, edges, int, launchPlan, launchPlanNode, list, node, promise, str,
  subWorkflowNode, task, taskNode, workflow,
} from "../test-support/compiler-fixtures.js";

const inc = task("inc", { a: INT }, { o0: INT });

describe("compileWorkflow: task nodes", () => {
  it("compiles a chain and derives connections from promises", () => {
    const wf = workflow("wf", {
      inputs: { x: INT },
      outputs: { y: INT },
      nodes: [taskNode("n0", "inc", { a: promise("start-node", "x") }), taskNode("n1", "inc", { a: promise("n0", "o0") })],
      bind: { y: promise("n1", "o0") },
    });
    const closure = closureOf(compileWorkflow({ workflow: wf, tasks: [inc, task("unused")] }));
    expect(edges(closure.primary).up).toEqual({ "end-node": ["n1"], n0: ["start-node"], n1: ["n0"] });
    expect(edges(closure.primary).down).toEqual({ "start-node": ["n0"], n0: ["n1"], n1: ["end-node"] });
    expect(closure.tasks.map((t) => t.template?.id?.name)).toEqual(["inc"]);
    expect(closure.primary?.template).toBe(wf);
  });

  it("waits on start-node for nodes without inputs and honours explicit upstream ids", () => {
    const wf = workflow("wf", {
      nodes: [taskNode("b", "noop"), taskNode("a", "noop", {}, { upstream: ["b"] }), taskNode("c", "noop")],
    });
    const closure = closureOf(compileWorkflow({ workflow: wf, tasks: [task("noop")] }));
    expect(edges(closure.primary).up).toEqual({ a: ["b"], b: ["start-node"], c: ["start-node"], "end-node": ["a", "c"] });
    expect(edges(closure.primary).down).toEqual({ "start-node": ["b", "c"], a: ["end-node"], b: ["a"], c: ["end-node"] });
  });

  it("connects start-node to end-node in an empty workflow, and outputs read straight from inputs", () => {
    const wf = workflow("wf", { inputs: { x: INT }, outputs: { y: INT }, bind: { y: promise("start-node", "x") } });
    const closure = closureOf(compileWorkflow({ workflow: wf, tasks: [] }));
    expect(edges(closure.primary)).toEqual({ up: { "end-node": ["start-node"] }, down: { "start-node": ["end-node"] } });
  });

  it("applies output aliases and accepts constants, collections and enum strings", () => {
    const colors = task("paint", { color: enumType(["red", "green"]), xs: listType(INT) }, { o0: STR });
    const wf = workflow("wf", {
      outputs: { painted: STR },
      nodes: [taskNode("n0", "paint", { color: str("red"), xs: list(int(1), int(2)) }, { aliases: { o0: "painted" } })],
      bind: { painted: promise("n0", "painted") },
    });
    closureOf(compileWorkflow({ workflow: wf, tasks: [colors] }));
  });

  it("types attribute paths into struct outputs by their schema", () => {
    const schema = { type: "object", properties: { count: { type: "integer" }, tags: { type: "array", items: { type: "string" } } } };
    const producer = task("produce", {}, { o0: structType(schema) });
    const wf = workflow("wf", {
      outputs: { n: INT, tag: STR },
      nodes: [taskNode("n0", "produce"), taskNode("n1", "inc", { a: promise("n0", "o0", "count") })],
      bind: { n: promise("n1", "o0"), tag: promise("n0", "o0", "tags", 0) },
    });
    closureOf(compileWorkflow({ workflow: wf, tasks: [producer, inc] }));
  });

  it("produces identical closures whatever the order of the given templates", () => {
    const tasks = [task("a", {}, { o: INT }), task("b", { x: INT }), task("c", { x: INT })];
    const wf = workflow("wf", {
      nodes: [taskNode("n2", "c", { x: promise("n0", "o") }), taskNode("n0", "a"), taskNode("n1", "b", { x: promise("n0", "o") })],
    });
    const one = closureOf(compileWorkflow({ workflow: wf, tasks }));
    const two = closureOf(compileWorkflow({ workflow: wf, tasks: [...tasks].reverse() }));
    expect(toBinary(CompiledWorkflowClosureSchema, one)).toEqual(toBinary(CompiledWorkflowClosureSchema, two));
    expect(one.tasks.map((t) => t.template?.id?.name)).toEqual(["a", "b", "c"]);
    expect(edges(one.primary).down["n0"]).toEqual(["n1", "n2"]);
  });
});

describe("compileWorkflow: workflow nodes", () => {
  it("inlines sub-workflows (transitively) with their own connections", () => {
    const leaf = workflow("leaf", {
      inputs: { a: INT }, outputs: { b: INT },
      nodes: [taskNode("l0", "inc", { a: promise("start-node", "a") })], bind: { b: promise("l0", "o0") },
    });
    const mid = workflow("mid", {
      inputs: { a: INT }, outputs: { b: INT },
      nodes: [subWorkflowNode("m0", "leaf", { a: promise("start-node", "a") })], bind: { b: promise("m0", "b") },
    });
    const wf = workflow("wf", {
      outputs: { r: INT }, nodes: [subWorkflowNode("s0", "mid", { a: int(1) })], bind: { r: promise("s0", "b") },
    });
    const closure = closureOf(compileWorkflow({ workflow: wf, tasks: [inc], subWorkflows: [mid, leaf, workflow("other")] }));
    expect(closure.subWorkflows.map((s) => s.template?.id?.name)).toEqual(["leaf", "mid"]);
    expect(edges(closure.subWorkflows[0]).up).toEqual({ "end-node": ["l0"], l0: ["start-node"] });
    expect(closure.tasks).toHaveLength(1);
  });

  it("calls launch plans without their fixed inputs, leaving optional inputs unbound", () => {
    const plan = launchPlan("lp", { a: INT, fixedA: INT, maybe: optionalType(STR) }, { out: STR }, { fixedA: 3n });
    const wf = workflow("wf", {
      outputs: { r: STR }, nodes: [launchPlanNode("c0", "lp", { a: int(2) })], bind: { r: promise("c0", "out") },
    });
    const closure = closureOf(compileWorkflow({ workflow: wf, tasks: [], launchPlans: [plan] }));
    expect(closure.launchPlans.map((l) => l.template?.id?.name)).toEqual(["lp"]);
  });
});

describe("compileWorkflow: branch, gate and array nodes", () => {
  it("compiles a branch whose outputs are those every case provides", () => {
    const branch = branchNode("b", { x: promise("start-node", "x") }, [
      { when: comparison(ComparisonOperator.GT, { var: "x" }, 0), then: taskNode("pos", "inc", { a: promise("n0", "o0") }) },
    ], taskNode("neg", "inc", { a: promise("start-node", "x") }));
    const wf = workflow("wf", {
      inputs: { x: INT }, outputs: { r: INT },
      nodes: [taskNode("n0", "inc", { a: int(1) }), branch], bind: { r: promise("b", "o0") },
    });
    const closure = closureOf(compileWorkflow({ workflow: wf, tasks: [inc] }));
    expect(edges(closure.primary).up["b"]).toEqual(["n0", "start-node"]);
    expect(edges(closure.primary).up["end-node"]).toEqual(["b"]);
  });

  it("compiles approve, signal and sleep gates; a signal gate outputs its value", () => {
    const approve = node({ id: "ok", upstreamNodeIds: ["n0"], target: { case: "gateNode", value: { condition: { case: "approve", value: { signalId: "go" } } } } });
    const signal = node({ id: "ask", target: { case: "gateNode", value: { condition: { case: "signal", value: { signalId: "count", type: INT, outputVariableName: "value" } } } } });
    const sleep = node({ id: "nap", target: { case: "gateNode", value: { condition: { case: "sleep", value: { duration: durationFromMs(1000) } } } } });
    const wf = workflow("wf", {
      outputs: { r: INT },
      nodes: [taskNode("n0", "inc", { a: int(1) }), approve, signal, sleep, taskNode("n1", "inc", { a: promise("ask", "value") }, { upstream: ["ok", "nap"] })],
      bind: { r: promise("n1", "o0") },
    });
    const closure = closureOf(compileWorkflow({ workflow: wf, tasks: [inc] }));
    expect(edges(closure.primary).up["n1"]).toEqual(["ask", "nap", "ok"]);
    const wrong = task("inc", { a: STR }, { o0: INT });
    expect(errorsOf(compileWorkflow({ workflow: wf, tasks: [wrong] })).map((e) => e.message)).toEqual([
      'workflow "wf", node "n0", input "a": expected string, got int constant 1',
      'workflow "wf", node "n1", input "a": expected string, got int from ask.value',
    ]);
    expect(edges(closure.primary).up["ok"]).toEqual(["n0"]);
  });

  it("maps a task over lists; outputs become lists, optional items when failures are tolerated", () => {
    const add = task("add", { a: INT, b: INT }, { o0: INT });
    const array = (id: string, ratio?: number) => node({
      id,
      inputs: bindings({ a: promise("start-node", "xs"), b: int(10) }),
      target: {
        case: "arrayNode",
        value: {
          node: taskNode("item", "add"), boundInputs: ["b"],
          successCriteria: ratio === undefined ? { case: undefined } : { case: "minSuccessRatio", value: ratio },
        },
      },
    });
    const wf = workflow("wf", {
      inputs: { xs: listType(INT) }, outputs: { all: listType(INT), some: listType(optionalType(INT)) },
      nodes: [array("m0"), array("m1", 0.5)], bind: { all: promise("m0", "o0"), some: promise("m1", "o0") },
    });
    closureOf(compileWorkflow({ workflow: wf, tasks: [add] }));
    // Items of a run that may fail are optional: a list of plain ints does not accept them.
    const strict = workflow("wf", {
      inputs: { xs: listType(INT) }, outputs: { some: listType(INT) }, nodes: [array("m1", 0.5)], bind: { some: promise("m1", "o0") },
    });
    expect(errorsOf(compileWorkflow({ workflow: strict, tasks: [add] })).map((e) => e.message)).toEqual([
      'workflow "wf", output "some": expected list<int>, got list<optional<int>> from m1.o0',
    ]);
  });

  it("maps a sub-workflow; its outputs become lists too", () => {
    const sub = workflow("sub", { inputs: { a: INT }, outputs: { b: STR }, bind: { b: str("done") } });
    const wf = workflow("wf", {
      inputs: { xs: listType(INT) }, outputs: { bs: listType(STR) },
      nodes: [arrayNode("m", subWorkflowNode("item", "sub"), { a: promise("start-node", "xs") })], bind: { bs: promise("m", "b") },
    });
    const closure = closureOf(compileWorkflow({ workflow: wf, tasks: [], subWorkflows: [sub] }));
    expect(closure.subWorkflows.map((w) => w.template?.id?.name)).toEqual(["sub"]);
  });

  it("gives a branch only the outputs all its cases share; an error default adds no case", () => {
    const both = task("both", {}, { o0: INT, extra: STR });
    const wf = (readExtra: boolean) => workflow("wf", {
      inputs: { x: INT }, outputs: { r: INT },
      nodes: [
        branchNode("b", { x: promise("start-node", "x") }, [
          { when: comparison(ComparisonOperator.GT, { var: "x" }, 0), then: taskNode("one", "both") },
          { when: comparison(ComparisonOperator.LT, { var: "x" }, 0), then: taskNode("two", "inc", { a: int(0) }) },
        ]),
        taskNode("after", "greet", { s: promise("b", readExtra ? "extra" : "o0") }),
      ],
      bind: { r: promise("b", "o0") },
    });
    const greet = task("greet", { s: STR });
    const errors = errorsOf(compileWorkflow({ workflow: wf(true), tasks: [both, inc, greet] }));
    expect(errors.map((e) => e.message)).toEqual(['workflow "wf", node "after", input "s": reads b.extra, but node "b" has no output "extra" (outputs: o0)']);
    const mismatch = errorsOf(compileWorkflow({ workflow: wf(false), tasks: [both, inc, greet] }));
    expect(mismatch.map((e) => e.code)).toEqual(["BINDING_TYPE_MISMATCH"]);
  });

  it("compiles a failure node that reads workflow inputs and receives the error", () => {
    const report = task("report", { who: STR, err: ERR });
    const wf = workflow("wf", {
      inputs: { who: STR, flag: BOOL },
      nodes: [taskNode("n0", "inc", { a: int(1) })],
      failureNode: taskNode("on-fail", "report", { who: promise("start-node", "who") }),
    });
    const closure = closureOf(compileWorkflow({ workflow: wf, tasks: [inc, report] }));
    expect(closure.tasks.map((t) => t.template?.id?.name)).toEqual(["inc", "report"]);
    expect(edges(closure.primary).up["on-fail"]).toBeUndefined();
  });
});
