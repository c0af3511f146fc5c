import { create, fromBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { LiteralSchema, LiteralTypeSchema } from "@skein/idl";
import { SignalSchema, type Signal } from "@skein/idl/admin/v1";
import type { SignalRow } from "../database.js";

/** The API view of a signal row. */
export function signalFromRow(row: SignalRow): Signal {
  return create(SignalSchema, {
    id: { signalId: row.signal_id, executionId: { project: row.project, domain: row.domain, name: row.execution_name } },
    type: fromBinary(LiteralTypeSchema, row.type),
    value: row.value === null ? undefined : fromBinary(LiteralSchema, row.value),
    createdAt: timestampFromDate(row.created_at),
    setAt: row.set_at === null ? undefined : timestampFromDate(row.set_at),
    setBy: row.set_by,
  });
}
