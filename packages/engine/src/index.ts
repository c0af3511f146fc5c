export { assertNever } from "./assert-never.js";
export { isSuccessfulNodePhase, isTerminalNodePhase, isTerminalTaskPhase, isTerminalWorkflowPhase } from "./phases.js";
