import { create } from "@bufbuild/protobuf";
import { CatalogCacheStatus, LiteralMapSchema, NodeExecutionPhase, type LiteralMap, type TaskTemplate } from "@skein/idl";
import type { Instance } from "./kernel.js";
import { finish } from "./lifecycle.js";
import { cacheSettings } from "./node-policy.js";
import type { Tx } from "./tx.js";

// Shared by plain and dynamic task nodes: finding the task, and succeeding (writing the cache
// when the node is cacheable).

/** The task a task node runs, from its scope's library. */
export function taskOf(inst: Instance): TaskTemplate | undefined {
  const t = inst.node.target;
  if (t.case !== "taskNode" || t.value.reference.case !== "referenceId") return undefined;
  return inst.scope.library.task(t.value.reference.value);
}

export function emptyLiteralMap(): LiteralMap {
  return create(LiteralMapSchema);
}

/** Ends a task node SUCCEEDED with `outputs`, asking the driver to cache them if cacheable. */
export function succeedTask(tx: Tx, inst: Instance, outputs: LiteralMap): void {
  const task = taskOf(inst);
  const state = tx.node(inst.path);
  const cache = cacheSettings(inst.node, task, tx.env.overwriteCache);
  if (!cache.enabled || !task || !state) {
    finish(tx, inst, { phase: NodeExecutionPhase.SUCCEEDED, outputs });
    return;
  }
  tx.decide({
    type: "putCache",
    node: inst.path,
    task,
    inputs: state.inputs ?? emptyLiteralMap(),
    outputs,
    attempt: Math.max(0, state.attempts - 1),
    cacheVersion: cache.version,
  });
  finish(tx, inst, { phase: NodeExecutionPhase.SUCCEEDED, outputs, cacheStatus: CatalogCacheStatus.POPULATED });
}
