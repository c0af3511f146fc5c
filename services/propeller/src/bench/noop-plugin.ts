import { TaskExecutionPhase } from "@skein/idl";
import type { BackendPlugin, TaskAttempt, TaskStatus } from "@skein/plugin-core";
import type { TaskDefinition } from "@skein/sdk";
import { InProcessTaskPlugin } from "../test-support/in-process-plugin.js";

interface Timing {
  readonly created: number;
  done?: number;
}

/**
 * Runs SDK task definitions in this process and records, per attempt, when propeller asked for it
 * (create) and when its code returned: the gap between one task returning and the next task's
 * create is the data plane's own overhead, with no process start in it (a warm worker's best case).
 */
export class TimingPlugin implements BackendPlugin<{ key: string }> {
  readonly timings = new Map<string, Timing>();
  private readonly outcomes = new Map<string, Promise<TaskStatus>>();
  private readonly settled = new Map<string, TaskStatus>();

  constructor(private readonly tasks: ReadonlyMap<string, TaskDefinition>) {}

  create(attempt: TaskAttempt): Promise<{ key: string }> {
    const key = InProcessTaskPlugin.keyOf(attempt);
    if (this.outcomes.has(key)) return Promise.resolve({ key });
    const timing: Timing = { created: performance.now() };
    this.timings.set(key, timing);
    const definition = this.tasks.get(attempt.template.id?.name ?? "");
    const run = async (): Promise<TaskStatus> => {
      if (!definition?.execute) throw new Error(`no task ${attempt.template.id?.name ?? ""}`);
      const result = await definition.execute(attempt.inputs, {
        executionName: attempt.id.nodeExecutionId?.executionId?.name ?? "",
        nodePath: attempt.id.nodeExecutionId?.nodeId ?? "",
        attempt: attempt.id.retryAttempt,
        signal: attempt.signal,
        log: () => undefined,
        loadCheckpoint: () => Promise.resolve(undefined),
        saveCheckpoint: () => Promise.resolve(),
      });
      if ("dynamic" in result) throw new Error("dynamic tasks are not benchmarked");
      return { phase: TaskExecutionPhase.SUCCEEDED, outputs: result.outputs };
    };
    const outcome = run().then((status) => {
      timing.done = performance.now();
      this.settled.set(key, status);
      return status;
    });
    this.outcomes.set(key, outcome);
    return Promise.resolve({ key });
  }

  get(_attempt: TaskAttempt, state: { key: string }): Promise<TaskStatus> {
    return Promise.resolve(this.settled.get(state.key) ?? { phase: TaskExecutionPhase.RUNNING });
  }

  async wait(_attempt: TaskAttempt, state: { key: string }, signal: AbortSignal): Promise<void> {
    const pending = this.outcomes.get(state.key);
    if (pending === undefined) return;
    await Promise.race([pending, new Promise((resolve) => { signal.addEventListener("abort", resolve, { once: true }); })]);
  }

  delete(): Promise<void> {
    return Promise.resolve();
  }
}
