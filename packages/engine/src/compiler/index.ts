// The workflow compiler: checks templates and turns them into closures ready to run, reporting
// every problem at once.
export { compileWorkflow } from "./compile-workflow.js";
export type { CompileInput, CompileResult } from "./compile-workflow.js";
export { compileDynamicJob } from "./compile-dynamic.js";
export type { DynamicJobContext } from "./compile-dynamic.js";
export { compileTask } from "./compile-task.js";
export { CompileErrors, formatCompileErrors } from "./compile-error.js";
export type { CompileError, CompileErrorCode } from "./compile-error.js";
export { resolveAttrPath } from "./attr-path.js";
export type { AttrResult } from "./attr-path.js";
export { END_NODE, START_NODE } from "./names.js";
export { SINGLE_TASK_NODE, SingleTaskError, singleTaskWorkflow, singleTaskWorkflowId } from "./single-task.js";
