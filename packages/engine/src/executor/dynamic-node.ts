import { NodeExecutionPhase, type DynamicJobSpec } from "@skein/idl";
import type { NodeState } from "./api.js";
import { GraphError } from "./graph.js";
import type { Instance, ScopeResult } from "./kernel.js";
import { finish } from "./lifecycle.js";
import { userError } from "./literal-values.js";
import { dynamicScope } from "./locate.js";
import { releaseSlot } from "./slots.js";
import { succeedTask } from "./task-common.js";
import { detailOf, type Tx } from "./tx.js";
import { checkReferences } from "./validate-references.js";

// A task attempt that returns a DynamicJobSpec turns its node DYNAMIC_RUNNING: the spec's nodes
// run nested under it (their `start-node` is the dynamic node's inputs), and the node succeeds
// with the spec's output bindings once they finish. The attempt's slot is given back meanwhile.

export function startDynamic(tx: Tx, inst: Instance, state: NodeState, spec: DynamicJobSpec): void {
  let problem: string | undefined;
  try {
    const scope = dynamicScope(inst.path, spec, inst.scope.library);
    checkReferences(`the dynamic workflow of node "${inst.path}"`, spec.nodes, scope.library);
  } catch (e) {
    if (!(e instanceof GraphError)) throw e;
    problem = e.message;
  }
  if (problem !== undefined) {
    finish(tx, inst, { phase: NodeExecutionPhase.FAILED, error: userError("InvalidDynamicSpec", problem) });
    return;
  }
  const detail = detailOf(state);
  if (detail?.kind === "task" && detail.slot) releaseSlot(tx);
  tx.transition(inst.path, {
    ...state,
    phase: NodeExecutionPhase.DYNAMIC_RUNNING,
    detail: { kind: "dynamic", spec, scope: { remaining: 0, inflight: 0, stage: "running" } },
  });
  tx.k.startScope(tx, dynamicScope(inst.path, spec, inst.scope.library));
}

/** The spec's nodes finished: the dynamic node ends with the spec's outputs or its error. */
export function dynamicDone(tx: Tx, inst: Instance, result: ScopeResult): void {
  if (result.kind === "succeeded") succeedTask(tx, inst, result.outputs);
  else finish(tx, inst, { phase: NodeExecutionPhase.FAILED, error: result.error });
}
