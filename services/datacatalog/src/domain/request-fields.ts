import { durationMs, timestampDate, type Duration, type Timestamp } from "@bufbuild/protobuf/wkt";
import type { DatasetId } from "@skein/idl/datacatalog/v1";
import { invalidArgument } from "@skein/server";
import type { DatasetKey } from "../repositories/database.js";
import { datasetKeyOf } from "../repositories/transformers/dataset-transformer.js";

// Protovalidate marks these required and the interceptor enforces it; these keep the types honest
// and hold for in-process callers that skip the interceptor.

export function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw invalidArgument(field, "is required");
  return value;
}

export function requiredDataset(id: DatasetId | undefined, field: string): DatasetKey {
  return datasetKeyOf(required(id, field));
}

/** A timestamp field as a Date, or undefined when unset. */
export function optionalDate(value: Timestamp | undefined): Date | undefined {
  return value === undefined ? undefined : timestampDate(value);
}

/** A duration field in milliseconds; InvalidArgument unless it is positive. */
export function positiveMs(value: Duration | undefined, field: string): number {
  const ms = durationMs(required(value, field));
  if (!(ms > 0)) throw invalidArgument(field, "must be greater than zero");
  return ms;
}

/** The page size a request asks for; 0 means the default. */
export function pageSize(limit: number): number {
  return limit === 0 ? 100 : limit;
}

/** InvalidArgument unless `after` is before `before` (when both are set). */
export function checkRange(after: Date | undefined, before: Date | undefined, afterField: string, beforeField: string): void {
  if (after !== undefined && before !== undefined && after.getTime() >= before.getTime()) {
    throw invalidArgument(afterField, `must be before ${beforeField} (${after.toISOString()} is not before ${before.toISOString()})`);
  }
}
