import type { Identity } from "../identity.js";
import type { DynamicJobSpec, LiteralMap } from "@skein/idl";
import type { TaskDefinition } from "./define.js";

/** What the runner provides to a running task (see `execute`). */
export interface TaskRuntime {
  readonly executionName: string;
  /** The node's path in the execution (`n3`, `n2/n0`, `n7/4`). */
  readonly nodePath: string;
  /** Zero-based attempt number. */
  readonly attempt: number;
  /** Aborted when the execution is aborted or the attempt times out. */
  readonly signal: AbortSignal;
  log(message: string): void;
  /** The bytes the previous attempt saved, if any. */
  loadCheckpoint(): Promise<Uint8Array | undefined>;
  saveCheckpoint(bytes: Uint8Array): Promise<void>;
  /** When set, ids a dynamic task generates get this project, domain and version where empty. */
  readonly identity?: Identity;
}

/** What a task function receives as its second argument. */
export interface TaskContext {
  readonly executionName: string;
  readonly nodePath: string;
  readonly attempt: number;
  readonly signal: AbortSignal;
  log(message: string): void;
  /** Progress saved by earlier attempts, so a retry can resume. */
  readonly checkpoint: {
    load(): Promise<Uint8Array | undefined>;
    save(bytes: Uint8Array): Promise<void>;
  };
}

/**
 * The outcome of one attempt: outputs, or (dynamic tasks) the graph to run in their place, with
 * the definitions of the tasks that graph calls so a runner in this process can run them.
 */
export type TaskResult = { readonly outputs: LiteralMap } | { readonly dynamic: DynamicJobSpec; readonly tasks?: ReadonlyMap<string, TaskDefinition> };

export function contextFrom(runtime: TaskRuntime): TaskContext {
  return {
    executionName: runtime.executionName,
    nodePath: runtime.nodePath,
    attempt: runtime.attempt,
    signal: runtime.signal,
    log: (message) => {
      runtime.log(message);
    },
    checkpoint: {
      load: () => runtime.loadCheckpoint(),
      save: (bytes) => runtime.saveCheckpoint(bytes),
    },
  };
}
