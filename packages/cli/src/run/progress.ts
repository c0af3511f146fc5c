import type { EngineRecord } from "@skein/engine";
import { CatalogCacheStatus, NodeExecutionPhase, WorkflowExecutionPhase } from "@skein/idl";

/** Shows an execution's progress: live lines on a terminal, one line per change otherwise. */
export interface ProgressView {
  record(record: EngineRecord): void;
  /** Final render; call once when the execution ended. */
  close(): void;
}

interface NodeLine {
  readonly path: string;
  phase: NodeExecutionPhase;
  attempt: number;
  startedAt: number;
  endedAt?: number;
  cacheStatus?: CatalogCacheStatus;
}

const terminal = new Set([
  NodeExecutionPhase.SUCCEEDED,
  NodeExecutionPhase.FAILED,
  NodeExecutionPhase.ABORTED,
  NodeExecutionPhase.SKIPPED,
  NodeExecutionPhase.TIMED_OUT,
  NodeExecutionPhase.RECOVERED,
]);

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}

function describe(line: NodeLine, now: number, label: (path: string) => string): string {
  const duration = seconds((line.endedAt ?? now) - line.startedAt);
  const cache = line.cacheStatus === CatalogCacheStatus.HIT ? " cache hit" : line.cacheStatus === CatalogCacheStatus.POPULATED ? " cached" : "";
  const attempt = line.attempt > 0 ? ` attempt ${line.attempt + 1}` : "";
  return `${NodeExecutionPhase[line.phase].padEnd(9)} ${label(line.path)}${attempt} ${duration}${cache}`;
}

/** Plain lines: one per node phase change and one for the workflow; for logs and pipes. */
export interface ProgressOptions {
  /** How a node path is shown (e.g. with the name of the task it runs). */
  readonly label?: (path: string) => string;
  readonly clock?: () => number;
  /** Lines of nodes the live view shows at most. */
  readonly rows?: number;
}

export function plainProgress(write: (text: string) => void, options: ProgressOptions = {}): ProgressView {
  const clock = options.clock ?? Date.now;
  const label = options.label ?? ((path: string) => path);
  const started = clock();
  const lines = new Map<string, NodeLine>();
  return {
    record(record) {
      const now = clock();
      const stamp = `[${seconds(now - started).padStart(8)}]`;
      if (record.type === "workflow") {
        write(`${stamp} workflow ${WorkflowExecutionPhase[record.phase]}\n`);
        return;
      }
      const line = track(lines, record, now);
      const retry = record.retryDelayMs !== undefined ? ` (retry in ${seconds(record.retryDelayMs)})` : "";
      write(`${stamp} ${describe(line, now, label)}${retry}\n`);
    },
    close() {},
  };
}

function track(lines: Map<string, NodeLine>, record: Extract<EngineRecord, { type: "node" }>, now: number): NodeLine {
  let line = lines.get(record.node);
  if (!line) {
    line = { path: record.node, phase: record.phase, attempt: record.attempt, startedAt: now };
    lines.set(record.node, line);
  }
  line.phase = record.phase;
  line.attempt = record.attempt;
  if (record.cacheStatus !== undefined) line.cacheStatus = record.cacheStatus;
  if (terminal.has(record.phase)) line.endedAt = now;
  else line.endedAt = undefined;
  return line;
}

/**
 * A live block redrawn in place: every running node plus the most recent finished ones, and a
 * count by phase, so even a 10,000-node map stays a screenful.
 */
export function liveProgress(write: (text: string) => void, options: ProgressOptions = {}): ProgressView {
  const clock = options.clock ?? Date.now;
  const label = options.label ?? ((path: string) => path);
  const rows = options.rows ?? 20;
  const lines = new Map<string, NodeLine>();
  let drawn = 0;
  let workflow = "QUEUED";
  const draw = () => {
    const now = clock();
    const all = [...lines.values()];
    const active = all.filter((l) => !terminal.has(l.phase));
    const finished = all.filter((l) => terminal.has(l.phase)).sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0));
    const shown = [...active.slice(0, rows), ...finished.slice(0, Math.max(0, rows - active.length)).reverse()];
    const counts = new Map<string, number>();
    for (const l of all) counts.set(NodeExecutionPhase[l.phase], (counts.get(NodeExecutionPhase[l.phase]) ?? 0) + 1);
    const summary = [...counts].map(([phase, n]) => `${n} ${phase.toLowerCase()}`).join(", ");
    const text = [`workflow ${workflow}  (${summary || "starting"})`, ...shown.map((l) => `  ${describe(l, now, label)}`)];
    const clear = drawn > 0 ? `\x1b[${drawn}F\x1b[0J` : "";
    write(`${clear}${text.join("\n")}\n`);
    drawn = text.length;
  };
  const timer = setInterval(draw, 100);
  timer.unref();
  return {
    record(record) {
      if (record.type === "workflow") workflow = WorkflowExecutionPhase[record.phase];
      else track(lines, record, clock());
    },
    close() {
      clearInterval(timer);
      draw();
    },
  };
}
