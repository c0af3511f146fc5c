import { timestampDate, type Timestamp, type Duration } from "@bufbuild/protobuf/wkt";
import { NodeExecutionPhase, TaskExecutionPhase, WorkflowExecutionPhase } from "@skein/idl";

/** A timestamp as `2025-07-25 10:00:01Z`; `-` when unset. */
export function formatTime(ts: Timestamp | undefined): string {
  if (!ts) return "-";
  return timestampDate(ts).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

/** A duration as `850ms`, `12.3s`, `4m05s` or `2h03m`; `-` when unset. */
export function formatDuration(d: Duration | undefined): string {
  if (!d) return "-";
  const ms = Number(d.seconds) * 1000 + Math.round(d.nanos / 1e6);
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor(seconds / 60) % 60).padStart(2, "0")}m`;
}

/** An enum value's name without its type prefix, as the CLI prints phases and states; the number when unknown. */
export function enumName(names: Record<number, string>, value: number): string {
  return names[value] ?? String(value);
}

export function workflowPhaseName(phase: WorkflowExecutionPhase): string {
  return enumName(WorkflowExecutionPhase, phase);
}

export function nodePhaseName(phase: NodeExecutionPhase): string {
  return enumName(NodeExecutionPhase, phase);
}

export function taskPhaseName(phase: TaskExecutionPhase): string {
  return enumName(TaskExecutionPhase, phase);
}

/** Terminal workflow phases: the execution will not change any more. */
export function isTerminalWorkflowPhase(phase: WorkflowExecutionPhase): boolean {
  return [WorkflowExecutionPhase.SUCCEEDED, WorkflowExecutionPhase.FAILED, WorkflowExecutionPhase.ABORTED, WorkflowExecutionPhase.TIMED_OUT].includes(phase);
}
