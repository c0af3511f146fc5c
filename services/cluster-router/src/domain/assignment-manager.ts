import { create } from "@bufbuild/protobuf";
import {
  AssignResponseSchema,
  GetAssignmentResponseSchema,
  ReleaseAssignmentResponseSchema,
  TerminateAssignmentResponseSchema,
  type AssignRequest,
  type AssignResponse,
  type GetAssignmentRequest,
  type GetAssignmentResponse,
  type ReleaseAssignmentRequest,
  type ReleaseAssignmentResponse,
  type TerminateAssignmentRequest,
  type TerminateAssignmentResponse,
} from "@skein/idl/router/v1";
import type { WorkflowExecutionIdentifier } from "@skein/idl";
import { invalidArgument, notFound, type Clock, type Logger } from "@skein/server";
import type { Kysely } from "kysely";
import type { AssignmentRepository } from "../repositories/assignment-repository.js";
import type { AssignmentChangeRepository, NewAssignmentChange } from "../repositories/change-repository.js";
import type { ClusterRepository } from "../repositories/cluster-repository.js";
import type { RouterDatabase } from "../repositories/database.js";
import { assignmentFromRow } from "../repositories/transformers/assignment-transformer.js";
import { executionKeyText, type ExecutionKey } from "./execution-hash.js";
import { LockedClusters } from "./locked-clusters.js";
import { queueChange, type Placement, type PlacementRound } from "./placement.js";
import { inTransaction } from "./transactions.js";
import type { ClusterWakeUps } from "./wake-ups.js";

export interface AssignmentManagerDeps {
  readonly db: Kysely<RouterDatabase>;
  readonly clusters: ClusterRepository;
  readonly assignments: AssignmentRepository;
  readonly changes: AssignmentChangeRepository;
  readonly placement: Placement;
  readonly wakeUps: ClusterWakeUps;
  readonly clock: Clock;
  readonly heartbeatTimeoutMs: number;
  readonly logger: Logger;
}

function keyOf(id: WorkflowExecutionIdentifier | undefined): ExecutionKey {
  // The validation interceptor enforces presence; this keeps direct callers honest too.
  if (id === undefined) throw invalidArgument("execution_id", "is required");
  return { project: id.project, domain: id.domain, name: id.name };
}

/** Assign, GetAssignment, ReleaseAssignment and TerminateAssignment. */
export class AssignmentManager {
  constructor(private readonly deps: AssignmentManagerDeps) {}

  /** Idempotent per execution: an execution that has an assignment gets that one back unchanged. */
  async assign(req: AssignRequest): Promise<AssignResponse> {
    const key = keyOf(req.executionId);
    const existing = await this.deps.assignments.find(key);
    if (existing !== undefined) return create(AssignResponseSchema, { assignment: assignmentFromRow(existing) });
    const spec = {
      execution: key,
      clusterId: req.selection?.clusterId ?? "",
      clusterLabel: req.selection?.clusterLabel ?? "",
      region: req.selection?.region ?? "",
    };
    const now = this.deps.clock.now();
    const result = await inTransaction(this.deps.db, async (trx) => {
      const clusters = await LockedClusters.lock(this.deps.clusters, trx, now, this.deps.heartbeatTimeoutMs);
      // Concurrent Assigns of one execution queue on the cluster locks; the later one finds the row.
      const again = await this.deps.assignments.find(key, trx);
      if (again !== undefined) return { row: again, clusterIds: [] };
      if (spec.clusterId !== "" && clusters.get(spec.clusterId) === undefined) throw notFound(`cluster "${spec.clusterId}"`);
      const inTrx: PlacementRound = { now, clusters, changes: [] };
      const row = await this.deps.placement.create(spec, inTrx, trx);
      await this.deps.changes.append(inTrx.changes, now, trx);
      return { row, clusterIds: inTrx.changes.map((c) => c.clusterId) };
    });
    this.deps.wakeUps.publish(result.clusterIds);
    if (result.row.state === "pending") {
      this.deps.logger.info("assignment pending", { execution: executionKeyText(key), reason: result.row.pending_reason });
    }
    return create(AssignResponseSchema, { assignment: assignmentFromRow(result.row) });
  }

  async get(req: GetAssignmentRequest): Promise<GetAssignmentResponse> {
    const row = await this.deps.assignments.get(keyOf(req.executionId));
    return create(GetAssignmentResponseSchema, { assignment: assignmentFromRow(row) });
  }

  /** Frees the slot and tells the owner it may forget the execution. Releasing twice is a no-op. */
  async release(req: ReleaseAssignmentRequest): Promise<ReleaseAssignmentResponse> {
    const key = keyOf(req.executionId);
    const now = this.deps.clock.now();
    const clusterIds = await inTransaction(this.deps.db, async (trx) => {
      const row = await this.deps.assignments.lock(key, trx);
      if (row.state === "released") return [];
      const released = await this.deps.assignments.update(key, { state: "released", released_at: now, pending_reason: "", updated_at: now }, trx);
      if (row.state === "pending" || row.cluster_id === null) return [];
      const changes: NewAssignmentChange[] = [];
      queueChange(changes, row.cluster_id, "released", released);
      await this.deps.changes.append(changes, now, trx);
      return [row.cluster_id];
    });
    this.deps.wakeUps.publish(clusterIds);
    return create(ReleaseAssignmentResponseSchema, {});
  }

  /**
   * Records the termination request and sends TERMINATE to the owner; a pending assignment is
   * released at once. Asking again changes nothing.
   */
  async terminate(req: TerminateAssignmentRequest): Promise<TerminateAssignmentResponse> {
    const key = keyOf(req.executionId);
    const now = this.deps.clock.now();
    const result = await inTransaction(this.deps.db, async (trx) => {
      const row = await this.deps.assignments.lock(key, trx);
      if (row.state === "released" || row.termination_requested_at !== null) return { row, clusterIds: [] };
      const termination = { termination_cause: req.cause, termination_principal: req.principal, termination_requested_at: now, updated_at: now };
      if (row.state === "pending" || row.cluster_id === null) {
        const released = await this.deps.assignments.update(key, { ...termination, state: "released", released_at: now, pending_reason: "" }, trx);
        return { row: released, clusterIds: [] };
      }
      const updated = await this.deps.assignments.update(key, termination, trx);
      const changes: NewAssignmentChange[] = [];
      queueChange(changes, row.cluster_id, "terminate", updated);
      await this.deps.changes.append(changes, now, trx);
      return { row: updated, clusterIds: [row.cluster_id] };
    });
    this.deps.wakeUps.publish(result.clusterIds);
    return create(TerminateAssignmentResponseSchema, { assignment: assignmentFromRow(result.row) });
  }
}
