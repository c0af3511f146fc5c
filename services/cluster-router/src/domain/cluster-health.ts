/** Liveness derived from heartbeats; the API's ClusterHealth in the router's own words. */
export type ClusterHealth = "pending" | "healthy" | "unreachable";

/**
 * A cluster that never heartbeated is pending; one whose latest heartbeat is older than the
 * timeout is unreachable. The age is measured on the asking replica's clock.
 */
export function clusterHealth(lastHeartbeatAt: Date | null, now: Date, heartbeatTimeoutMs: number): ClusterHealth {
  if (lastHeartbeatAt === null) return "pending";
  return now.getTime() - lastHeartbeatAt.getTime() > heartbeatTimeoutMs ? "unreachable" : "healthy";
}

/** The latest heartbeat time that still counts as healthy at `now`. */
export function heartbeatCutoff(now: Date, heartbeatTimeoutMs: number): Date {
  return new Date(now.getTime() - heartbeatTimeoutMs);
}
