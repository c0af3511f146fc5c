import { create } from "@bufbuild/protobuf";
import { ResourceType, TaskTemplateSchema, WorkflowExecutionPhase as W } from "@skein/idl";
import { describe, expect, it } from "vitest";
import { createEngine } from "../executor/engine.js";
import { runWorkflow } from "../executor/test-driver.js";
import { int, lmap, readInt, sumPlusOne } from "../executor/test-fixtures.js";
import { INT, STR, task } from "../test-support/compiler-fixtures.js";
import { START_NODE } from "./names.js";
import { SINGLE_TASK_NODE, SingleTaskError, singleTaskWorkflow, singleTaskWorkflowId } from "./single-task.js";

describe("singleTaskWorkflow", () => {
  const add = task("add", { b: INT, a: INT }, { total: INT, o0: INT });

  it("is one node calling the task, every input from the workflow input of its name, every output exposed", () => {
    const closure = singleTaskWorkflow(add);
    const wf = closure.primary?.template;
    expect(wf?.id).toEqual(singleTaskWorkflowId({ project: "p", domain: "d", name: "add", version: "v1" }));
    expect(wf?.nodes.map((n) => n.id)).toEqual([SINGLE_TASK_NODE]);
    const node = wf?.nodes[0];
    expect(node?.metadata?.name).toBe("add");
    expect(node?.target).toMatchObject({ case: "taskNode", value: { reference: { case: "referenceId", value: add.id } } });
    const source = (b: { binding?: { value: { case?: string; value?: unknown } } }) => b.binding?.value.value;
    expect(node?.inputs.map((b) => [b.var, source(b)])).toEqual([
      ["a", expect.objectContaining({ nodeId: START_NODE, var: "a" })],
      ["b", expect.objectContaining({ nodeId: START_NODE, var: "b" })],
    ]);
    expect(wf?.outputs.map((b) => [b.var, source(b)])).toEqual([
      ["o0", expect.objectContaining({ nodeId: SINGLE_TASK_NODE, var: "o0" })],
      ["total", expect.objectContaining({ nodeId: SINGLE_TASK_NODE, var: "total" })],
    ]);
    expect(wf?.interface).toEqual(add.interface);
    expect(closure.tasks.map((t) => t.template?.id)).toEqual([add.id]);
  });

  it("runs: the workflow's outputs are the task's", () => {
    const closure = singleTaskWorkflow(task("inc", { x: INT }, { o0: INT }));
    const run = runWorkflow(createEngine(closure), lmap({ x: int(41) }), { tasks: { inc: sumPlusOne } });
    expect(run.state.phase).toBe(W.SUCCEEDED);
    expect(run.attempts.map((a) => a.node)).toEqual([SINGLE_TASK_NODE]);
    expect(readInt(run.state.outputs?.literals.o0)).toBe(42n);
  });

  it("gives a workflow id no registered workflow can have, keeping the task's project, domain and version", () => {
    expect(singleTaskWorkflowId({ project: "p", domain: "d", name: "add", version: "v7" })).toMatchObject({
      resourceType: ResourceType.WORKFLOW,
      project: "p",
      domain: "d",
      name: ".skeingen.add",
      version: "v7",
    });
  });

  it("refuses a template without an id", () => {
    const thrown = catchError(() => singleTaskWorkflow(create(TaskTemplateSchema, { type: "typescript" })));
    expect(thrown).toBeInstanceOf(SingleTaskError);
    expect(thrown).toMatchObject({ name: "SingleTaskError", reason: "missing-id", message: "task template has no id" });
  });

  it("refuses a task that does not compile, listing why", () => {
    const thrown = catchError(() => singleTaskWorkflow(task("bad", { a: STR }, {}, { type: "" })));
    expect(thrown).toBeInstanceOf(SingleTaskError);
    expect(thrown).toMatchObject({ reason: "compile" });
    expect((thrown as Error).message).toBe('task bad@v1 cannot run on its own: [INVALID_TASK] workflow ".skeingen.bad", task "p/d/bad@v1": the task has no type');
  });
});

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("expected an error");
}
