import type { BlobStore } from "@skein/blob";
import { assertNever } from "@skein/engine";
import type { LiteralMap, NodeExecutionEvent, TaskExecutionEvent } from "@skein/idl";
import type { ExecutionKey } from "../repositories/execution-repository.js";
import { storeLiteralMap, type StoredLiteralMap } from "./execution-data.js";

/** Where event data larger than the inline limit goes. */
export interface EventDataStore {
  readonly blobs: BlobStore;
  /** Serialized literal maps up to this size stay in the row. */
  readonly inlineMaxBytes: number;
}

/** The literal maps an accepted event carries inline, each stored inline or in the blob store. */
export interface EventData {
  readonly inputs?: StoredLiteralMap;
  readonly outputs?: StoredLiteralMap;
}

/** The record an event's data belongs to; it decides the blob keys (reference §4 layout). */
export type EventDataOwner =
  | { readonly kind: "workflow" }
  | { readonly kind: "node"; readonly nodeId: string }
  | { readonly kind: "task"; readonly nodeId: string; readonly attempt: number };

/**
 * The file of a record's inputs or outputs under `metadata/<project>/<domain>/<execution>/`:
 * `outputs.pb` for the execution, `<node>/{inputs,outputs}.pb` for a node and
 * `<node>/<attempt>/{inputs,outputs}.pb` for a task attempt.
 */
export function eventDataFile(owner: EventDataOwner, part: "inputs" | "outputs"): string {
  switch (owner.kind) {
    case "workflow":
      return `${part}.pb`;
    case "node":
      return `${owner.nodeId}/${part}.pb`;
    case "task":
      return `${owner.nodeId}/${owner.attempt}/${part}.pb`;
    default:
      return assertNever(owner, "event data owner");
  }
}

/** The maps an event carries inline: `input_data` and `output_data`, when set. */
export interface InlineEventData {
  readonly inputs?: LiteralMap | undefined;
  readonly outputs?: LiteralMap | undefined;
}

/** The inline maps of a node or task event. */
export function inlineDataOf(event: Pick<NodeExecutionEvent, "inputValue" | "outputResult"> | Pick<TaskExecutionEvent, "inputValue" | "outputResult">): InlineEventData {
  return {
    inputs: event.inputValue.case === "inputData" ? event.inputValue.value : undefined,
    outputs: event.outputResult.case === "outputData" ? event.outputResult.value : undefined,
  };
}

/**
 * Stores the inline input and output maps of an accepted event: at most `inlineMaxBytes` stays in
 * the row, anything larger is written to the blob store and the row keeps its uri. Call it only
 * for accepted events, while the execution's row lock is held: a refused event must never replace
 * data that a stored record points at. The blob keys are deterministic, so a retried batch writes
 * the same objects again.
 */
export async function storeEventData(store: EventDataStore, execution: ExecutionKey, owner: EventDataOwner, data: InlineEventData): Promise<EventData> {
  const save = (part: "inputs" | "outputs", map: LiteralMap) => storeLiteralMap(store.blobs, store.inlineMaxBytes, execution, eventDataFile(owner, part), map);
  return {
    ...(data.inputs !== undefined ? { inputs: await save("inputs", data.inputs) } : {}),
    ...(data.outputs !== undefined ? { outputs: await save("outputs", data.outputs) } : {}),
  };
}
