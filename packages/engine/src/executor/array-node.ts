import { NodeExecutionPhase, type ExecutionError, type Literal, type LiteralMap } from "@skein/idl";
import { isSuccessfulNodePhase, isTerminalNodePhase } from "../phases.js";
import type { NodeState } from "./api.js";
import { declaredOutputs } from "./interfaces.js";
import type { ArrayDetail, Instance } from "./kernel.js";
import { finish } from "./lifecycle.js";
import { collectionLiteral, describeKind, noneLiteral, userError } from "./literal-values.js";
import { arrayItem, locate } from "./locate.js";
import { emptyLiteralMap } from "./task-common.js";
import { takesSlot, tryAcquireSlot, waitForSlot } from "./slots.js";
import { detailOf, type Tx } from "./tx.js";

// An array node runs its sub-node once per item of its mapped (list) inputs, item i at
// `<array>/<i>` with element i of each mapped list and every bound input whole. At most
// `parallelism` items run at once. It succeeds once enough items succeeded (all, unless
// min_successes or min_success_ratio say otherwise), failing as soon as that became impossible;
// each output is a list in item order, with none for an item that did not succeed.

export function startArray(tx: Tx, inst: Instance, inputs: LiteralMap): void {
  const t = inst.node.target;
  if (t.case !== "arrayNode" || !t.value.node) throw new Error(`engine invariant: node "${inst.path}" is not an array node`);
  const array = t.value;
  const problem = mappedLength(inputs, new Set(array.boundInputs));
  if (typeof problem === "string") {
    finish(tx, inst, { phase: NodeExecutionPhase.FAILED, error: userError("InvalidArrayInput", `node "${inst.path}": ${problem}`) });
    return;
  }
  const total = problem;
  const criteria = array.successCriteria;
  const required =
    criteria.case === "minSuccesses" ? Math.min(criteria.value, total)
    : criteria.case === "minSuccessRatio" ? Math.min(total, Math.ceil(criteria.value * total - 1e-6))
    : total;
  const own = array.parallelismOption.case === "parallelism" ? array.parallelismOption.value : 0;
  const parallelism = own > 0 ? own : tx.env.defaultArrayParallelism;
  const detail: ArrayDetail = { kind: "array", total, next: 0, active: 0, succeeded: 0, failed: 0, required, parallelism, slot: false };
  const base = { attempts: 0, systemFailures: 0, queuedAt: tx.now, inputs };
  if (total === 0) {
    tx.transition(inst.path, { ...base, phase: NodeExecutionPhase.RUNNING, startedAt: tx.now, detail });
    finish(tx, inst, { phase: NodeExecutionPhase.SUCCEEDED, outputs: collectOutputs(tx, inst, detail) });
  } else if (tryAcquireSlot(tx, inst)) {
    tx.transition(inst.path, { ...base, phase: NodeExecutionPhase.RUNNING, startedAt: tx.now, detail: { ...detail, slot: takesSlot(inst) } });
    launchItems(tx, inst);
  } else {
    tx.transition(inst.path, { ...base, phase: NodeExecutionPhase.QUEUED, detail });
    waitForSlot(tx, inst.path);
  }
}

/** A waiting array node got its execution slot: it runs, and its items start. */
export function beginArray(tx: Tx, inst: Instance): void {
  const state = tx.node(inst.path);
  const detail = detailOf(state);
  if (!state || detail?.kind !== "array") throw new Error(`engine invariant: node "${inst.path}" is not a waiting array node`);
  tx.transition(inst.path, { ...state, phase: NodeExecutionPhase.RUNNING, startedAt: tx.now, detail: { ...detail, slot: true } });
  launchItems(tx, inst);
}

// The common length of the mapped inputs, or what is wrong with them.
function mappedLength(inputs: LiteralMap, bound: ReadonlySet<string>): number | string {
  let total: number | undefined;
  let first = "";
  for (const name of Object.keys(inputs.literals).sort()) {
    const value = inputs.literals[name];
    if (bound.has(name) || !value) continue;
    if (value.value.case !== "collection") return `mapped input "${name}" is ${describeKind(value)}, not a list (name it in bound_inputs to pass it whole)`;
    const n = value.value.value.literals.length;
    if (total === undefined) [total, first] = [n, name];
    else if (n !== total) return `mapped inputs "${first}" (${total} items) and "${name}" (${n} items) differ in length`;
  }
  return total ?? "no input is a list to map over (every input is in bound_inputs)";
}

// Schedules items while the array's parallelism allows.
function launchItems(tx: Tx, inst: Instance): void {
  const state = tx.node(inst.path);
  const detail = detailOf(state);
  const t = inst.node.target;
  if (!state?.inputs || detail?.kind !== "array" || t.case !== "arrayNode") return;
  const bound = new Set(t.value.boundInputs);
  let { next, active } = detail;
  while (next < detail.total && (detail.parallelism === 0 || active < detail.parallelism)) {
    const item = arrayItem(inst, next);
    if (!item) return;
    tx.schedule({ inst: item, inputs: itemInputs(state.inputs, bound, next) });
    next++;
    active++;
  }
  tx.put(inst.path, { ...state, detail: { ...detail, next, active } });
}

function itemInputs(inputs: LiteralMap, bound: ReadonlySet<string>, index: number): LiteralMap {
  const literals: Record<string, Literal> = {};
  for (const [name, value] of Object.entries(inputs.literals)) {
    const element = value.value.case === "collection" && !bound.has(name) ? value.value.value.literals[index] : value;
    if (element) literals[name] = element;
  }
  return { ...inputs, literals };
}

/** An item ended: count it, then succeed, fail, or start more items. */
export function arrayItemDone(tx: Tx, item: Instance, itemState: NodeState): void {
  if (item.parent.kind !== "array" || itemState.phase === NodeExecutionPhase.ABORTED) return;
  const owner = locate(tx, item.parent.owner);
  const state = tx.node(item.parent.owner);
  const detail = detailOf(state);
  if (!owner || !state || isTerminalNodePhase(state.phase) || detail?.kind !== "array") return;
  const ok = isSuccessfulNodePhase(itemState.phase);
  const next: ArrayDetail = { ...detail, active: detail.active - 1, succeeded: detail.succeeded + (ok ? 1 : 0), failed: detail.failed + (ok ? 0 : 1) };
  tx.put(owner.path, { ...state, detail: next });
  if (next.failed > next.total - next.required) {
    for (let i = 0; i < next.next; i++) {
      const other = arrayItem(owner, i);
      const otherState = other && tx.node(other.path);
      if (other && otherState && !isTerminalNodePhase(otherState.phase)) tx.k.abort(tx, other, "the array node failed");
    }
    finish(tx, owner, { phase: NodeExecutionPhase.FAILED, error: itemError(item, itemState) });
  } else if (next.succeeded + next.failed === next.total) {
    finish(tx, owner, { phase: NodeExecutionPhase.SUCCEEDED, outputs: collectOutputs(tx, owner, next) });
  } else {
    launchItems(tx, owner);
  }
}

function itemError(item: Instance, state: NodeState): ExecutionError {
  const index = item.parent.kind === "array" ? item.parent.index : -1;
  const cause = state.error ?? userError("ItemSkipped", "the item was skipped");
  return { ...cause, message: `item ${index}: ${cause.message}` };
}

// Each output becomes a list in item order; items that did not succeed contribute none.
function collectOutputs(tx: Tx, inst: Instance, detail: ArrayDetail): LiteralMap {
  const t = inst.node.target;
  const sub = t.case === "arrayNode" ? t.value.node : undefined;
  const items: (NodeState | undefined)[] = [];
  for (let i = 0; i < detail.total; i++) items.push(tx.node(`${inst.path}/${i}`));
  const declared = sub && declaredOutputs(sub, inst.scope.library);
  const names = new Set(declared ? Object.keys(declared.variables) : []);
  if (!declared) for (const s of items) if (s && isSuccessfulNodePhase(s.phase)) for (const name of Object.keys(s.outputs?.literals ?? {})) names.add(name);
  const literals: Record<string, Literal> = {};
  for (const name of [...names].sort()) {
    literals[name] = collectionLiteral(items.map((s) => (s && isSuccessfulNodePhase(s.phase) ? s.outputs?.literals[name] : undefined) ?? noneLiteral()));
  }
  return { ...emptyLiteralMap(), literals };
}
