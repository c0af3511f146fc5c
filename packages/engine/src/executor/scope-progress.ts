import { assertNever } from "../assert-never.js";
import { NodeExecutionPhase, type LiteralMap } from "@skein/idl";
import { isTerminalNodePhase } from "../phases.js";
import type { Instance, Scope, ScopeProgress } from "./kernel.js";
import { detailOf, workflowEnded, type Tx } from "./tx.js";

// Where a scope's progress lives (the workflow's bookkeeping, or its owner node's detail), the
// inputs its `start-node` stands for, and whether a scheduled node may still start.

export function getProgress(tx: Tx, scope: Scope): ScopeProgress | undefined {
  if (scope.owner === undefined) return tx.root;
  const detail = detailOf(tx.node(scope.owner));
  return detail?.kind === "subworkflow" || detail?.kind === "dynamic" ? detail.scope : undefined;
}

export function setProgress(tx: Tx, scope: Scope, progress: ScopeProgress): void {
  if (scope.owner === undefined) {
    tx.root = progress;
    return;
  }
  const state = tx.node(scope.owner);
  const detail = detailOf(state);
  if (!state || (detail?.kind !== "subworkflow" && detail?.kind !== "dynamic")) {
    throw new Error(`engine invariant: node "${scope.owner}" owns no scope`);
  }
  tx.put(scope.owner, { ...state, detail: { ...detail, scope: progress } });
}

/** The literals a scope's `start-node` stands for: the workflow's or the owner node's inputs. */
export function scopeInputs(tx: Tx, scope: Scope): LiteralMap | undefined {
  return scope.owner === undefined ? tx.inputs : tx.node(scope.owner)?.inputs;
}

/** Whether a node scheduled to start still may: its parent has not ended or started failing. */
export function parentLive(tx: Tx, inst: Instance): boolean {
  if (workflowEnded(tx)) return false;
  const parent = inst.parent;
  switch (parent.kind) {
    case "scope": {
      const p = getProgress(tx, inst.scope);
      return p?.stage === "running" && !(p.failure && inst.scope.graph.failImmediately);
    }
    case "failure":
      return getProgress(tx, inst.scope)?.stage === "failure-node";
    case "branch":
    case "array": {
      const owner = tx.node(parent.owner);
      return owner !== undefined && !isTerminalNodePhase(owner.phase) && owner.phase !== NodeExecutionPhase.UNSPECIFIED;
    }
    default:
      return assertNever(parent, "parent");
  }
}
