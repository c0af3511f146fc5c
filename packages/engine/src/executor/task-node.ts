import { CatalogCacheStatus, NodeExecutionPhase, type DynamicJobSpec, type LiteralMap } from "@skein/idl";
import type { EngineEvent, NodeState } from "./api.js";
import { startDynamic } from "./dynamic-node.js";
import type { Instance } from "./kernel.js";
import { identifierKey } from "./library.js";
import { finish } from "./lifecycle.js";
import { userError } from "./literal-values.js";
import { attemptTimeoutMs, cacheSettings } from "./node-policy.js";
import { takesSlot, tryAcquireSlot, waitForSlot } from "./slots.js";
import { emptyLiteralMap, succeedTask, taskOf } from "./task-common.js";
import { failAttempt } from "./task-retry.js";
import { timeoutTimer } from "./timers.js";
import { detailOf, type Tx } from "./tx.js";

// A task node: QUEUED (cache lookup, then waiting for a parallelism slot) → RUNNING (attempts,
// retried per task-retry.ts) → SUCCEEDED, or DYNAMIC_RUNNING when an attempt returns a spec.

export function startTask(tx: Tx, inst: Instance, inputs: LiteralMap): void {
  const task = taskOf(inst);
  if (!task) {
    const t = inst.node.target;
    const ref = t.case === "taskNode" && t.value.reference.case === "referenceId" ? t.value.reference.value : undefined;
    finish(tx, inst, { phase: NodeExecutionPhase.FAILED, error: userError("UnknownTask", `node "${inst.path}": task "${identifierKey(ref)}" is not in the workflow closure`) });
    return;
  }
  const cache = cacheSettings(inst.node, task, tx.env.overwriteCache);
  const queued: NodeState = { phase: NodeExecutionPhase.QUEUED, attempts: 0, systemFailures: 0, queuedAt: tx.now, inputs };
  if (cache.lookup) {
    tx.transition(inst.path, { ...queued, detail: { kind: "task", stage: "cache", slot: false } });
    tx.decide({ type: "lookupCache", node: inst.path, task, inputs, cacheVersion: cache.version });
    return;
  }
  const cacheStatus = cache.enabled ? CatalogCacheStatus.SKIPPED : CatalogCacheStatus.DISABLED;
  tx.transition(inst.path, { ...queued, cacheStatus, detail: { kind: "task", stage: "slot", slot: false } });
  awaitSlot(tx, inst);
}

// The node (stage "slot") runs its attempt now if a slot is free, else joins the queue.
function awaitSlot(tx: Tx, inst: Instance): void {
  if (tryAcquireSlot(tx, inst)) beginAttempt(tx, inst);
  else waitForSlot(tx, inst.path);
}

/** Starts the next attempt; the node holds a slot (unless it is an array item, which takes none). */
export function beginAttempt(tx: Tx, inst: Instance): void {
  const state = tx.node(inst.path);
  const task = taskOf(inst);
  if (!state || !task) throw new Error(`engine invariant: task node "${inst.path}" cannot start an attempt`);
  const attempt = state.attempts;
  const timeout = attemptTimeoutMs(inst.node, task);
  const deadline = timeout > 0 ? tx.now + timeout : undefined;
  const next: NodeState = {
    ...state,
    phase: NodeExecutionPhase.RUNNING,
    attempts: attempt + 1,
    startedAt: state.startedAt ?? tx.now,
    detail: { kind: "task", stage: "attempt", slot: takesSlot(inst) },
  };
  if (state.phase === NodeExecutionPhase.RUNNING) tx.put(inst.path, next);
  else tx.transition(inst.path, next);
  tx.decide({ type: "startAttempt", node: inst.path, attempt, task, inputs: state.inputs ?? emptyLiteralMap(), deadline });
  if (deadline !== undefined) tx.decide({ type: "setTimer", timer: timeoutTimer(inst.path, attempt), at: deadline });
}

export function onCacheResult(tx: Tx, inst: Instance, event: Extract<EngineEvent, { type: "cacheResult" }>): void {
  const state = tx.node(inst.path);
  const detail = detailOf(state);
  if (!state || state.phase !== NodeExecutionPhase.QUEUED || detail?.kind !== "task" || detail.stage !== "cache") return;
  if (event.outputs && !event.failed) {
    finish(tx, inst, { phase: NodeExecutionPhase.SUCCEEDED, outputs: event.outputs, cacheStatus: CatalogCacheStatus.HIT });
    return;
  }
  const cacheStatus = event.failed ? CatalogCacheStatus.LOOKUP_FAILURE : CatalogCacheStatus.MISS;
  tx.put(inst.path, { ...state, cacheStatus, detail: { kind: "task", stage: "slot", slot: false } });
  awaitSlot(tx, inst);
}

/** The node's state if `attempt` is the attempt it is running now; undefined for stale events. */
export function currentAttempt(tx: Tx, inst: Instance, attempt: number): NodeState | undefined {
  const state = tx.node(inst.path);
  const detail = detailOf(state);
  if (!state || state.phase !== NodeExecutionPhase.RUNNING || detail?.kind !== "task" || detail.stage !== "attempt") return undefined;
  return state.attempts - 1 === attempt ? state : undefined;
}

export function onAttemptSucceeded(tx: Tx, inst: Instance, attempt: number, outputs: LiteralMap | undefined, dynamic: DynamicJobSpec | undefined): void {
  const state = currentAttempt(tx, inst, attempt);
  if (!state) return;
  if (dynamic) {
    startDynamic(tx, inst, state, dynamic);
    return;
  }
  const produced = outputs ?? emptyLiteralMap();
  const declared = Object.keys(taskOf(inst)?.interface?.outputs?.variables ?? {});
  const missing = declared.filter((name) => !(name in produced.literals));
  if (missing.length > 0) {
    const error = userError("OutputsMissing", `node "${inst.path}" attempt ${attempt} did not produce output ${missing.map((m) => `"${m}"`).join(", ")}`);
    failAttempt(tx, inst, state, error, { recoverable: false, timedOut: false });
    return;
  }
  succeedTask(tx, inst, produced);
}
