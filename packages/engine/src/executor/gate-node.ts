import { assertNever } from "../assert-never.js";
import { create } from "@bufbuild/protobuf";
import { LiteralTypeSchema, NodeExecutionPhase, SimpleType, type Literal, type LiteralMap } from "@skein/idl";
import type { NodeState } from "./api.js";
import type { Instance } from "./kernel.js";
import { finish } from "./lifecycle.js";
import { userError } from "./literal-values.js";
import { locate } from "./locate.js";
import { durationMs } from "./node-policy.js";
import { signalTypeProblem } from "./signal-type.js";
import { emptyLiteralMap } from "./task-common.js";
import { sleepTimer } from "./timers.js";
import { detailOf, type Tx } from "./tx.js";

// Gate nodes wait. An approval waits for a boolean signal (true passes the gate's inputs on,
// false fails the node); a signal gate's value becomes its output; a sleep ends after its duration.

const BOOLEAN_TYPE = create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.BOOLEAN } });

export function startGate(tx: Tx, inst: Instance, inputs: LiteralMap): void {
  const t = inst.node.target;
  const condition = t.case === "gateNode" ? t.value.condition : undefined;
  const running: NodeState = {
    phase: NodeExecutionPhase.RUNNING,
    attempts: 0,
    systemFailures: 0,
    queuedAt: tx.now,
    startedAt: tx.now,
    inputs,
    detail: { kind: "gate" },
  };
  switch (condition?.case) {
    case "approve":
    case "signal": {
      const signalId = condition.value.signalId;
      const approval = condition.case === "approve";
      const valueType = approval ? BOOLEAN_TYPE : condition.value.type;
      if (!valueType) {
        finish(tx, inst, { phase: NodeExecutionPhase.FAILED, error: userError("InvalidGate", `node "${inst.path}": the signal gate declares no type`) });
        return;
      }
      tx.transition(inst.path, running);
      tx.signals = tx.signals.set(signalId, [...(tx.signals.get(signalId) ?? []), inst.path]);
      tx.decide({ type: "waitSignal", node: inst.path, signalId, valueType, approval });
      return;
    }
    case "sleep":
      tx.transition(inst.path, running);
      tx.decide({ type: "setTimer", timer: sleepTimer(inst.path), at: tx.now + durationMs(condition.value.duration) });
      return;
    case undefined:
      finish(tx, inst, { phase: NodeExecutionPhase.FAILED, error: userError("InvalidGate", `node "${inst.path}": the gate has no condition`) });
      return;
    default:
      assertNever(condition, "gate condition");
  }
}

/** A signal value arrived: every gate waiting on it takes it. Unknown signals are ignored. */
export function onSignal(tx: Tx, signalId: string, value: Literal): void {
  const waiting = tx.signals.get(signalId);
  if (!waiting) return;
  tx.signals = tx.signals.delete(signalId);
  for (const path of waiting) {
    const inst = locate(tx, path);
    const state = tx.node(path);
    if (inst && state?.phase === NodeExecutionPhase.RUNNING && detailOf(state)?.kind === "gate") deliver(tx, inst, state, signalId, value);
  }
}

function deliver(tx: Tx, inst: Instance, state: NodeState, signalId: string, value: Literal): void {
  const t = inst.node.target;
  const condition = t.case === "gateNode" ? t.value.condition : undefined;
  const fail = (code: string, message: string): void => {
    finish(tx, inst, { phase: NodeExecutionPhase.FAILED, error: userError(code, message) });
  };
  if (condition?.case === "approve") {
    const v = value.value.case === "scalar" && value.value.value.value.case === "primitive" ? value.value.value.value.value.value : undefined;
    if (v?.case !== "boolean") {
      fail("SignalTypeMismatch", `node "${inst.path}": approval signal "${signalId}" must be a boolean`);
    } else if (v.value) {
      finish(tx, inst, { phase: NodeExecutionPhase.SUCCEEDED, outputs: state.inputs ?? emptyLiteralMap() });
    } else {
      fail("ApprovalRejected", `node "${inst.path}": signal "${signalId}" rejected the approval`);
    }
  } else if (condition?.case === "signal") {
    const problem = signalTypeProblem(value, condition.value.type);
    if (problem) {
      fail("SignalTypeMismatch", `node "${inst.path}": signal "${signalId}": ${problem}`);
      return;
    }
    const name = condition.value.outputVariableName || "o0";
    finish(tx, inst, { phase: NodeExecutionPhase.SUCCEEDED, outputs: { ...emptyLiteralMap(), literals: { [name]: value } } });
  }
}

/** A sleep gate's time is up. */
export function onSleepTimer(tx: Tx, inst: Instance): void {
  const state = tx.node(inst.path);
  if (state?.phase !== NodeExecutionPhase.RUNNING || detailOf(state)?.kind !== "gate") return;
  finish(tx, inst, { phase: NodeExecutionPhase.SUCCEEDED, outputs: emptyLiteralMap() });
}
