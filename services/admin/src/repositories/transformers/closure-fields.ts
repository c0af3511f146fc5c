import { fromBinary } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromDate, type Duration, type Timestamp } from "@bufbuild/protobuf/wkt";
import { ExecutionErrorSchema, type ExecutionError } from "@skein/idl";
import type { LiteralMapRef } from "@skein/idl/admin/v1";

// Closure fields that executions, node executions and task executions store alike.

/** A reference to a literal map stored inline (empty uri, its size) or offloaded (its uri). */
export function literalMapRef(inline: Uint8Array | null, uri: string | null): LiteralMapRef | undefined {
  if (inline === null && uri === null) return undefined;
  return { $typeName: "skein.admin.v1.LiteralMapRef", uri: uri ?? "", sizeBytes: BigInt(inline?.length ?? 0) };
}

/** A closure's result: the outputs once there are any, else the error, else nothing yet. */
export type ClosureResult =
  | { case: "outputs"; value: LiteralMapRef }
  | { case: "error"; value: ExecutionError }
  | { case: undefined; value?: undefined };

/** The result a row records. */
export function closureResult(row: { outputs: Uint8Array | null; outputs_uri: string | null; error: Uint8Array | null }): ClosureResult {
  const outputs = literalMapRef(row.outputs, row.outputs_uri);
  if (outputs !== undefined) return { case: "outputs", value: outputs };
  if (row.error !== null) return { case: "error", value: fromBinary(ExecutionErrorSchema, row.error) };
  return { case: undefined };
}

/** A closure's times; start and duration only once they are known. */
export interface ClosureTimes {
  startedAt?: Timestamp;
  duration?: Duration;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

/** The times a row records. */
export function closureTimes(row: {
  started_at: Date | null;
  duration_ms: string | number | bigint | null;
  created_at: Date;
  updated_at: Date;
}): ClosureTimes {
  return {
    ...(row.started_at !== null ? { startedAt: timestampFromDate(row.started_at) } : {}),
    ...(row.duration_ms !== null ? { duration: durationFromMs(Number(row.duration_ms)) } : {}),
    createdAt: timestampFromDate(row.created_at),
    updatedAt: timestampFromDate(row.updated_at),
  };
}
