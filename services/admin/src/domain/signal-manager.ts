import { create, equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import { LiteralSchema, LiteralTypeSchema, type SignalIdentifier } from "@skein/idl";
import {
  GetOrCreateSignalResponseSchema,
  ListSignalsResponseSchema,
  SetSignalResponseSchema,
  type GetOrCreateSignalRequest,
  type GetOrCreateSignalResponse,
  type ListSignalsRequest,
  type ListSignalsResponse,
  type SetSignalRequest,
  type SetSignalResponse,
} from "@skein/idl/admin/v1";
import { checkLiteral, describeType } from "@skein/engine";
import { failedPrecondition, invalidArgument, type Clock, type Logger } from "@skein/server";
import type { ExecutionRepository } from "../repositories/execution-repository.js";
import { signalKeyText, type SignalKey, type SignalRepository } from "../repositories/signal-repository.js";
import { signalFromRow } from "../repositories/transformers/signal-transformer.js";
import { parseFilters, type FilterFields } from "./filters.js";
import { pageOf, planList, type ListOrdering } from "./list-query.js";

const signalFilterFields: FilterFields = {
  fields: {
    signal_id: { kind: "string", column: "signal_id" },
    is_set: { kind: "boolean", column: "is_set" },
    created_at: { kind: "timestamp", column: "created_at" },
    set_at: { kind: "timestamp", column: "set_at" },
  },
};

const signalOrdering: ListOrdering = {
  sortKeys: {
    signal_id: { column: "signal_id", kind: "text" },
    created_at: { column: "created_at", kind: "timestamp" },
    set_at: { column: "set_sort", kind: "timestamp" },
  },
  tieBreakers: [{ column: "signal_id", kind: "text" }],
  defaultSortKey: "created_at",
};

function signalKeyOf(id: SignalIdentifier | undefined): SignalKey {
  const execution = id?.executionId;
  if (id === undefined || execution === undefined) throw invalidArgument("id.execution_id", "is required");
  return { project: execution.project, domain: execution.domain, executionName: execution.name, signalId: id.signalId };
}

export interface SignalManagerDeps {
  readonly signals: SignalRepository;
  readonly executions: ExecutionRepository;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Gate signals: created unset by the gate, set once by a person or system, type-checked. */
export class SignalManager {
  constructor(private readonly deps: SignalManagerDeps) {}

  /** Idempotent for the same type; the same id with another type is FailedPrecondition. */
  async getOrCreate(req: GetOrCreateSignalRequest): Promise<GetOrCreateSignalResponse> {
    const key = signalKeyOf(req.id);
    if (req.type === undefined) throw invalidArgument("type", "is required");
    await this.deps.executions.get({ project: key.project, domain: key.domain, name: key.executionName });
    const row = await this.deps.signals.getOrCreate(key, toBinary(LiteralTypeSchema, req.type), this.deps.clock.now());
    const stored = fromBinary(LiteralTypeSchema, row.type);
    if (!equals(LiteralTypeSchema, stored, req.type)) {
      throw failedPrecondition(`signal "${signalKeyText(key)}" already exists with type ${describeType(stored)}, not ${describeType(req.type)}`);
    }
    return create(GetOrCreateSignalResponseSchema, { signal: signalFromRow(row) });
  }

  async list(req: ListSignalsRequest): Promise<ListSignalsResponse> {
    if (req.executionId === undefined) throw invalidArgument("execution_id", "is required");
    const execution = { project: req.executionId.project, domain: req.executionId.domain, name: req.executionId.name };
    const filters = parseFilters(req.filters, signalFilterFields);
    const plan = planList(req, signalOrdering);
    await this.deps.executions.get(execution);
    const { page, nextToken } = pageOf(await this.deps.signals.list(execution, filters, plan), plan);
    return create(ListSignalsResponseSchema, { signals: page.map(signalFromRow), nextToken });
  }

  /**
   * Sets the value once. NotFound until the gate created the signal; InvalidArgument naming `value`
   * when it does not fit the type; setting the same value again is a no-op, a different one
   * FailedPrecondition.
   */
  async set(req: SetSignalRequest): Promise<SetSignalResponse> {
    const key = signalKeyOf(req.id);
    if (req.value === undefined) throw invalidArgument("value", "is required");
    const row = await this.deps.signals.get(key);
    const type = fromBinary(LiteralTypeSchema, row.type);
    const problems = checkLiteral(req.value, type, "value");
    if (problems.length > 0) throw invalidArgument("value", `does not match the signal's type ${describeType(type)} (${problems.join("; ")})`);
    const updated = await this.deps.signals.setIfUnset(key, toBinary(LiteralSchema, req.value), "", this.deps.clock.now());
    if (updated !== undefined) {
      this.deps.logger.info("signal set", { signal: signalKeyText(key) });
      return create(SetSignalResponseSchema, { signal: signalFromRow(updated) });
    }
    const current = await this.deps.signals.get(key);
    if (current.value !== null && equals(LiteralSchema, fromBinary(LiteralSchema, current.value), req.value)) {
      return create(SetSignalResponseSchema, { signal: signalFromRow(current) });
    }
    throw failedPrecondition(`signal "${signalKeyText(key)}" is already set to a different value`);
  }
}
