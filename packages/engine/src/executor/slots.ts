import { isTerminalNodePhase } from "../phases.js";
import type { NodePath } from "./api.js";
import type { Instance } from "./kernel.js";
import { locate } from "./locate.js";
import { detailOf, workflowEnded, type Tx } from "./tx.js";

// The execution-wide parallelism limit: task attempts, child executions and array nodes hold a
// slot while they run (including a retry's backoff). The items of an array node take none: the
// array's own parallelism governs them, so one map counts once. Waiters are served first-in
// first-out; a node that became ready later never overtakes one already waiting.

/** Whether the node takes an execution slot to run: every node but an array node's items. */
export function takesSlot(inst: Instance): boolean {
  return inst.parent.kind !== "array";
}

/**
 * Takes a slot if one is free and nobody waits; otherwise the caller must `waitForSlot`. A node
 * that takes no slot may always go on.
 */
export function tryAcquireSlot(tx: Tx, inst: Instance): boolean {
  if (!takesSlot(inst)) return true;
  const max = tx.env.maxParallelism;
  if (max > 0 && (tx.running >= max || tx.queue.size > 0)) return false;
  tx.running++;
  return true;
}

export function waitForSlot(tx: Tx, path: NodePath): void {
  tx.queue = tx.queue.push(path);
}

export function releaseSlot(tx: Tx): void {
  tx.running--;
  tx.pumpNeeded = true;
}

/** Hands free slots to waiting nodes, oldest first, skipping waiters that moved on. */
export function pump(tx: Tx): void {
  tx.pumpNeeded = false;
  const max = tx.env.maxParallelism;
  while (!workflowEnded(tx) && (max === 0 || tx.running < max)) {
    const head = tx.queue.shift();
    if (!head) return;
    const [path, rest] = head;
    tx.queue = rest;
    const state = tx.node(path);
    const detail = detailOf(state);
    if (!state || isTerminalNodePhase(state.phase)) continue;
    const waiting = detail?.kind === "array" ? !detail.slot : (detail?.kind === "task" || detail?.kind === "launchPlan") && detail.stage === "slot";
    if (!waiting) continue;
    const inst = locate(tx, path);
    if (!inst) continue;
    tx.running++;
    tx.k.slotGranted(tx, inst);
  }
}
