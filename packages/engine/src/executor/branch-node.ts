import { NodeExecutionPhase, type LiteralMap, type Node } from "@skein/idl";
import { isSuccessfulNodePhase, isTerminalNodePhase } from "../phases.js";
import type { NodeState } from "./api.js";
import { evaluateCondition } from "./conditions.js";
import type { Instance } from "./kernel.js";
import { finish } from "./lifecycle.js";
import { userError } from "./literal-values.js";
import { branchChild, locate } from "./locate.js";
import type { Tx } from "./tx.js";

// A branch evaluates its cases in order over its own inputs and runs the first matching case's
// node as its child (`<branch>/<id>`), ending as the child ends. No match: the else node runs,
// the error fails the branch, or (neither) the branch is SKIPPED, and its dependents with it.

export function startBranch(tx: Tx, inst: Instance, inputs: LiteralMap): void {
  const t = inst.node.target;
  const ifElse = t.case === "branchNode" ? t.value.ifElse : undefined;
  tx.put(inst.path, { phase: NodeExecutionPhase.RUNNING, attempts: 0, systemFailures: 0, queuedAt: tx.now, startedAt: tx.now, inputs });
  const fail = (code: string, message: string): void => {
    finish(tx, inst, { phase: NodeExecutionPhase.FAILED, error: userError(code, message) });
  };
  if (!ifElse) {
    fail("InvalidBranch", `node "${inst.path}": the branch has no cases`);
    return;
  }
  let chosen: Node | undefined;
  for (const [i, block] of [ifElse.case, ...ifElse.other].entries()) {
    if (!block) continue;
    const result = evaluateCondition(block.condition, inputs);
    if (!result.ok) {
      fail("BranchConditionFailed", `node "${inst.path}" case ${i + 1}: ${result.message}`);
      return;
    }
    if (result.value) {
      chosen = block.thenNode;
      if (!chosen) {
        fail("InvalidBranch", `node "${inst.path}" case ${i + 1} has no node to run`);
        return;
      }
      break;
    }
  }
  if (!chosen) {
    const fallback = ifElse.default;
    if (fallback.case === "error") {
      fail("BranchFailed", fallback.value.message || `node "${inst.path}": no case matched`);
      return;
    }
    if (fallback.case === undefined) {
      finish(tx, inst, { phase: NodeExecutionPhase.SKIPPED });
      return;
    }
    chosen = fallback.value;
  }
  const child = branchChild(inst, chosen.id);
  if (child?.node !== chosen) {
    fail("InvalidBranch", `node "${inst.path}": two cases use the node id "${chosen.id}"`);
    return;
  }
  const state = tx.node(inst.path);
  if (state) tx.transition(inst.path, { ...state, detail: { kind: "branch", child: chosen.id } });
  tx.schedule({ inst: child });
}

/** The chosen case's node ended: so does the branch, with its outputs or its error. */
export function branchChildDone(tx: Tx, child: Instance, state: NodeState): void {
  if (child.parent.kind !== "branch") return;
  const owner = locate(tx, child.parent.owner);
  const ownerState = tx.node(child.parent.owner);
  if (!owner || !ownerState || isTerminalNodePhase(ownerState.phase)) return;
  if (isSuccessfulNodePhase(state.phase)) finish(tx, owner, { phase: NodeExecutionPhase.SUCCEEDED, outputs: state.outputs });
  else if (state.phase === NodeExecutionPhase.SKIPPED) finish(tx, owner, { phase: NodeExecutionPhase.SKIPPED });
  else finish(tx, owner, { phase: NodeExecutionPhase.FAILED, error: state.error ?? userError("NodeFailed", `node "${child.path}" failed`) });
}
