import { ErrorKind, NodeExecutionPhase, type ExecutionError } from "@skein/idl";
import type { NodeState } from "./api.js";
import type { Instance } from "./kernel.js";
import { finish } from "./lifecycle.js";
import { userError, withCode } from "./literal-values.js";
import { attemptTimeoutMs, retryDelayMs, retryPolicy } from "./node-policy.js";
import { taskOf } from "./task-common.js";
import { takesSlot } from "./slots.js";
import { retryTimer } from "./timers.js";
import { detailOf, type Tx } from "./tx.js";

// Failed attempts: user errors spend the task's retries (retries + 1 attempts), system errors a
// separate budget, a non-recoverable error none. A retry starts after the backoff delay; the node
// keeps its slot meanwhile. A timed-out attempt is aborted and counts as a retryable user error.

export interface FailureOptions {
  /** False: fail the node now, whatever budget is left. */
  readonly recoverable: boolean;
  /** The attempt ran out of time: the node ends TIMED_OUT if no retry follows. */
  readonly timedOut: boolean;
}

export function failAttempt(tx: Tx, inst: Instance, state: NodeState, error: ExecutionError, options: FailureOptions): void {
  const system = error.kind === ErrorKind.SYSTEM;
  const systemFailures = state.systemFailures + (system ? 1 : 0);
  const policy = retryPolicy(inst.node, taskOf(inst));
  const exhausted = system ? systemFailures > tx.env.maxSystemRetries : state.attempts - systemFailures >= policy.userAttempts;
  const phase = options.timedOut ? NodeExecutionPhase.TIMED_OUT : NodeExecutionPhase.FAILED;
  if (!options.recoverable || exhausted) {
    tx.put(inst.path, { ...state, systemFailures });
    finish(tx, inst, { phase, error: options.recoverable ? withCode(error, `RetriesExhausted|${error.code}`) : error });
    return;
  }
  const delay = retryDelayMs(policy, state.attempts);
  tx.transition(inst.path, { ...state, systemFailures, error, detail: { kind: "task", stage: "backoff", slot: takesSlot(inst) } }, delay);
  if (delay > 0) tx.decide({ type: "setTimer", timer: retryTimer(inst.path, state.attempts), at: tx.now + delay });
  else tx.k.slotGranted(tx, inst);
}

/** A backoff ended: start the attempt it was waiting for. */
export function onRetryTimer(tx: Tx, inst: Instance, attempt: number): void {
  const state = tx.node(inst.path);
  const detail = detailOf(state);
  if (state?.phase !== NodeExecutionPhase.RUNNING || detail?.kind !== "task" || detail.stage !== "backoff") return;
  if (state.attempts === attempt) tx.k.slotGranted(tx, inst);
}

/** An attempt's deadline passed while it still runs: abort it and fail it as timed out. */
export function onTimeoutTimer(tx: Tx, inst: Instance, attempt: number, state: NodeState): void {
  tx.decide({ type: "abortAttempt", node: inst.path, attempt, reason: "the attempt timed out" });
  const ms = attemptTimeoutMs(inst.node, taskOf(inst));
  // Attempts count from 0 in state, from 1 in messages (as the CLI shows them).
  const error = userError("TimeoutExpired", `attempt ${attempt + 1} of node "${inst.path}" ran longer than its timeout of ${ms} ms`);
  failAttempt(tx, inst, state, error, { recoverable: true, timedOut: true });
}
