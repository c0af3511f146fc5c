import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { ErrorKind, ExecutionErrorSchema, TaskExecutionPhase, type LiteralMap } from "@skein/idl";
import type { BackendPlugin, TaskAttempt, TaskStatus } from "@skein/plugin-core";
import type { TaskDefinition } from "@skein/sdk";

type Outcome = { readonly outputs: LiteralMap } | { readonly error: Error };

/**
 * A backend that runs SDK task definitions inside the test process, so propeller tests exercise
 * the plugin contract (idempotent create, get, delete, wait) without spawning processes. Every
 * create that starts work is counted per attempt key, which is how tests prove an attempt never ran twice.
 */
export class InProcessTaskPlugin implements BackendPlugin<{ key: string }> {
  /** Attempt key → how many times its code started. */
  readonly starts = new Map<string, number>();
  /** Attempt keys deleted (stopped) by propeller, in order. */
  readonly deleted: string[] = [];
  private readonly results = new Map<string, Promise<Outcome>>();
  private readonly settled = new Map<string, Outcome>();
  private readonly aborts = new Map<string, AbortController>();

  constructor(private readonly tasks: ReadonlyMap<string, TaskDefinition>) {}

  static keyOf(attempt: TaskAttempt): string {
    const node = attempt.id.nodeExecutionId;
    return `${node?.executionId?.name ?? ""}/${node?.nodeId ?? ""}#${attempt.id.retryAttempt}`;
  }

  create(attempt: TaskAttempt): Promise<{ key: string }> {
    const key = InProcessTaskPlugin.keyOf(attempt);
    if (!this.results.has(key)) {
      this.starts.set(key, (this.starts.get(key) ?? 0) + 1);
      const definition = this.tasks.get(attempt.template.id?.name ?? "");
      const abort = new AbortController();
      this.aborts.set(key, abort);
      const run = async (): Promise<Outcome> => {
        if (!definition?.execute) throw new Error(`no task ${attempt.template.id?.name ?? ""}`);
        const result = await definition.execute(attempt.inputs, {
          executionName: attempt.id.nodeExecutionId?.executionId?.name ?? "",
          nodePath: attempt.id.nodeExecutionId?.nodeId ?? "",
          attempt: attempt.id.retryAttempt,
          signal: abort.signal,
          log: () => undefined,
          loadCheckpoint: () => Promise.resolve(undefined),
          saveCheckpoint: () => Promise.resolve(),
        });
        if ("dynamic" in result) throw new Error("dynamic tasks are not run by the test plugin");
        return { outputs: result.outputs };
      };
      const promise = run().catch((error: unknown) => ({ error: error instanceof Error ? error : new Error(String(error)) }));
      void promise.then((outcome) => this.settled.set(key, outcome));
      this.results.set(key, promise);
    }
    return Promise.resolve({ key });
  }

  get(_attempt: TaskAttempt, state: { key: string }): Promise<TaskStatus> {
    if (this.aborts.get(state.key)?.signal.aborted) return Promise.resolve({ phase: TaskExecutionPhase.ABORTED });
    const outcome = this.settled.get(state.key);
    if (outcome === undefined) {
      // Unknown to this plugin instance (a restarted replica): the in-memory work is gone.
      if (!this.results.has(state.key)) return Promise.resolve({ phase: TaskExecutionPhase.RETRYABLE_FAILED, error: systemError("Lost", "attempt unknown here") });
      return Promise.resolve({ phase: TaskExecutionPhase.RUNNING });
    }
    if ("outputs" in outcome) return Promise.resolve({ phase: TaskExecutionPhase.SUCCEEDED, outputs: outcome.outputs });
    const error = create(ExecutionErrorSchema, { code: outcome.error.name, message: outcome.error.message, kind: ErrorKind.USER, timestamp: timestampNow() });
    return Promise.resolve({ phase: TaskExecutionPhase.RETRYABLE_FAILED, error });
  }

  async wait(_attempt: TaskAttempt, state: { key: string }, signal: AbortSignal): Promise<void> {
    const pending = this.results.get(state.key);
    if (pending === undefined) return;
    await Promise.race([pending, new Promise((resolve) => { signal.addEventListener("abort", resolve, { once: true }); })]);
  }

  delete(_attempt: TaskAttempt, state: { key: string }): Promise<void> {
    this.deleted.push(state.key);
    this.aborts.get(state.key)?.abort(new Error("deleted"));
    return Promise.resolve();
  }
}

function systemError(code: string, message: string) {
  return create(ExecutionErrorSchema, { code, message, kind: ErrorKind.SYSTEM, timestamp: timestampNow() });
}
