import { NodeExecutionPhase, WorkflowExecutionPhase, type LiteralMap } from "@skein/idl";
import type { EngineEvent } from "./api.js";
import { assertNever } from "../assert-never.js";
import { childExecutionName } from "./child-name.js";
import { workflowGraph } from "./graph.js";
import type { Instance, ScopeResult } from "./kernel.js";
import { identifierKey } from "./library.js";
import { finish } from "./lifecycle.js";
import { userError } from "./literal-values.js";
import { takesSlot, tryAcquireSlot, waitForSlot } from "./slots.js";
import { emptyLiteralMap } from "./task-common.js";
import { detailOf, type Tx } from "./tx.js";

// Workflow nodes. A sub-workflow's nodes run nested under the node (`<node>/<id>`) and the node
// ends with the sub-workflow's outputs. A launch plan starts a child execution, holding a
// parallelism slot, and ends when the driver reports the child finished.

export function startWorkflowNode(tx: Tx, inst: Instance, inputs: LiteralMap): void {
  const t = inst.node.target;
  const ref = t.case === "workflowNode" ? t.value.reference : undefined;
  const base = { attempts: 0, systemFailures: 0, queuedAt: tx.now, inputs };
  switch (ref?.case) {
    case "subWorkflowRef": {
      const template = inst.scope.library.workflow(ref.value);
      if (!template) {
        finish(tx, inst, { phase: NodeExecutionPhase.FAILED, error: userError("UnknownWorkflow", `node "${inst.path}": sub-workflow "${identifierKey(ref.value)}" is not in the closure`) });
        return;
      }
      const scope = { remaining: 0, inflight: 0, stage: "running" } as const;
      tx.transition(inst.path, { ...base, phase: NodeExecutionPhase.RUNNING, startedAt: tx.now, detail: { kind: "subworkflow", scope } });
      tx.k.startScope(tx, { owner: inst.path, prefix: `${inst.path}/`, graph: workflowGraph(template), library: inst.scope.library });
      return;
    }
    case "launchplanRef": {
      const name = childExecutionName(tx.env.executionName, inst.path, 0);
      tx.transition(inst.path, { ...base, phase: NodeExecutionPhase.QUEUED, detail: { kind: "launchPlan", stage: "slot", slot: false, name } });
      if (tryAcquireSlot(tx, inst)) beginChild(tx, inst);
      else waitForSlot(tx, inst.path);
      return;
    }
    case undefined:
      finish(tx, inst, { phase: NodeExecutionPhase.FAILED, error: userError("MissingTarget", `node "${inst.path}": the workflow node names no workflow`) });
      return;
    default:
      assertNever(ref, "workflow reference");
  }
}

/** Starts the child execution; the node holds a slot (unless it is an array item). */
export function beginChild(tx: Tx, inst: Instance): void {
  const state = tx.node(inst.path);
  const detail = detailOf(state);
  const t = inst.node.target;
  if (!state || detail?.kind !== "launchPlan" || t.case !== "workflowNode" || t.value.reference.case !== "launchplanRef") {
    throw new Error(`engine invariant: node "${inst.path}" cannot start a child execution`);
  }
  tx.transition(inst.path, { ...state, phase: NodeExecutionPhase.RUNNING, startedAt: tx.now, detail: { ...detail, stage: "child", slot: takesSlot(inst) } });
  tx.decide({ type: "startChild", node: inst.path, launchPlan: t.value.reference.value, inputs: state.inputs ?? emptyLiteralMap(), name: detail.name });
}

export function onChildFinished(tx: Tx, inst: Instance, event: Extract<EngineEvent, { type: "childFinished" }>): void {
  const state = tx.node(inst.path);
  const detail = detailOf(state);
  if (state?.phase !== NodeExecutionPhase.RUNNING || detail?.kind !== "launchPlan" || detail.stage !== "child") return;
  switch (event.phase) {
    case WorkflowExecutionPhase.SUCCEEDED:
      finish(tx, inst, { phase: NodeExecutionPhase.SUCCEEDED, outputs: event.outputs ?? emptyLiteralMap() });
      return;
    case WorkflowExecutionPhase.FAILED:
    case WorkflowExecutionPhase.TIMED_OUT:
    case WorkflowExecutionPhase.ABORTED: {
      const phaseName = WorkflowExecutionPhase[event.phase];
      const error = event.error ?? userError("ChildExecutionFailed", `child execution "${detail.name}" of node "${inst.path}" ended ${phaseName}`);
      finish(tx, inst, { phase: NodeExecutionPhase.FAILED, error });
      return;
    }
    case WorkflowExecutionPhase.UNSPECIFIED:
    case WorkflowExecutionPhase.QUEUED:
    case WorkflowExecutionPhase.RUNNING:
    case WorkflowExecutionPhase.SUCCEEDING:
    case WorkflowExecutionPhase.FAILING:
    case WorkflowExecutionPhase.ABORTING:
      throw new Error(`childFinished for node "${inst.path}": ${WorkflowExecutionPhase[event.phase]} is not a final phase`);
    default:
      assertNever(event.phase, "workflow phase");
  }
}

/** The sub-workflow's scope ended. */
export function subworkflowDone(tx: Tx, inst: Instance, result: ScopeResult): void {
  if (result.kind === "succeeded") finish(tx, inst, { phase: NodeExecutionPhase.SUCCEEDED, outputs: result.outputs });
  else finish(tx, inst, { phase: NodeExecutionPhase.FAILED, error: result.error });
}
