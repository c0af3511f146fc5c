import { NodeExecutionPhase, TaskExecutionPhase, WorkflowExecutionPhase } from "@skein/idl";

// Terminal phases: once an execution, node or attempt reaches one, no event may move it again.
// These sets are the single definition the engine, admin's event rules and the console share.

const terminalWorkflowPhases: ReadonlySet<WorkflowExecutionPhase> = new Set([
  WorkflowExecutionPhase.SUCCEEDED,
  WorkflowExecutionPhase.FAILED,
  WorkflowExecutionPhase.TIMED_OUT,
  WorkflowExecutionPhase.ABORTED,
]);

const terminalNodePhases: ReadonlySet<NodeExecutionPhase> = new Set([
  NodeExecutionPhase.SUCCEEDED,
  NodeExecutionPhase.FAILED,
  NodeExecutionPhase.TIMED_OUT,
  NodeExecutionPhase.ABORTED,
  NodeExecutionPhase.SKIPPED,
  NodeExecutionPhase.RECOVERED,
]);

const terminalTaskPhases: ReadonlySet<TaskExecutionPhase> = new Set([
  TaskExecutionPhase.SUCCEEDED,
  TaskExecutionPhase.FAILED,
  TaskExecutionPhase.ABORTED,
]);

/** True when a workflow execution in `phase` has ended (succeeded, failed, timed out or aborted). */
export function isTerminalWorkflowPhase(phase: WorkflowExecutionPhase): boolean {
  return terminalWorkflowPhases.has(phase);
}

/** True when a node execution in `phase` has ended; skipped and recovered nodes count as ended. */
export function isTerminalNodePhase(phase: NodeExecutionPhase): boolean {
  return terminalNodePhases.has(phase);
}

/** True when a task attempt in `phase` has ended. A retryable failure is not terminal. */
export function isTerminalTaskPhase(phase: TaskExecutionPhase): boolean {
  return terminalTaskPhases.has(phase);
}

/** True when a node finished with outputs its dependents may consume. */
export function isSuccessfulNodePhase(phase: NodeExecutionPhase): boolean {
  return phase === NodeExecutionPhase.SUCCEEDED || phase === NodeExecutionPhase.RECOVERED;
}
