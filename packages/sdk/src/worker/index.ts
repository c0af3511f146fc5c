// Running one task attempt in a worker process: the entrypoint a plugin starts, and its files.
export { runBundledTask, runContainerTask } from "./run-attempt.js";
export type { AttemptFiles, BundledTaskAttempt, ContainerTaskAttempt } from "./run-attempt.js";
export { runTaskMain, TASK_MAIN_USAGE, TaskMainUsageError } from "./task-main.js";
export {
  ERROR_DETAILS_FILE,
  ERROR_FILE,
  FUTURES_FILE,
  INPUTS_FILE,
  OUTPUTS_FILE,
  TEMPLATE_FILE,
  writeErrorResult,
  writeResultFile,
} from "./task-files.js";
export type { ErrorDetails } from "./task-files.js";
