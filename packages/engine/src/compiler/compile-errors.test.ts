import { create } from "@bufbuild/protobuf";
import { BindingSchema, WorkflowTemplateSchema } from "@skein/idl";
import { describe, expect, it } from "vitest";
import { enumType, listType, structType } from "../types/builders.js";
import { compileWorkflow, type CompileInput } from "./compile-workflow.js";
import {
  INT, STR, errorsOf, iface, int, launchPlan, launchPlanNode, list, node, onlyError, promise, str, subWorkflowNode, task,
  taskNode, workflow, type WorkflowSpec,
} from "../test-support/compiler-fixtures.js";

const inc = task("inc", { a: INT }, { o0: INT });
const greet = task("greet", { name: STR }, { o0: STR });
const tasks = [inc, greet];
const compile = (spec: WorkflowSpec, extra: Partial<CompileInput> = {}) =>
  errorsOf(compileWorkflow({ workflow: workflow("wf", spec), tasks, ...extra }));

describe("compile errors: workflow and node ids", () => {
  it("INVALID_WORKFLOW: a workflow without id", () => {
    const errors = errorsOf(compileWorkflow({ workflow: create(WorkflowTemplateSchema, {}), tasks }));
    expect(onlyError(errors, "INVALID_WORKFLOW").message).toBe('workflow "<unnamed>": the workflow has no id');
  });

  it("INVALID_INTERFACE: an input name that is not an identifier", () => {
    const e = onlyError(compile({ inputs: { "1x": INT } }), "INVALID_INTERFACE");
    expect(e).toMatchObject({ workflow: "wf", input: "1x" });
    expect(e.message).toContain("is not a valid input name");
  });

  it("INVALID_NODE_ID, DUPLICATE_NODE_ID, RESERVED_NODE_ID", () => {
    const errors = compile({
      nodes: [taskNode("bad id", "inc", { a: int(1) }), taskNode("n0", "inc", { a: int(1) }), taskNode("n0", "inc", { a: int(2) }), taskNode("end-node", "inc", { a: int(3) })],
    });
    expect(onlyError(errors, "INVALID_NODE_ID")).toMatchObject({ workflow: "wf", node: "bad id" });
    expect(onlyError(errors, "DUPLICATE_NODE_ID").message).toBe('workflow "wf", node "n0": another node already uses the id "n0"');
    expect(onlyError(errors, "RESERVED_NODE_ID").message).toBe('workflow "wf", node "end-node": "end-node" is reserved for the implicit workflow node');
  });

  it("MISSING_TARGET: a node that runs nothing", () => {
    expect(onlyError(compile({ nodes: [node({ id: "n0" })] }), "MISSING_TARGET")).toMatchObject({ node: "n0" });
  });
});

describe("compile errors: references to templates", () => {
  it("UNKNOWN_TASK, UNKNOWN_SUBWORKFLOW, UNKNOWN_LAUNCH_PLAN", () => {
    const errors = compile({ nodes: [taskNode("t", "nope"), subWorkflowNode("s", "nosub"), launchPlanNode("l", "nolp")] });
    expect(onlyError(errors, "UNKNOWN_TASK").message).toBe('workflow "wf", node "t": no task "p/d/nope@v1" was given to the compiler');
    expect(onlyError(errors, "UNKNOWN_SUBWORKFLOW")).toMatchObject({ node: "s" });
    expect(onlyError(errors, "UNKNOWN_LAUNCH_PLAN")).toMatchObject({ node: "l" });
    expect(errors).toHaveLength(3);
  });

  it("DUPLICATE_DEFINITION: two different templates under one id", () => {
    const errors = compile({}, { tasks: [inc, task("inc", { b: INT })] });
    expect(onlyError(errors, "DUPLICATE_DEFINITION").message).toContain('two different task templates are given for "p/d/inc@v1"');
  });

  it("RECURSIVE_SUBWORKFLOW: sub-workflows that run each other", () => {
    const a = workflow("a", { nodes: [subWorkflowNode("x", "b")] });
    const b = workflow("b", { nodes: [subWorkflowNode("y", "a")] });
    const errors = compile({ nodes: [subWorkflowNode("s", "a")] }, { subWorkflows: [a, b] });
    expect(onlyError(errors, "RECURSIVE_SUBWORKFLOW").message).toContain("p/d/a@v1 -> p/d/b@v1 -> p/d/a@v1");
  });
});

describe("compile errors: promises and bindings", () => {
  it("UNKNOWN_NODE: promises and upstream ids naming missing, nested or reserved nodes", () => {
    const errors = compile({
      nodes: [
        taskNode("n0", "inc", { a: promise("ghost", "o0") }, { upstream: ["phantom"] }),
        node({ id: "m", inputs: [], target: { case: "arrayNode", value: { node: taskNode("inner", "inc") } } }),
        taskNode("n1", "inc", { a: promise("inner", "o0") }),
        taskNode("n2", "inc", { a: promise("end-node", "o0") }),
      ],
    }).filter((e) => e.code === "UNKNOWN_NODE");
    expect(errors.map((e) => [e.node, e.input])).toEqual([["n0", undefined], ["n0", "a"], ["n1", "a"], ["n2", "a"]]);
    expect(errors[1]?.message).toBe('workflow "wf", node "n0", input "a": reads ghost.o0, but the workflow has no node "ghost"');
    expect(errors[2]?.message).toContain('nested inside node "m"');
    expect(errors[3]?.message).toContain("end-node has no outputs");
  });

  it("UNKNOWN_OUTPUT: missing outputs, missing workflow inputs, bad attribute paths", () => {
    const producer = task("produce", {}, { s: structType({ type: "object", properties: { a: { type: "integer" } } }), xs: listType(INT) });
    const errors = errorsOf(compileWorkflow({
      workflow: workflow("wf", {
        nodes: [
          taskNode("p", "produce"),
          taskNode("n0", "inc", { a: promise("p", "nope") }),
          taskNode("n1", "inc", { a: promise("start-node", "x") }),
          taskNode("n2", "inc", { a: promise("p", "s", "b") }),
          taskNode("n3", "inc", { a: promise("p", "xs", "key") }),
        ],
      }),
      tasks: [inc, producer],
    })).filter((e) => e.code === "UNKNOWN_OUTPUT");
    expect(errors.map((e) => e.node)).toEqual(["n0", "n1", "n2", "n3"]);
    expect(errors[0]?.message).toBe('workflow "wf", node "n0", input "a": reads p.nope, but node "p" has no output "nope" (outputs: s, xs)');
    expect(errors[1]?.message).toContain('the workflow has no input "x"');
    expect(errors[2]?.message).toContain('the struct has no field "b" (fields: a)');
    expect(errors[3]?.message).toContain('list<int> is indexed by position, not by key "key"');
  });

  it("UNKNOWN_INPUT: bindings the target does not declare, or that a launch plan fixes", () => {
    const plan = launchPlan("lp", { a: INT, f: INT }, {}, { f: 1n });
    const errors = compile({ nodes: [taskNode("n0", "inc", { a: int(1), b: int(2) }), launchPlanNode("c", "lp", { a: int(1), f: int(2) })] }, { launchPlans: [plan] });
    const unknown = errors.filter((e) => e.code === "UNKNOWN_INPUT");
    expect(unknown.map((e) => [e.node, e.input])).toEqual([["n0", "b"], ["c", "f"]]);
    expect(unknown[0]?.message).toBe('workflow "wf", node "n0", input "b": task "p/d/inc@v1" has no such input (inputs: a)');
    expect(unknown[1]?.message).toContain('fixed by launch plan "p/d/lp@v1"');
  });

  it("MISSING_INPUT: unbound task, sub-workflow and launch plan inputs", () => {
    const sub = workflow("sub", { inputs: { s: STR } });
    const plan = launchPlan("lp", { req: INT }, {});
    const errors = compile({ nodes: [taskNode("n0", "inc"), subWorkflowNode("s0", "sub"), launchPlanNode("l0", "lp")] }, { subWorkflows: [sub], launchPlans: [plan] });
    const missing = errors.filter((e) => e.code === "MISSING_INPUT");
    expect(missing.map((e) => [e.node, e.input])).toEqual([["n0", "a"], ["s0", "s"], ["l0", "req"]]);
    expect(missing[0]?.message).toBe('workflow "wf", node "n0", input "a": required input of task "p/d/inc@v1" (int) is not bound');
  });

  it("DUPLICATE_BINDING and INVALID_BINDING", () => {
    const n = taskNode("n0", "inc", { a: int(1) });
    n.inputs.push(create(BindingSchema, { var: "a", binding: int(2) }), create(BindingSchema, { var: "z" }));
    const errors = compile({ nodes: [n] });
    expect(onlyError(errors, "DUPLICATE_BINDING")).toMatchObject({ node: "n0", input: "a" });
    expect(onlyError(errors, "INVALID_BINDING")).toMatchObject({ node: "n0", input: "z" });
  });

  it("BINDING_TYPE_MISMATCH: names both types and the source", () => {
    const colors = task("paint", { c: enumType(["red", "green"]), xs: listType(INT) });
    const errors = errorsOf(compileWorkflow({
      workflow: workflow("wf", {
        outputs: { y: INT },
        nodes: [
          taskNode("n0", "inc", { a: int(1) }),
          taskNode("n1", "greet", { name: promise("n0", "o0") }),
          taskNode("n2", "paint", { c: str("blue"), xs: list(int(1), str("two")) }),
        ],
        bind: { y: promise("n1", "o0") },
      }),
      tasks: [inc, greet, colors],
    })).filter((e) => e.code === "BINDING_TYPE_MISMATCH");
    expect(errors.map((e) => e.message)).toEqual([
      'workflow "wf", node "n1", input "name": expected string, got int from n0.o0',
      'workflow "wf", node "n2", input "c": expected enum{red|green}, got "blue", which is not one of its values',
      'workflow "wf", node "n2", input "xs": at [1]: expected int, got string constant "two"',
      'workflow "wf", output "y": expected int, got string from n1.o0',
    ]);
  });

  it("MISSING_OUTPUT and UNKNOWN_OUTPUT on workflow outputs", () => {
    const errors = compile({ outputs: { y: INT }, bind: { z: int(1) } });
    expect(onlyError(errors, "MISSING_OUTPUT").message).toBe('workflow "wf", output "y": the declared output (int) is not bound');
    expect(onlyError(errors, "UNKNOWN_OUTPUT")).toMatchObject({ output: "z" });
  });

  it("INVALID_ALIAS: aliases of outputs the node does not produce", () => {
    const errors = compile({ nodes: [taskNode("n0", "inc", { a: int(1) }, { aliases: { nope: "x" } })] });
    expect(onlyError(errors, "INVALID_ALIAS")).toMatchObject({ node: "n0", output: "x" });
  });

  it("reports a template-level task problem with the workflow and task", () => {
    const bad = task("cached", {}, {}, { metadata: { discoverable: true } });
    const errors = errorsOf(compileWorkflow({ workflow: workflow("wf", { nodes: [taskNode("n0", "cached")] }), tasks: [bad] }));
    expect(onlyError(errors, "INVALID_CACHE_SETTINGS")).toMatchObject({ workflow: "wf", task: "p/d/cached@v1" });
  });

  it("checks the template's own interface variables even with nodes untouched", () => {
    const wf = workflow("wf");
    wf.interface = iface({}, { "bad-name": INT });
    const errors = errorsOf(compileWorkflow({ workflow: wf, tasks }));
    expect(errors.map((e) => e.code).sort()).toEqual(["INVALID_INTERFACE", "MISSING_OUTPUT"]);
  });
});
