import type { Identifier } from "@skein/idl";
import { compileDynamicJob } from "../compiler/compile-dynamic.js";
import type { CompileResult } from "../compiler/compile-workflow.js";
import { assertNever } from "../assert-never.js";
import type { ExecutionState, NodeKind, NodePath } from "./api.js";
import { dynamicScope, locate } from "./locate.js";
import { taskOf } from "./task-common.js";
import { detailOf, Tx, type EngineEnv } from "./tx.js";

// What a node is, for drivers that report it (admin's is_parent, is_array and is_dynamic, and the
// graph a dynamic node generated). Read-only: the Tx built here only serves the path walk.

export function nodeKindAt(env: EngineEnv, state: ExecutionState, path: NodePath): NodeKind | undefined {
  const tx = new Tx(env, state, 0);
  const inst = locate(tx, path);
  const target = inst?.node.target;
  switch (target?.case) {
    case "taskNode":
      return detailOf(tx.node(path))?.kind === "dynamic" ? "dynamic" : "task";
    case "workflowNode":
      return target.value.reference.case === "launchplanRef" ? "launchPlan" : "subworkflow";
    case "branchNode":
      return "branch";
    case "arrayNode":
      return "array";
    case "gateNode":
      return "gate";
    case undefined:
      return undefined;
    default:
      return assertNever(target, "node target");
  }
}

export function generatedWorkflowAt(env: EngineEnv, workflowId: Identifier | undefined, state: ExecutionState, path: NodePath): CompileResult | undefined {
  const tx = new Tx(env, state, 0);
  const inst = locate(tx, path);
  const detail = detailOf(tx.node(path));
  if (inst === undefined || detail?.kind !== "dynamic") return undefined;
  const task = taskOf(inst);
  // The spec's own templates shadow the scope's, as they do when the spec runs.
  const visible = dynamicScope(path, detail.spec, inst.scope.library).library.visible();
  return compileDynamicJob(detail.spec, {
    parentNode: path,
    workflowName: workflowId?.name ?? "",
    ...(workflowId !== undefined ? { workflowId } : {}),
    tasks: visible.tasks,
    subWorkflows: visible.workflows,
    launchPlans: visible.launchPlans,
    ...(task?.interface !== undefined ? { parentInterface: task.interface } : {}),
  });
}
