import { toBinary } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { ExecutionErrorSchema, WorkflowExecutionPhase, type WorkflowExecutionEvent } from "@skein/idl";
import { isTerminalWorkflowPhase } from "@skein/engine";
import type { ExecutionRow, ExecutionTable } from "../repositories/database.js";
import { phaseToRow } from "../repositories/transformers/execution-transformer.js";
import type { EventData } from "./event-data.js";
import { elapsedMs } from "./node-execution-apply.js";

/** The execution columns events maintain (contracts: phase, reason, timings, result, owner). */
export interface ExecutionEventUpdate {
  phase?: ExecutionTable["phase"];
  reason?: string;
  started_at?: Date;
  duration_ms?: number;
  outputs?: Buffer | null;
  outputs_uri?: string | null;
  error?: Buffer | null;
  cluster?: string;
  assignment_epoch?: string;
  updated_at?: Date;
}

const bytes = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/**
 * What an accepted workflow event changes on its execution: the phase; started_at at the first
 * RUNNING; the duration at a terminal phase; the outputs or the error it carries; the reason (the
 * error message, or nothing once the phase moved on). `data` holds the outputs as `storeEventData`
 * stored them.
 */
export function workflowEventUpdate(row: ExecutionRow, event: WorkflowExecutionEvent, now: Date, data: EventData): ExecutionEventUpdate {
  const occurredAt = event.occurredAt === undefined ? now : timestampDate(event.occurredAt);
  const update: ExecutionEventUpdate = { phase: phaseToRow(event.phase), updated_at: now, reason: "" };
  let startedAt = row.started_at;
  if (event.phase === WorkflowExecutionPhase.RUNNING && startedAt === null) {
    startedAt = occurredAt;
    update.started_at = occurredAt;
  }
  if (isTerminalWorkflowPhase(event.phase)) update.duration_ms = elapsedMs(startedAt, occurredAt);
  const result = event.outputResult;
  switch (result.case) {
    case "outputData": {
      // Stored by storeEventData: inline bytes or the uri of the offloaded map.
      const stored = data.outputs;
      if (stored !== undefined) Object.assign(update, { outputs: stored.inline === null ? null : bytes(stored.inline), outputs_uri: stored.uri, error: null });
      break;
    }
    case "outputUri":
      if (result.value !== "") Object.assign(update, { outputs: null, outputs_uri: result.value, error: null });
      break;
    case "error":
      Object.assign(update, { error: bytes(toBinary(ExecutionErrorSchema, result.value)), outputs: null, outputs_uri: null, reason: result.value.message });
      break;
    case undefined:
      break;
  }
  return update;
}
