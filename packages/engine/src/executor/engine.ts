import { WorkflowExecutionPhase, type CompiledWorkflowClosure } from "@skein/idl";
import { isTerminalWorkflowPhase } from "../phases.js";
import type { EngineEvent, ExecutionOptions, ExecutionState, Step, WorkflowEngine } from "./api.js";
import { kernel } from "./dispatch.js";
import { generatedWorkflowAt, nodeKindAt } from "./describe.js";
import { dispatchEvent } from "./events.js";
import { workflowGraph } from "./graph.js";
import { Library } from "./library.js";
import { settle } from "./lifecycle.js";
import { durationMs } from "./node-policy.js";
import { PersistentMap } from "./persistent-map.js";
import { initialBookkeeping, Tx, type EngineEnv } from "./tx.js";
import { checkReferences } from "./validate-references.js";

// The engine over one compiled workflow: the workflow's graph and every template it references
// are checked once here, so a malformed closure fails at creation, not halfway through a run.

/** Creates the execution state machine for `closure`. Throws an Error naming what is malformed. */
export function createEngine(closure: CompiledWorkflowClosure, options: ExecutionOptions = {}): WorkflowEngine {
  const template = closure.primary?.template;
  if (!template) throw new Error("createEngine: the closure has no primary workflow template");
  const library = Library.fromClosure(closure);
  const graph = workflowGraph(template);
  const what = `workflow "${template.id?.name ?? ""}"`;
  checkReferences(what, template.nodes, library);
  if (template.failureNode) checkReferences(what, [template.failureNode], library);
  const env: EngineEnv = {
    root: { owner: undefined, prefix: "", graph, library },
    kernel,
    maxParallelism: count(options.maxParallelism, 0, "maxParallelism"),
    defaultArrayParallelism: count(options.defaultArrayParallelism, 0, "defaultArrayParallelism"),
    overwriteCache: options.overwriteCache ?? false,
    recovered: options.recovered,
    maxSystemRetries: count(options.maxSystemRetries, 3, "maxSystemRetries"),
    executionName: options.executionName ?? "",
    workflowTimeoutMs: durationMs(template.metadata?.timeout),
  };
  return {
    initialState: () => ({ phase: WorkflowExecutionPhase.QUEUED, nodes: PersistentMap.empty(), detail: initialBookkeeping() }),
    handle: (state, event, now) => handle(env, state, event, now),
    nodeKind: (state, path) => nodeKindAt(env, state, path),
    generatedWorkflow: (state, path) => generatedWorkflowAt(env, template.id, state, path),
  };
}

function handle(env: EngineEnv, state: ExecutionState, event: EngineEvent, now: number): Step {
  if (!Number.isFinite(now)) throw new Error(`handle: now must be a finite number of milliseconds, got ${now}`);
  const notStarted = state.phase === WorkflowExecutionPhase.QUEUED && event.type !== "start" && event.type !== "abort";
  if (isTerminalWorkflowPhase(state.phase) || notStarted) return { state, decisions: [], records: [] };
  const tx = new Tx(env, state, now);
  dispatchEvent(tx, event);
  settle(tx);
  return { state: tx.result(), decisions: tx.decisions, records: tx.records };
}

function count(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`createEngine: options.${name} must be a whole number ≥ 0, got ${value}`);
  return value;
}
