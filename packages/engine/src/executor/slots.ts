import { isTerminalNodePhase } from "../phases.js";
import type { NodePath } from "./api.js";
import { locate } from "./locate.js";
import { detailOf, workflowEnded, type Tx } from "./tx.js";

// The execution-wide parallelism limit: task attempts and child executions hold a slot while they
// run (including a retry's backoff). Waiters are served first-in first-out; a node that became
// ready later never overtakes one already waiting.

/** Takes a slot if one is free and nobody waits; otherwise the caller must `waitForSlot`. */
export function tryAcquireSlot(tx: Tx): boolean {
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
    if ((detail?.kind !== "task" && detail?.kind !== "launchPlan") || detail.stage !== "slot") continue;
    const inst = locate(tx, path);
    if (!inst) continue;
    tx.running++;
    tx.k.slotGranted(tx, inst);
  }
}
