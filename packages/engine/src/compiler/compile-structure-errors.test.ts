import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { ComparisonOperator } from "@skein/idl";
import { describe, expect, it } from "vitest";
import { listType } from "../types/builders.js";
import { compileWorkflow, type CompileInput } from "./compile-workflow.js";
import {
  ERR, FLOAT, INT, STR, arrayNode, branchNode, comparison, errorsOf, int, node, onlyError, promise, task, taskNode, workflow,
  type WorkflowSpec,
} from "../test-support/compiler-fixtures.js";

const inc = task("inc", { a: INT }, { o0: INT });
const text = task("text", { a: INT }, { o0: STR });
const noop = task("noop");
const tasks = [inc, text, noop];
const compile = (spec: WorkflowSpec, extra: Partial<CompileInput> = {}) =>
  errorsOf(compileWorkflow({ workflow: workflow("wf", spec), tasks, ...extra }));

describe("compile errors: graph", () => {
  it("CYCLE names the nodes on the cycle; UNREACHABLE_NODE the nodes it blocks", () => {
    const errors = compile({
      outputs: { y: INT },
      nodes: [
        taskNode("n1", "inc", { a: promise("n3", "o0") }),
        taskNode("n2", "inc", { a: promise("n1", "o0") }),
        taskNode("n3", "inc", { a: promise("n2", "o0") }),
        taskNode("n4", "inc", { a: promise("n3", "o0") }),
        taskNode("n5", "noop", {}, { upstream: ["n4"] }),
        taskNode("ok", "inc", { a: int(1) }),
        taskNode("self", "noop", {}, { upstream: ["self"] }),
      ],
      bind: { y: promise("n4", "o0") },
    });
    const cycles = errors.filter((e) => e.code === "CYCLE");
    expect(cycles.map((e) => e.message)).toEqual([
      'workflow "wf", node "n1": nodes n1 -> n2 -> n3 -> n1 form a cycle',
      'workflow "wf", node "self": the node depends on itself',
    ]);
    const unreachable = errors.filter((e) => e.code === "UNREACHABLE_NODE");
    expect(unreachable.map((e) => [e.node, e.output])).toEqual([["n4", undefined], ["n5", undefined], [undefined, undefined]]);
    expect(unreachable[0]?.message).toBe('workflow "wf", node "n4": the node can never run: it depends on "n3", which can never run (a cycle blocks it)');
    expect(unreachable[2]?.message).toContain('a workflow output reads node "n4", which can never run');
    expect(errors).toHaveLength(5);
  });

  it("reports every problem of a broken workflow in one result", () => {
    const errors = compile({
      inputs: { x: INT },
      outputs: { y: STR, z: INT },
      nodes: [
        taskNode("a", "inc", { a: promise("start-node", "x"), extra: int(1) }),
        taskNode("b", "text", { a: promise("a", "nope") }),
        taskNode("a", "inc", { a: int(2) }),
        taskNode("c", "missing"),
        taskNode("d", "inc"),
        taskNode("e", "inc", { a: promise("b", "o0") }),
      ],
      bind: { y: promise("a", "o0") },
    });
    expect(errors.map((e) => `${e.code} ${e.node ?? ""}${e.output ?? ""}`)).toEqual([
      "DUPLICATE_NODE_ID a",
      "UNKNOWN_TASK c",
      "UNKNOWN_INPUT a",
      "UNKNOWN_OUTPUT b",
      "MISSING_INPUT d",
      "BINDING_TYPE_MISMATCH e",
      "BINDING_TYPE_MISMATCH y",
      "MISSING_OUTPUT z",
    ]);
  });
});

describe("compile errors: branch nodes", () => {
  const gt = (l: { var: string } | number | string, r: { var: string } | number | string) => comparison(ComparisonOperator.GT, l, r);

  it("INVALID_BRANCH: no cases, a case without node, unknown or incomparable operands", () => {
    const errors = compile({
      inputs: { x: INT, s: STR },
      nodes: [
        branchNode("empty", {}, []),
        branchNode("b", { x: promise("start-node", "x"), s: promise("start-node", "s") }, [
          { when: gt({ var: "x" }, 0) },
          { when: gt({ var: "y" }, 0), then: taskNode("t1", "noop") },
          { when: gt({ var: "x" }, { var: "s" }), then: taskNode("t2", "noop") },
          { when: comparison(ComparisonOperator.EQ, { var: "s" }, 1), then: taskNode("t3", "noop") },
        ]),
      ],
    }).filter((e) => e.code === "INVALID_BRANCH");
    expect(errors.map((e) => [e.node, e.input ?? null, e.message.split(": ").slice(1).join(": ")])).toEqual([
      ["empty", null, "the branch has no cases"],
      ["b", null, "case 1 has no then_node"],
      ["b", "y", 'case 2: the operand "y" is not an input of the branch node (inputs: s, x)'],
      ["b", "x", 'case 3: cannot compare "x" (int) with "s" (string)'],
      ["b", "s", 'case 4: cannot compare "s" (string) with 1'],
    ]);
  });

  it("INVALID_BRANCH: cases disagreeing on an output's type; nested nodes are checked too", () => {
    const errors = compile({
      inputs: { x: FLOAT },
      nodes: [branchNode("b", { x: promise("start-node", "x") }, [
        { when: gt({ var: "x" }, 1), then: taskNode("i", "inc", { a: int(1) }) },
      ], taskNode("s", "text"))],
    });
    expect(onlyError(errors, "INVALID_BRANCH")).toMatchObject({ node: "b", output: "o0" });
    expect(onlyError(errors, "INVALID_BRANCH").message).toContain("the cases disagree on the type of output \"o0\": int and string");
    expect(onlyError(errors, "MISSING_INPUT")).toMatchObject({ node: "b/s", input: "a" });
  });
});

describe("compile errors: array, gate, failure nodes and metadata", () => {
  it("INVALID_ARRAY: non-list mapped input, unknown bound input, bad ratio, sub-node bindings", () => {
    const errors = compile({
      inputs: { xs: listType(INT), one: INT },
      nodes: [
        arrayNode("m0", taskNode("t", "inc"), { a: promise("start-node", "one") }),
        arrayNode("m1", taskNode("t", "inc"), { a: promise("start-node", "xs") }, { bound: ["zz"], ratio: 1.5 }),
        arrayNode("m2", taskNode("t", "inc", { a: int(1) }), { a: promise("start-node", "xs") }),
        arrayNode("m3", node({ id: "g", target: { case: "gateNode", value: { condition: { case: "approve", value: { signalId: "s" } } } } }), {}),
      ],
    }).filter((e) => e.code === "INVALID_ARRAY");
    // Target problems (ratio, sub-node kind) are found before bindings are checked.
    expect(errors.map((e) => [e.node, e.input ?? null])).toEqual([
      ["m1", null], ["m3", null], ["m0", "a"], ["m1", "zz"], ["m2/t", null],
    ]);
    expect(errors[0]?.message).toContain("min_success_ratio must be between 0 and 1, not 1.5");
    expect(errors[1]?.message).toContain("not a gate node");
    expect(errors[2]?.message).toBe('workflow "wf", node "m0", input "a": a mapped input must be a list, got int; list it in bound_inputs to pass it whole');
  });

  it("INVALID_GATE: a signal without type, a negative sleep", () => {
    const errors = compile({
      nodes: [
        node({ id: "sig", target: { case: "gateNode", value: { condition: { case: "signal", value: { signalId: "s", outputVariableName: "v" } } } } }),
        node({ id: "nap", target: { case: "gateNode", value: { condition: { case: "sleep", value: { duration: durationFromMs(-5) } } } } }),
      ],
    }).filter((e) => e.code === "INVALID_GATE");
    expect(errors.map((e) => e.message)).toEqual([
      'workflow "wf", node "sig": signal gate declares no type',
      'workflow "wf", node "nap": sleep gate has a negative duration (-5 ms)',
    ]);
  });

  it("INVALID_FAILURE_NODE: reading node outputs, binding err; err of a non-error type", () => {
    const onFail = task("on-fail", { v: INT, err: ERR });
    const wrongErr = task("wrong-err", { err: INT });
    const failing = taskNode("f", "on-fail", { v: promise("n0", "o0"), err: int(1) });
    const errors = compile({ nodes: [taskNode("n0", "inc", { a: int(1) })], failureNode: failing }, { tasks: [inc, onFail] });
    expect(errors.filter((e) => e.code === "INVALID_FAILURE_NODE").map((e) => e.message)).toEqual([
      'workflow "wf", node "f", input "err": the failure node receives the error in this input; it cannot be bound',
      'workflow "wf", node "f": the failure node may read only workflow inputs, but depends on node "n0"',
    ]);
    const typed = compile({ failureNode: taskNode("f", "wrong-err") }, { tasks: [wrongErr] });
    expect(onlyError(typed, "BINDING_TYPE_MISMATCH")).toMatchObject({ node: "f", input: "err" });
  });

  it("INVALID_NODE_METADATA and INVALID_RETRY_STRATEGY on node settings", () => {
    const errors = compile({
      nodes: [taskNode("n0", "noop", {}, { metadata: { timeout: durationFromMs(-1000), retries: { retries: 1000, multiplier: 0.5 } } })],
    });
    expect(onlyError(errors, "INVALID_NODE_METADATA").message).toBe('workflow "wf", node "n0": timeout is negative (-1000 ms)');
    expect(errors.filter((e) => e.code === "INVALID_RETRY_STRATEGY")).toHaveLength(2);
  });
});
