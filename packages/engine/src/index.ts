export { assertNever } from "./assert-never.js";
export {
  CompileErrors,
  compileDynamicJob,
  compileTask,
  compileWorkflow,
  END_NODE,
  formatCompileErrors,
  SINGLE_TASK_NODE,
  SingleTaskError,
  singleTaskWorkflow,
  singleTaskWorkflowId,
  START_NODE,
} from "./compiler/index.js";
export type { CompileError, CompileErrorCode, CompileInput, CompileResult, DynamicJobContext } from "./compiler/index.js";
export { isSuccessfulNodePhase, isTerminalNodePhase, isTerminalTaskPhase, isTerminalWorkflowPhase } from "./phases.js";
export {
  blobCastable,
  blobType,
  canonicalJson,
  canonicalTypeJson,
  compareCodePoints,
  describeType,
  enumType,
  isCastable,
  isNoneType,
  JsonValueError,
  listType,
  mapType,
  optionalType,
  simpleType,
  structType,
  taggedType,
  typesEqual,
  unionType,
} from "./types/index.js";
export {
  blobLiteral,
  boolLiteral,
  cacheKey,
  canonicalLiteralJson,
  canonicalLiteralMapJson,
  checkLiteral,
  checkLiteralMap,
  datetimeLiteral,
  describeLiteral,
  floatLiteral,
  hashLiteralMap,
  hashMessage,
  intLiteral,
  listLiteral,
  literalFits,
  literalMap,
  mapLiteral,
  noneLiteral,
  selectUnionVariant,
  sha256Base64Url,
  stringLiteral,
  structLiteral,
  unionLiteral,
} from "./literals/index.js";
export type { CacheKey } from "./literals/index.js";
export { childExecutionName, createEngine, decodeState, decodeStateParts, encodeState, encodeStateDelta } from "./executor/index.js";
export type {
  Decision,
  EngineEvent,
  EngineFactory,
  EngineRecord,
  ExecutionOptions,
  ExecutionState,
  NodeKind,
  NodePath,
  NodeState,
  NodeTable,
  Step,
  StateDelta,
  WorkflowEngine,
} from "./executor/index.js";
export { cronProblem, isKnownTimeZone, nextCronTime, nextFixedRateTime, parseCron } from "./schedule/index.js";
export type { CronSpec } from "./schedule/index.js";
export {
  checkTaskResourceAttributes,
  compareQuantities,
  effectiveTaskResources,
  minQuantity,
  parseQuantity,
  ResourceAmountError,
  resourceFieldName,
} from "./resources/index.js";
export type { Quantity, ResourceAmount, TaskResourceBounds, TaskResourceRequirements } from "./resources/index.js";
