// The execution core: one state machine shared by the local runner and the cluster data plane.
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
  WorkflowEngine,
} from "./api.js";
export type { StateDelta } from "./codec.js";
export { createEngine } from "./engine.js";
export { decodeState, decodeStateParts, encodeState, encodeStateDelta } from "./codec.js";
export { childExecutionName } from "./child-name.js";
