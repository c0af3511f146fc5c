// The authoring API: what user files import to define typed tasks, workflows and launch plans,
// plus the conversions and helpers the CLI and runner use on those definitions.

export { DefinitionError } from "./definition-error.js";
export { collectEntities } from "./entities.js";
export type { Entities } from "./entities.js";
export { dynamicSpecWithIdentity, launchPlanWithIdentity, taskWithIdentity, workflowWithIdentity } from "./identity.js";
export type { Identity } from "./identity.js";
export type { DurationInput, ResourceOption, RetryOption } from "./options.js";
export {
  CONTAINER_INPUT_DIR,
  CONTAINER_OUTPUT_DIR,
  containerTask,
  dynamic,
  inputArgText,
  inputFileText,
  NonRetryableError,
  parseOutputFile,
  placeholderProblems,
  task,
  TaskValidationError,
  WORKERS_CONFIG_KEY,
} from "./task/index.js";
export type {
  CacheOption,
  ContainerTaskOptions,
  DynamicBody,
  TaskContext,
  TaskDefinition,
  TaskFunction,
  TaskOptions,
  TaskResult,
  TaskRuntime,
  WorkersOption,
} from "./task/index.js";
export {
  dir,
  file,
  fromLiteral,
  literalTypeOf,
  LiteralConversionError,
  parseCliValue,
  parseDuration,
  t,
  toLiteral,
  UnsupportedSchemaError,
} from "./types/index.js";
export type { BlobValue, ErrorValue } from "./types/index.js";
export {
  and,
  approve,
  CompileErrors,
  Condition,
  launchPlan,
  map,
  NodeHandle,
  or,
  Ref,
  sleep,
  waitForSignal,
  when,
  workflow,
} from "./workflow/index.js";
export type {
  Bindable,
  BranchCondition,
  CallArgs,
  CallResult,
  GateOptions,
  LaunchPlanDefinition,
  LaunchPlanOptions,
  MapOptions,
  NodeOverrides,
  ScheduleOption,
  WorkflowBody,
  WorkflowDefinition,
  WorkflowOptions,
} from "./workflow/index.js";
