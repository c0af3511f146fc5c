import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ClusterHealth, ClusterSchema, ClusterState, type Cluster } from "@skein/idl/router/v1";
import { assertNever } from "@skein/engine";
import { clusterHealth, type ClusterHealth as RowHealth } from "../../domain/cluster-health.js";
import type { ClusterCandidate } from "../../domain/cluster-selector.js";
import type { CountedCluster } from "../cluster-repository.js";
import type { ClusterRowState } from "../database.js";

export function clusterStateToApi(state: ClusterRowState): ClusterState {
  switch (state) {
    case "active":
      return ClusterState.ACTIVE;
    case "draining":
      return ClusterState.DRAINING;
    default:
      return assertNever(state);
  }
}

function healthToApi(health: RowHealth): ClusterHealth {
  switch (health) {
    case "pending":
      return ClusterHealth.PENDING;
    case "healthy":
      return ClusterHealth.HEALTHY;
    case "unreachable":
      return ClusterHealth.UNREACHABLE;
    default:
      return assertNever(health);
  }
}

/** The API message for a stored cluster, its health judged at `now`. */
export function clusterFromRow({ row, assigned }: CountedCluster, now: Date, heartbeatTimeoutMs: number): Cluster {
  return create(ClusterSchema, {
    id: row.id,
    region: row.region,
    labels: row.labels,
    weight: row.weight,
    capacity: row.capacity,
    endpoint: row.endpoint,
    domains: row.domains,
    projects: row.projects,
    state: clusterStateToApi(row.state),
    health: healthToApi(clusterHealth(row.last_heartbeat_at, now, heartbeatTimeoutMs)),
    load: { runningExecutions: row.running_executions, freeCapacity: row.free_capacity },
    assignedExecutions: assigned,
    registeredAt: timestampFromDate(row.registered_at),
    lastHeartbeatAt: row.last_heartbeat_at === null ? undefined : timestampFromDate(row.last_heartbeat_at),
  });
}

/** What selection sees of a stored cluster, its health judged at `now`. */
export function candidateFromRow({ row, assigned }: CountedCluster, now: Date, heartbeatTimeoutMs: number): ClusterCandidate {
  return {
    id: row.id,
    region: row.region,
    labels: row.labels,
    weight: row.weight,
    capacity: row.capacity,
    state: row.state,
    health: clusterHealth(row.last_heartbeat_at, now, heartbeatTimeoutMs),
    freeCapacity: row.free_capacity,
    assigned,
    domains: row.domains,
    projects: row.projects,
  };
}
