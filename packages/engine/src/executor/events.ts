import type { EngineEvent, NodePath } from "./api.js";
import { assertNever } from "../assert-never.js";
import { onSignal, onSleepTimer } from "./gate-node.js";
import type { Instance } from "./kernel.js";
import { locate } from "./locate.js";
import { currentAttempt, onAttemptSucceeded, onCacheResult } from "./task-node.js";
import { failAttempt, onRetryTimer, onTimeoutTimer } from "./task-retry.js";
import { parseTimer } from "./timers.js";
import type { Tx } from "./tx.js";
import { onChildFinished } from "./workflow-node.js";
import { onAbort, onStart, onWorkflowTimeout } from "./workflow-phase.js";

// Routes each event to the node kind it concerns. Paths must name nodes of the workflow (else
// an Error); whether the event still applies is each handler's question (stale ones change nothing).

export function dispatchEvent(tx: Tx, event: EngineEvent): void {
  switch (event.type) {
    case "start":
      onStart(tx, event.inputs);
      return;
    case "cacheResult":
      onCacheResult(tx, nodeOfKind(tx, event.node, event.type, "taskNode"), event);
      return;
    case "attemptSucceeded":
      onAttemptSucceeded(tx, nodeOfKind(tx, event.node, event.type, "taskNode"), event.attempt, event.outputs, event.dynamic);
      return;
    case "attemptFailed": {
      const inst = nodeOfKind(tx, event.node, event.type, "taskNode");
      const state = currentAttempt(tx, inst, event.attempt);
      if (state) failAttempt(tx, inst, state, event.error, { recoverable: event.recoverable, timedOut: false });
      return;
    }
    case "timerFired":
      onTimer(tx, event.timer);
      return;
    case "signal":
      onSignal(tx, event.signalId, event.value);
      return;
    case "childFinished":
      onChildFinished(tx, nodeOfKind(tx, event.node, event.type, "workflowNode"), event);
      return;
    case "abort":
      onAbort(tx, event.reason);
      return;
    default:
      assertNever(event, "engine event");
  }
}

function onTimer(tx: Tx, timer: string): void {
  const purpose = parseTimer(timer);
  switch (purpose.kind) {
    case "workflow-timeout":
      onWorkflowTimeout(tx);
      return;
    case "retry":
      onRetryTimer(tx, nodeOfKind(tx, purpose.node, "timerFired", "taskNode"), purpose.attempt);
      return;
    case "timeout": {
      const inst = nodeOfKind(tx, purpose.node, "timerFired", "taskNode");
      const state = currentAttempt(tx, inst, purpose.attempt);
      if (state) onTimeoutTimer(tx, inst, purpose.attempt, state);
      return;
    }
    case "sleep":
      onSleepTimer(tx, nodeOfKind(tx, purpose.node, "timerFired", "gateNode"));
      return;
    default:
      assertNever(purpose, "timer");
  }
}

type TargetKind = NonNullable<Instance["node"]["target"]["case"]>;

// The node at `path`, which must exist and be of `kind`.
function nodeOfKind(tx: Tx, path: NodePath, event: EngineEvent["type"], kind: TargetKind): Instance {
  const inst = locate(tx, path);
  if (!inst) throw new Error(`${event}: the workflow has no node "${path}"`);
  if (inst.node.target.case !== kind) throw new Error(`${event}: node "${path}" is a ${inst.node.target.case ?? "node without target"}, not a ${kind}`);
  return inst;
}
