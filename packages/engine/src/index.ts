export { assertNever } from "./assert-never.js";
export { isSuccessfulNodePhase, isTerminalNodePhase, isTerminalTaskPhase, isTerminalWorkflowPhase } from "./phases.js";
export { describeType } from "./types/describe-type.js";
export type {
  Decision,
  EngineEvent,
  EngineFactory,
  EngineRecord,
  ExecutionOptions,
  ExecutionState,
  NodePath,
  NodeState,
  Step,
  WorkflowEngine,
} from "./executor/api.js";
