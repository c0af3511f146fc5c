import type { Client } from "@connectrpc/connect";
import type { ClusterRouterService } from "@skein/idl/router/v1";

type RouterClient = Client<typeof ClusterRouterService>;

/** The RegisterCluster fields a test may set. */
export interface RegistrationFields {
  readonly region?: string;
  readonly labels?: Record<string, string>;
  readonly weight?: number;
  readonly capacity?: number;
  readonly domains?: string[];
  readonly projects?: string[];
}

/** A registration with sensible defaults: region us-east, weight 1, no capacity limit. */
export function registration(id: string, fields: RegistrationFields = {}) {
  return { id, region: "us-east", weight: 1, ...fields };
}

/** Registers a cluster and heartbeats it once, with room for `free` more executions. */
export async function healthyCluster(client: RouterClient, id: string, fields: RegistrationFields = {}, free = 100): Promise<void> {
  await client.registerCluster(registration(id, fields));
  await client.heartbeat({ clusterId: id, load: { runningExecutions: 0, freeCapacity: free } });
}

/** An execution id in project `flytesnacks`, domain `development`. */
export function execId(name: string, project = "flytesnacks", domain = "development") {
  return { project, domain, name };
}
