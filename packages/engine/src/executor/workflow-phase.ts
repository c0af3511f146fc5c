import { WorkflowExecutionPhase, type ExecutionError, type LiteralMap } from "@skein/idl";
import type { ScopeResult } from "./kernel.js";
import { userError } from "./literal-values.js";
import { WORKFLOW_TIMEOUT } from "./timers.js";
import { workflowEnded, type Tx } from "./tx.js";

// The workflow's own phases: QUEUED → RUNNING → SUCCEEDING → SUCCEEDED, or → FAILING → FAILED
// (see scope.ts), or → ABORTING → ABORTED on request, or → TIMED_OUT when its timeout passes.

export function onStart(tx: Tx, inputs: LiteralMap): void {
  if (tx.phase !== WorkflowExecutionPhase.QUEUED) return;
  tx.inputs = inputs;
  tx.startedAt = tx.now;
  tx.workflowPhase(WorkflowExecutionPhase.RUNNING);
  if (tx.env.workflowTimeoutMs > 0) tx.decide({ type: "setTimer", timer: WORKFLOW_TIMEOUT, at: tx.now + tx.env.workflowTimeoutMs });
  tx.k.startScope(tx, tx.env.root);
}

/** The workflow's nodes are done (or its failure handling is). */
export function workflowDone(tx: Tx, result: ScopeResult): void {
  if (workflowEnded(tx)) return;
  tx.endedAt = tx.now;
  if (result.kind === "succeeded") {
    tx.workflowPhase(WorkflowExecutionPhase.SUCCEEDING);
    tx.workflowPhase(WorkflowExecutionPhase.SUCCEEDED, { outputs: result.outputs });
  } else {
    tx.workflowPhase(WorkflowExecutionPhase.FAILED, { error: result.error });
  }
}

/** Terminates the execution: every running node is aborted, the workflow ends ABORTED. */
export function onAbort(tx: Tx, reason: string): void {
  if (workflowEnded(tx)) return;
  const error = userError("Aborted", reason);
  if (tx.phase !== WorkflowExecutionPhase.QUEUED) {
    tx.workflowPhase(WorkflowExecutionPhase.ABORTING);
    tx.k.abortScope(tx, tx.env.root, reason);
  }
  end(tx, WorkflowExecutionPhase.ABORTED, error);
}

/** The workflow's timeout passed: abort everything, end TIMED_OUT. */
export function onWorkflowTimeout(tx: Tx): void {
  if (workflowEnded(tx) || tx.phase === WorkflowExecutionPhase.QUEUED) return;
  const message = `the workflow ran longer than its timeout of ${tx.env.workflowTimeoutMs} ms`;
  tx.k.abortScope(tx, tx.env.root, message);
  end(tx, WorkflowExecutionPhase.TIMED_OUT, userError("WorkflowTimeout", message));
}

function end(tx: Tx, phase: WorkflowExecutionPhase, error: ExecutionError): void {
  tx.endedAt = tx.now;
  tx.workflowPhase(phase, { error });
}
