import { Code, ConnectError } from "@connectrpc/connect";
import { SINGLE_TASK_NODE, SingleTaskError, singleTaskWorkflow as buildSingleTaskWorkflow } from "@skein/engine";
import type { CompiledWorkflowClosure, TaskTemplate } from "@skein/idl";

export { SINGLE_TASK_NODE };

/**
 * The one-node workflow a single-task execution runs (built by the engine, so the data plane
 * derives the same one), with the engine's refusal as a Connect error: a template without an id
 * is Internal, a task version that cannot run on its own FailedPrecondition.
 */
export function singleTaskWorkflow(task: TaskTemplate): CompiledWorkflowClosure {
  try {
    return buildSingleTaskWorkflow(task);
  } catch (error) {
    if (!(error instanceof SingleTaskError)) throw error;
    throw new ConnectError(error.message, error.reason === "missing-id" ? Code.Internal : Code.FailedPrecondition);
  }
}
