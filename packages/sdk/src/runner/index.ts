// The local runner: the shared engine driven on this machine.
export { ContainerProcessInvoker, ContainerTaskError } from "./container-process.js";
export { driveExecution, errorFromThrown } from "./drive.js";
export type { AttemptResult, ChildLauncher, DriveOptions, ExecutionResult, SignalSource, TaskInvoker } from "./drive.js";
export { InProcessInvoker } from "./in-process.js";
export { LocalCache } from "./local-cache.js";
export type { CacheEntry, CacheProvenance } from "./local-cache.js";
export { InputError, parametersOf, resolveInputs, runLocally } from "./run-local.js";
export type { LocalRun, LocalRunOptions, RunnableEntity } from "./run-local.js";
export { singleTaskClosure } from "./single-task.js";
