import { NodeExecutionPhase, type LiteralMap } from "@skein/idl";
import { isSuccessfulNodePhase, isTerminalNodePhase } from "../phases.js";
import type { NodeState } from "./api.js";
import { resolveBindings, START_NODE, type OutputSource, type ResolveResult } from "./bindings.js";
import { inputBindings } from "./graph.js";
import type { Instance, Scope, TerminalUpdate } from "./kernel.js";
import { userError } from "./literal-values.js";
import { parentLive, scopeInputs } from "./scope-progress.js";
import { pump, releaseSlot } from "./slots.js";
import { detailOf, type ReadyEntry, type Tx } from "./tx.js";

// The life of every node, whatever its kind: admitted from the ready queue (skipped, recovered,
// or started with resolved inputs), and finished (state, record, slot released, parent told).

/** Reads outputs of the nodes of `scope` (and `start-node`, the scope's inputs). */
export function scopeSource(tx: Tx, scope: Scope): OutputSource {
  return (nodeId, variable) => {
    if (nodeId === START_NODE) {
      const value = scopeInputs(tx, scope)?.literals[variable];
      if (value) return { ok: true, value };
      const what = scope.owner === undefined ? `the workflow input "${variable}"` : `input "${variable}" of node "${scope.owner}"`;
      return { ok: false, message: `${what} was not provided` };
    }
    const state = tx.node(scope.prefix + nodeId);
    if (!state) return { ok: false, message: `node "${nodeId}" has not run` };
    if (state.phase === NodeExecutionPhase.SKIPPED) return { ok: false, message: `node "${nodeId}" was skipped`, skipped: true };
    if (!isSuccessfulNodePhase(state.phase)) return { ok: false, message: `node "${nodeId}" ended ${NodeExecutionPhase[state.phase]}` };
    const value = state.outputs?.literals[variable];
    if (!value) return { ok: false, message: `node "${nodeId}" has no output "${variable}"` };
    return { ok: true, value };
  };
}

/** Resolves a node's input bindings in its scope. */
export function resolveNodeInputs(tx: Tx, inst: Instance, skip?: ReadonlySet<string>): ResolveResult {
  return resolveBindings(inputBindings(inst.node), scopeSource(tx, inst.scope), skip);
}

/** The error a node fails with when an input cannot be resolved. */
export function inputError(inst: Instance, failure: { readonly input: string; readonly message: string }) {
  return userError("InputResolutionFailed", `node "${inst.path}" input "${failure.input}": ${failure.message}`);
}

// Starts a scheduled node unless its parent has moved on.
function admit(tx: Tx, entry: ReadyEntry): void {
  const { inst } = entry;
  if (!parentLive(tx, inst) || tx.node(inst.path) !== undefined) return;
  if (inst.parent.kind === "scope") {
    for (const dep of inst.parent.graphNode.deps) {
      if (tx.node(inst.scope.prefix + dep)?.phase === NodeExecutionPhase.SKIPPED) {
        finish(tx, inst, { phase: NodeExecutionPhase.SKIPPED });
        return;
      }
    }
  }
  const recovered = tx.env.recovered?.get(inst.path);
  if (recovered) {
    finish(tx, inst, { phase: NodeExecutionPhase.RECOVERED, outputs: recovered });
    return;
  }
  let inputs: LiteralMap | undefined = entry.inputs;
  if (!inputs) {
    const resolved = resolveNodeInputs(tx, inst);
    if (!resolved.ok) {
      finish(tx, inst, { phase: NodeExecutionPhase.FAILED, error: inputError(inst, resolved) });
      return;
    }
    inputs = resolved.value;
  }
  tx.k.enter(tx, inst, inputs);
}

/** Ends a node: stores and records its final state, frees its slot, tells its parent. */
export function finish(tx: Tx, inst: Instance, update: TerminalUpdate): void {
  const prev = tx.node(inst.path);
  if (prev && isTerminalNodePhase(prev.phase)) return;
  let detail = detailOf(prev);
  if ((detail?.kind === "task" || detail?.kind === "launchPlan" || detail?.kind === "array") && detail.slot) {
    releaseSlot(tx);
    detail = { ...detail, slot: false };
  }
  const state: NodeState = {
    phase: update.phase,
    attempts: prev?.attempts ?? 0,
    systemFailures: prev?.systemFailures ?? 0,
    queuedAt: prev?.queuedAt,
    startedAt: prev?.startedAt,
    endedAt: tx.now,
    inputs: prev?.inputs,
    outputs: update.phase === NodeExecutionPhase.SUCCEEDED ? withAliases(inst, update.outputs) : update.outputs,
    error: update.error,
    cacheStatus: update.cacheStatus ?? prev?.cacheStatus,
    detail,
  };
  tx.transition(inst.path, state);
  tx.k.childDone(tx, inst, state);
}

// Output aliases add a second name for an output.
function withAliases(inst: Instance, outputs: LiteralMap | undefined): LiteralMap | undefined {
  const aliases = inst.node.outputAliases;
  if (!outputs || aliases.length === 0) return outputs;
  const literals = { ...outputs.literals };
  for (const a of aliases) {
    const value = outputs.literals[a.var];
    if (value) literals[a.alias] = value;
  }
  return { ...outputs, literals };
}

/** Starts every node made ready and hands out freed slots, until nothing more can move. */
export function settle(tx: Tx): void {
  for (;;) {
    const entry = tx.nextReady();
    if (entry) admit(tx, entry);
    else if (tx.pumpNeeded) pump(tx);
    else return;
  }
}
