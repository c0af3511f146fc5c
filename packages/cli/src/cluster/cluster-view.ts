import { toJson } from "@bufbuild/protobuf";
import { ClusterHealth, ClusterSchema, ClusterState, type Cluster } from "@skein/idl/router/v1";
import { enumName } from "../remote/format.js";

/** Columns of `skein cluster list`. */
export const CLUSTER_HEADER = ["CLUSTER", "REGION", "LABELS", "HEALTH", "LOAD", "ASSIGNMENTS", "DRAINED"] as const;

/** Labels as `key=value` pairs sorted by key, comma-separated; `-` when there are none. */
export function labelsText(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return pairs.length === 0 ? "-" : pairs.map(([key, value]) => (value === "" ? key : `${key}=${value}`)).join(",");
}

/**
 * Load as reported by the latest heartbeat: running executions and free slots, with the registered
 * capacity when there is one. `-` before the first heartbeat.
 */
export function loadText(cluster: Cluster): string {
  if (cluster.lastHeartbeatAt === undefined || cluster.load === undefined) return "-";
  const limit = cluster.capacity > 0 ? `/${cluster.capacity}` : "";
  return `${cluster.load.runningExecutions}${limit} running, ${cluster.load.freeCapacity} free`;
}

export function isDrained(cluster: Cluster): boolean {
  return cluster.state === ClusterState.DRAINING;
}

export function clusterRow(cluster: Cluster): string[] {
  return [
    cluster.id,
    cluster.region === "" ? "-" : cluster.region,
    labelsText(cluster.labels),
    enumName(ClusterHealth, cluster.health),
    loadText(cluster),
    String(cluster.assignedExecutions),
    isDrained(cluster) ? "yes" : "no",
  ];
}

/** The `--json` form of one cluster: the contract's JSON with proto field names. */
export function clusterJson(cluster: Cluster): unknown {
  return toJson(ClusterSchema, cluster, { useProtoFieldName: true });
}
