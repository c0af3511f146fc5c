import { NodeExecutionPhase, WorkflowExecutionPhase, type ExecutionError, type Literal } from "@skein/idl";
import { isSuccessfulNodePhase, isTerminalNodePhase } from "../phases.js";
import type { NodeState } from "./api.js";
import { resolveBindings } from "./bindings.js";
import type { GraphNode } from "./graph.js";
import type { Instance, Scope, ScopeProgress } from "./kernel.js";
import { errorLiteral, userError } from "./literal-values.js";
import { inputError, resolveNodeInputs, scopeSource } from "./lifecycle.js";
import { failureInstance, memberInstance } from "./locate.js";
import { declaredInputs } from "./interfaces.js";
import { getProgress, setProgress } from "./scope-progress.js";
import type { Tx } from "./tx.js";

// A scope runs its nodes as their dependencies finish. Success: every node ended (succeeded,
// recovered or skipped) and the output bindings resolve. Failure: FAIL_IMMEDIATELY aborts the
// rest at the first failure; FAIL_AFTER_EXECUTABLE_NODES_COMPLETE lets every node that does not
// depend on a failed one run, then fails. Either way the failure node runs last, if there is one.

const ERR_INPUT = "err";

export function startScope(tx: Tx, scope: Scope): void {
  const { graph } = scope;
  setProgress(tx, scope, { remaining: graph.nodes.length, inflight: graph.roots.length, stage: "running" });
  for (const gn of graph.roots) tx.schedule({ inst: memberInstance(scope, gn) });
  if (graph.nodes.length === 0) completeScope(tx, scope);
}

/** A node of the scope ended: release its dependents, then see whether the scope is done. */
export function scopeChildDone(tx: Tx, inst: Instance, state: NodeState): void {
  if (inst.parent.kind !== "scope") return;
  const scope = inst.scope;
  const progress = getProgress(tx, scope);
  // Once failing (or done), the scope starts nothing more.
  if (progress?.stage !== "running") return;
  const passed = isSuccessfulNodePhase(state.phase) || state.phase === NodeExecutionPhase.SKIPPED;
  const released = passed ? releaseDependents(tx, scope, inst.parent.graphNode) : 0;
  const failure = passed || progress.failure ? progress.failure : { node: inst.path, error: state.error ?? userError("NodeFailed", `node "${inst.path}" failed`) };
  const next: ScopeProgress = { ...progress, remaining: progress.remaining - 1, inflight: progress.inflight - 1 + released, failure };
  setProgress(tx, scope, next);
  if (next.failure) {
    if (scope.graph.failImmediately || next.inflight === 0) beginFailing(tx, scope);
  } else if (next.remaining === 0) {
    completeScope(tx, scope);
  }
}

// Counts down each dependent's missing dependencies; schedules those with none left.
function releaseDependents(tx: Tx, scope: Scope, graphNode: GraphNode): number {
  let released = 0;
  for (const dep of graphNode.dependents) {
    const path = scope.prefix + dep.id;
    if (dep.deps.length > 1) {
      const left = (tx.waits.get(path) ?? dep.deps.length) - 1;
      if (left > 0) {
        tx.waits = tx.waits.set(path, left);
        continue;
      }
      tx.waits = tx.waits.delete(path);
    }
    tx.schedule({ inst: memberInstance(scope, dep) });
    released++;
  }
  return released;
}

function completeScope(tx: Tx, scope: Scope): void {
  const progress = getProgress(tx, scope);
  if (progress) setProgress(tx, scope, { ...progress, stage: "done" });
  const resolved = resolveBindings(scope.graph.outputs, scopeSource(tx, scope));
  if (resolved.ok) {
    tx.k.scopeDone(tx, scope, { kind: "succeeded", outputs: resolved.value });
    return;
  }
  const code = resolved.skipped ? "OutputSkipped" : "OutputResolutionFailed";
  const where = scope.owner === undefined ? "workflow" : `node "${scope.owner}"`;
  tx.k.scopeDone(tx, scope, { kind: "failed", error: userError(code, `${where} output "${resolved.input}": ${resolved.message}`) });
}

// The scope will fail: stop its running nodes, then run its failure node or end.
function beginFailing(tx: Tx, scope: Scope): void {
  const progress = getProgress(tx, scope);
  if (!progress?.failure || progress.stage !== "running") return;
  setProgress(tx, scope, { ...progress, stage: "failing" });
  if (scope.owner === undefined) tx.workflowPhase(WorkflowExecutionPhase.FAILING, { error: progress.failure.error });
  abortMembers(tx, scope, `node "${progress.failure.node}" failed`);
  runFailureNode(tx, scope, progress.failure);
}

function runFailureNode(tx: Tx, scope: Scope, failure: NonNullable<ScopeProgress["failure"]>): void {
  const inst = failureInstance(scope);
  const progress = getProgress(tx, scope);
  if (!inst || !progress) {
    if (progress) setProgress(tx, scope, { ...progress, stage: "done" });
    tx.k.scopeDone(tx, scope, { kind: "failed", error: failure.error });
    return;
  }
  setProgress(tx, scope, { ...progress, stage: "failure-node" });
  const resolved = resolveNodeInputs(tx, inst, new Set([ERR_INPUT]));
  if (!resolved.ok) {
    const error = inputError(inst, resolved);
    tx.transition(inst.path, { phase: NodeExecutionPhase.FAILED, attempts: 0, systemFailures: 0, endedAt: tx.now, error });
    setProgress(tx, scope, { ...progress, stage: "done" });
    tx.k.scopeDone(tx, scope, { kind: "failed", error });
    return;
  }
  const literals: Record<string, Literal> = { ...resolved.value.literals };
  if (declaredInputs(inst.node, scope.library)?.variables[ERR_INPUT]) {
    literals[ERR_INPUT] = errorLiteral(failure.node, failure.error.message);
  }
  tx.schedule({ inst, inputs: { ...resolved.value, literals } });
}

/** The failure node ended: the scope fails with the original error, or the failure node's. */
export function failureNodeDone(tx: Tx, inst: Instance, state: NodeState): void {
  const progress = getProgress(tx, inst.scope);
  if (progress?.stage !== "failure-node" || !progress.failure) return;
  setProgress(tx, inst.scope, { ...progress, stage: "done" });
  const error: ExecutionError = isSuccessfulNodePhase(state.phase) ? progress.failure.error : (state.error ?? progress.failure.error);
  tx.k.scopeDone(tx, inst.scope, { kind: "failed", error });
}

/** Stops everything running in a scope, its failure node included; the scope is done. */
export function abortScope(tx: Tx, scope: Scope, reason: string): void {
  const progress = getProgress(tx, scope);
  if (progress) setProgress(tx, scope, { ...progress, stage: "done" });
  abortMembers(tx, scope, reason);
  const failure = failureInstance(scope);
  if (failure) abortIfRunning(tx, failure, reason);
}

function abortMembers(tx: Tx, scope: Scope, reason: string): void {
  for (const gn of scope.graph.nodes) {
    const state = tx.node(scope.prefix + gn.id);
    if (state && !isTerminalNodePhase(state.phase)) tx.k.abort(tx, memberInstance(scope, gn), reason);
  }
}

function abortIfRunning(tx: Tx, inst: Instance, reason: string): void {
  const state = tx.node(inst.path);
  if (state && !isTerminalNodePhase(state.phase)) tx.k.abort(tx, inst, reason);
}
