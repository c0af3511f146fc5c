import type { DispatchResult, ExecutionDispatcher, ExecutionRef, TerminationOutcome } from "./execution-dispatcher.js";

/** One call the in-process dispatcher received. */
export type DispatcherCall =
  | { readonly kind: "dispatch"; readonly execution: ExecutionRef }
  | { readonly kind: "terminate"; readonly execution: ExecutionRef; readonly cause: string }
  | { readonly kind: "release"; readonly execution: ExecutionRef };

/**
 * The data plane's stand-in until a cluster router is configured: it records every hand-off and
 * places each execution on one fixed cluster. Tests read `calls` and may make the next calls fail
 * (`failNext`) to exercise admin's error paths.
 */
export class InProcessDispatcher implements ExecutionDispatcher {
  readonly calls: DispatcherCall[] = [];
  readonly #epochs = new Map<string, bigint>();
  #failures: Error[] = [];

  constructor(readonly cluster = "local") {}

  /** The next `count` calls throw `error` instead of being recorded. */
  failNext(error: Error, count = 1): void {
    this.#failures = Array.from({ length: count }, () => error);
  }

  /** Executions dispatched so far, in order. */
  dispatched(): ExecutionRef[] {
    return this.calls.flatMap((c) => (c.kind === "dispatch" ? [c.execution] : []));
  }

  /** Executions asked to terminate so far, in order. */
  terminated(): ExecutionRef[] {
    return this.calls.flatMap((c) => (c.kind === "terminate" ? [c.execution] : []));
  }

  async dispatch(execution: ExecutionRef): Promise<DispatchResult> {
    this.#maybeFail();
    this.calls.push({ kind: "dispatch", execution });
    const key = `${execution.project}/${execution.domain}/${execution.name}`;
    // A repeated dispatch of the same execution keeps its assignment, as a real router would.
    const epoch = this.#epochs.get(key) ?? 1n;
    this.#epochs.set(key, epoch);
    return { cluster: this.cluster, epoch };
  }

  /** Executions reported finished so far, in order. */
  released(): ExecutionRef[] {
    return this.calls.flatMap((c) => (c.kind === "release" ? [c.execution] : []));
  }

  async release(execution: ExecutionRef): Promise<void> {
    this.#maybeFail();
    this.calls.push({ kind: "release", execution });
  }

  async terminate(execution: ExecutionRef, cause: string): Promise<TerminationOutcome> {
    this.#maybeFail();
    this.calls.push({ kind: "terminate", execution, cause });
    return "stopping";
  }

  #maybeFail(): void {
    const failure = this.#failures.shift();
    if (failure !== undefined) throw failure;
  }
}
