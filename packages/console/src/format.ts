import { timestampDate, type Duration, type Timestamp } from "@bufbuild/protobuf/wkt";
import { CatalogCacheStatus, ErrorKind, NodeExecutionPhase, TaskExecutionPhase, WorkflowExecutionPhase } from "@skein/idl";

/** The name of an enum value (`RUNNING`), or its number when the console does not know it. */
export function enumName(values: object, value: number): string {
  return (values as Record<number, string | undefined>)[value] ?? String(value);
}

/** The broad state a phase belongs to; colours and summaries group by it. */
export type PhaseTone = "waiting" | "running" | "succeeded" | "failed" | "aborted" | "skipped";

export const toneColours: Record<PhaseTone, string> = {
  waiting: "#9aa5b1",
  running: "#2f80ed",
  succeeded: "#27ae60",
  failed: "#eb5757",
  aborted: "#f2994a",
  skipped: "#c4c9d0",
};

export function workflowPhaseName(phase: WorkflowExecutionPhase): string {
  return enumName(WorkflowExecutionPhase, phase);
}

export function nodePhaseName(phase: NodeExecutionPhase): string {
  return enumName(NodeExecutionPhase, phase);
}

export function taskPhaseName(phase: TaskExecutionPhase): string {
  return enumName(TaskExecutionPhase, phase);
}

export function cacheStatusName(status: CatalogCacheStatus): string {
  return enumName(CatalogCacheStatus, status);
}

export function errorKindName(kind: ErrorKind): string {
  return enumName(ErrorKind, kind);
}

export function workflowTone(phase: WorkflowExecutionPhase): PhaseTone {
  switch (phase) {
    case WorkflowExecutionPhase.UNSPECIFIED:
    case WorkflowExecutionPhase.QUEUED:
      return "waiting";
    case WorkflowExecutionPhase.RUNNING:
    case WorkflowExecutionPhase.SUCCEEDING:
    case WorkflowExecutionPhase.FAILING:
    case WorkflowExecutionPhase.ABORTING:
      return "running";
    case WorkflowExecutionPhase.SUCCEEDED:
      return "succeeded";
    case WorkflowExecutionPhase.FAILED:
    case WorkflowExecutionPhase.TIMED_OUT:
      return "failed";
    case WorkflowExecutionPhase.ABORTED:
      return "aborted";
  }
}

export function nodeTone(phase: NodeExecutionPhase): PhaseTone {
  switch (phase) {
    case NodeExecutionPhase.UNSPECIFIED:
    case NodeExecutionPhase.QUEUED:
      return "waiting";
    case NodeExecutionPhase.RUNNING:
    case NodeExecutionPhase.DYNAMIC_RUNNING:
    case NodeExecutionPhase.FAILING:
      return "running";
    case NodeExecutionPhase.SUCCEEDED:
    case NodeExecutionPhase.RECOVERED:
      return "succeeded";
    case NodeExecutionPhase.FAILED:
    case NodeExecutionPhase.TIMED_OUT:
      return "failed";
    case NodeExecutionPhase.ABORTED:
      return "aborted";
    case NodeExecutionPhase.SKIPPED:
      return "skipped";
  }
}

export function isTerminalWorkflowPhase(phase: WorkflowExecutionPhase): boolean {
  const tone = workflowTone(phase);
  return tone === "succeeded" || tone === "failed" || tone === "aborted";
}

export function timestampMs(ts: Timestamp | undefined): number | undefined {
  return ts === undefined ? undefined : timestampDate(ts).getTime();
}

export function formatTime(ts: Timestamp | undefined): string {
  const ms = timestampMs(ts);
  return ms === undefined || ms === 0 ? "-" : new Date(ms).toLocaleString();
}

export function durationMs(d: Duration | undefined): number {
  return d === undefined ? 0 : Number(d.seconds) * 1000 + Math.round(d.nanos / 1e6);
}

export function formatDuration(ms: number): string {
  if (ms <= 0) return "-";
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} m`;
}

export function taskTone(phase: TaskExecutionPhase): PhaseTone {
  switch (phase) {
    case TaskExecutionPhase.UNSPECIFIED:
    case TaskExecutionPhase.QUEUED:
    case TaskExecutionPhase.INITIALIZING:
    case TaskExecutionPhase.WAITING_FOR_RESOURCES:
      return "waiting";
    case TaskExecutionPhase.RUNNING:
      return "running";
    case TaskExecutionPhase.SUCCEEDED:
      return "succeeded";
    case TaskExecutionPhase.FAILED:
    case TaskExecutionPhase.RETRYABLE_FAILED:
      return "failed";
    case TaskExecutionPhase.ABORTED:
      return "aborted";
  }
}
