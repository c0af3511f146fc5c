import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TaskResult } from "../task/context.js";
import type { TaskDefinition } from "../task/define.js";
import { NonRetryableError } from "../task/errors.js";
import type { AttemptResult, TaskInvoker } from "./drive.js";

/** A task the runner cannot run at all: reported as a permanent (non-retryable) failure. */
export class UnknownTaskError extends NonRetryableError {
  override name = "UnknownTaskError";
}

/**
 * Runs TypeScript tasks in this process: the same `execute` a worker process calls on a cluster,
 * with checkpoints kept under `<dataDir>/checkpoints/<execution>/<node>` so a retry resumes.
 */
export class InProcessInvoker implements TaskInvoker {
  // Grows as dynamic tasks run: the tasks their graphs call may appear nowhere else.
  private readonly tasks: Map<string, TaskDefinition>;

  constructor(
    tasks: ReadonlyMap<string, TaskDefinition>,
    private readonly options: { readonly checkpointDir: string; readonly log?: (node: string, message: string) => void; readonly fallback?: TaskInvoker },
  ) {
    this.tasks = new Map(tasks);
  }

  async run(request: Parameters<TaskInvoker["run"]>[0]): Promise<AttemptResult> {
    const result = await this.attempt(request);
    if ("dynamic" in result) {
      for (const [name, task] of result.tasks ?? []) if (!this.tasks.has(name)) this.tasks.set(name, task);
      return { dynamic: result.dynamic };
    }
    return result;
  }

  private async attempt(request: Parameters<TaskInvoker["run"]>[0]): Promise<TaskResult> {
    const name = request.task.id?.name ?? "";
    const definition = this.tasks.get(name);
    if (!definition?.execute) {
      if (this.options.fallback) return this.options.fallback.run(request);
      throw new UnknownTaskError(`no runnable definition for task "${name}" in the loaded code`);
    }
    const dir = join(this.options.checkpointDir, request.executionName, ...request.node.split("/"));
    const file = join(dir, "checkpoint.bin");
    return definition.execute(request.inputs, {
      executionName: request.executionName,
      nodePath: request.node,
      attempt: request.attempt,
      signal: request.signal,
      log: (message) => this.options.log?.(request.node, message),
      loadCheckpoint: async () => {
        try {
          return new Uint8Array(await readFile(file));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
          throw error;
        }
      },
      saveCheckpoint: async (bytes) => {
        await mkdir(dir, { recursive: true });
        await writeFile(file, bytes);
      },
    });
  }
}
