import { assertNever } from "../assert-never.js";
import { NodeExecutionPhase } from "@skein/idl";
import { isTerminalNodePhase } from "../phases.js";
import type { Instance } from "./kernel.js";
import { userError } from "./literal-values.js";
import { arrayItem, branchChild, innerScope } from "./locate.js";
import { releaseSlot } from "./slots.js";
import { detailOf, type Tx } from "./tx.js";

// Aborting is top-down and fire-and-forget: a node stops its children first (attempts and child
// executions get abort decisions, nested nodes are aborted in turn), then ends ABORTED. No event
// is expected back; late results find the node ended and are ignored.

export function abortNode(tx: Tx, inst: Instance, reason: string): void {
  const before = tx.node(inst.path);
  if (!before || isTerminalNodePhase(before.phase)) return;
  const detail = detailOf(before);
  switch (detail?.kind) {
    case "task":
      if (detail.stage === "attempt") tx.decide({ type: "abortAttempt", node: inst.path, attempt: before.attempts - 1, reason });
      break;
    case "launchPlan":
      if (detail.stage === "child") tx.decide({ type: "abortChild", node: inst.path, name: detail.name, reason });
      break;
    case "branch": {
      const child = branchChild(inst, detail.child);
      if (child) abortNode(tx, child, reason);
      break;
    }
    case "array":
      for (let i = 0; i < detail.next; i++) {
        const item = arrayItem(inst, i);
        if (item) abortNode(tx, item, reason);
      }
      break;
    case "dynamic":
    case "subworkflow": {
      const scope = innerScope(tx, inst);
      if (scope) tx.k.abortScope(tx, scope, reason);
      break;
    }
    case "gate":
    case undefined:
      break;
    default:
      assertNever(detail, "node detail");
  }
  // Re-read: aborting a nested scope updated this node's detail.
  const state = tx.node(inst.path) ?? before;
  let after = detailOf(state);
  if ((after?.kind === "task" || after?.kind === "launchPlan" || after?.kind === "array") && after.slot) {
    releaseSlot(tx);
    after = { ...after, slot: false };
  }
  tx.transition(inst.path, { ...state, phase: NodeExecutionPhase.ABORTED, endedAt: tx.now, error: userError("Aborted", reason), detail: after });
}
