import { isTerminalNodePhase } from "../phases.js";
import { dynamicDone } from "./dynamic-node.js";
import type { Scope, ScopeResult } from "./kernel.js";
import { locate } from "./locate.js";
import type { Tx } from "./tx.js";
import { workflowDone } from "./workflow-phase.js";
import { subworkflowDone } from "./workflow-node.js";

/** A scope ended: the workflow (root scope) or the node that owns it ends with it. */
export function scopeDone(tx: Tx, scope: Scope, result: ScopeResult): void {
  if (scope.owner === undefined) {
    workflowDone(tx, result);
    return;
  }
  const owner = locate(tx, scope.owner);
  const state = tx.node(scope.owner);
  if (!owner || !state || isTerminalNodePhase(state.phase)) return;
  if (owner.node.target.case === "taskNode") dynamicDone(tx, owner, result);
  else subworkflowDone(tx, owner, result);
}
