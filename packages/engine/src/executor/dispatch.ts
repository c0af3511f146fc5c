import { NodeExecutionPhase, type LiteralMap } from "@skein/idl";
import { assertNever } from "../assert-never.js";
import type { NodeState } from "./api.js";
import { abortNode } from "./abort.js";
import { arrayItemDone, beginArray, startArray } from "./array-node.js";
import { branchChildDone, startBranch } from "./branch-node.js";
import { startGate } from "./gate-node.js";
import type { Instance, Kernel } from "./kernel.js";
import { finish } from "./lifecycle.js";
import { userError } from "./literal-values.js";
import { abortScope, failureNodeDone, scopeChildDone, startScope } from "./scope.js";
import { scopeDone } from "./scope-owner.js";
import { beginAttempt, startTask } from "./task-node.js";
import type { Tx } from "./tx.js";
import { beginChild, startWorkflowNode } from "./workflow-node.js";

// The one place that knows every node kind and parent kind: the Kernel the modules call through.

function enter(tx: Tx, inst: Instance, inputs: LiteralMap): void {
  const target = inst.node.target;
  switch (target.case) {
    case "taskNode":
      startTask(tx, inst, inputs);
      return;
    case "workflowNode":
      startWorkflowNode(tx, inst, inputs);
      return;
    case "branchNode":
      startBranch(tx, inst, inputs);
      return;
    case "gateNode":
      startGate(tx, inst, inputs);
      return;
    case "arrayNode":
      startArray(tx, inst, inputs);
      return;
    case undefined:
      finish(tx, inst, { phase: NodeExecutionPhase.FAILED, error: userError("MissingTarget", `node "${inst.path}" has nothing to run`) });
      return;
    default:
      assertNever(target, "node target");
  }
}

function childDone(tx: Tx, inst: Instance, state: NodeState): void {
  const parent = inst.parent;
  switch (parent.kind) {
    case "scope":
      scopeChildDone(tx, inst, state);
      return;
    case "failure":
      failureNodeDone(tx, inst, state);
      return;
    case "branch":
      branchChildDone(tx, inst, state);
      return;
    case "array":
      arrayItemDone(tx, inst, state);
      return;
    default:
      assertNever(parent, "parent");
  }
}

function slotGranted(tx: Tx, inst: Instance): void {
  if (inst.node.target.case === "taskNode") beginAttempt(tx, inst);
  else if (inst.node.target.case === "arrayNode") beginArray(tx, inst);
  else beginChild(tx, inst);
}

export const kernel: Kernel = { enter, childDone, abort: abortNode, slotGranted, startScope, abortScope, scopeDone };
