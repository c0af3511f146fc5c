import { NodeExecutionPhase, TaskExecutionPhase, WorkflowExecutionPhase } from "@skein/idl";
import { isTerminalNodePhase, isTerminalTaskPhase, isTerminalWorkflowPhase } from "@skein/engine";
import { accepted, verdict, type EventVerdict } from "./event-outcome.js";

// The phase transition rules for events, as pure functions of the stored state and the event.
// Order of checks (event.proto): duplicates first (so that replaying a batch is harmless, terminal
// events included), then terminal finality, then the remaining illegal transitions. Phases may
// otherwise skip ahead (SUCCEEDED may arrive without RUNNING): events are reports of what already
// happened, not requests.

const wf = WorkflowExecutionPhase;

/** Phases past QUEUED from which an execution may not go back to QUEUED. */
const startedWorkflowPhases: ReadonlySet<WorkflowExecutionPhase> = new Set([wf.RUNNING, wf.SUCCEEDING, wf.FAILING, wf.ABORTING]);

function workflowPhaseName(phase: WorkflowExecutionPhase): string {
  return wf[phase];
}

/**
 * A workflow event moving an execution from `stored` to `next`. `reassigned` says that the event
 * also moves ownership to its producer: a repeated QUEUED is then the new cluster announcing itself
 * and is accepted rather than a duplicate.
 */
export function decideWorkflowEvent(stored: WorkflowExecutionPhase, next: WorkflowExecutionPhase, reassigned: boolean): EventVerdict {
  if (next === wf.UNSPECIFIED) return verdict("invalid", "event.phase: must be set");
  if (next === stored) {
    return next === wf.QUEUED && reassigned ? accepted : verdict("duplicate", `execution is already ${workflowPhaseName(stored)}`);
  }
  if (isTerminalWorkflowPhase(stored)) {
    return verdict("already_terminal", `execution is already in terminal phase ${workflowPhaseName(stored)}; ${workflowPhaseName(next)} refused`);
  }
  if (stored === wf.ABORTING && !isTerminalWorkflowPhase(next)) {
    return verdict("invalid", `execution is ABORTING; only a terminal phase may follow, not ${workflowPhaseName(next)}`);
  }
  if (next === wf.QUEUED && startedWorkflowPhases.has(stored)) {
    return verdict("invalid", `execution cannot go back from ${workflowPhaseName(stored)} to QUEUED`);
  }
  return accepted;
}

function nodePhaseName(phase: NodeExecutionPhase): string {
  return NodeExecutionPhase[phase];
}

/** A node event moving a node from `stored` (undefined: no record yet) to `next`. */
export function decideNodeEvent(stored: NodeExecutionPhase | undefined, next: NodeExecutionPhase): EventVerdict {
  if (next === NodeExecutionPhase.UNSPECIFIED) return verdict("invalid", "event.phase: must be set");
  if (stored === undefined) return accepted;
  if (next === stored) return verdict("duplicate", `node is already ${nodePhaseName(stored)}`);
  if (isTerminalNodePhase(stored)) {
    return verdict("already_terminal", `node is already in terminal phase ${nodePhaseName(stored)}; ${nodePhaseName(next)} refused`);
  }
  return accepted;
}

function taskPhaseName(phase: TaskExecutionPhase): string {
  return TaskExecutionPhase[phase];
}

/** What is stored about a task attempt for judging its next event. */
export interface StoredTaskPhase {
  readonly phase: TaskExecutionPhase;
  readonly phaseVersion: number;
}

/**
 * A task event moving an attempt from `stored` (undefined: no record yet) to `next`. The same phase
 * may be reported again only with a higher phase version (new logs or details); a terminal phase is
 * final even for a higher version.
 */
export function decideTaskEvent(stored: StoredTaskPhase | undefined, next: StoredTaskPhase): EventVerdict {
  if (next.phase === TaskExecutionPhase.UNSPECIFIED) return verdict("invalid", "event.phase: must be set");
  if (stored === undefined) return accepted;
  if (next.phase === stored.phase && next.phaseVersion <= stored.phaseVersion) {
    return verdict("duplicate", `task attempt is already ${taskPhaseName(stored.phase)} at phase version ${stored.phaseVersion}`);
  }
  if (isTerminalTaskPhase(stored.phase)) {
    return verdict("already_terminal", `task attempt is already in terminal phase ${taskPhaseName(stored.phase)}; ${taskPhaseName(next.phase)} refused`);
  }
  return accepted;
}
