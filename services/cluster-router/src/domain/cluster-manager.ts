import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import {
  DrainClusterResponseSchema,
  HeartbeatResponseSchema,
  ListClustersResponseSchema,
  RegisterClusterResponseSchema,
  UndrainClusterResponseSchema,
  type DrainClusterRequest,
  type DrainClusterResponse,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type ListClustersRequest,
  type ListClustersResponse,
  type RegisterClusterRequest,
  type RegisterClusterResponse,
  type UndrainClusterRequest,
  type UndrainClusterResponse,
  type Cluster,
} from "@skein/idl/router/v1";
import { invalidArgument, type Clock, type Logger } from "@skein/server";
import type { ClusterRepository } from "../repositories/cluster-repository.js";
import type { ClusterRowState } from "../repositories/database.js";
import { clusterFromRow, clusterStateToApi } from "../repositories/transformers/cluster-transformer.js";
import { matchesLabel, parseLabelSelector } from "./label-selector.js";
import type { Rebalancer } from "./rebalancer.js";

export interface ClusterManagerDeps {
  readonly clusters: ClusterRepository;
  readonly rebalancer: Rebalancer;
  readonly clock: Clock;
  readonly heartbeatTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly logger: Logger;
}

function distinct(field: string, values: readonly string[]): readonly string[] {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) throw invalidArgument(field, `lists "${value}" twice`);
    seen.add(value);
  }
  return values;
}

/** RegisterCluster, Heartbeat, ListClusters, DrainCluster and UndrainCluster. */
export class ClusterManager {
  constructor(private readonly deps: ClusterManagerDeps) {}

  async register(req: RegisterClusterRequest): Promise<RegisterClusterResponse> {
    const now = this.deps.clock.now();
    const { row, created } = await this.deps.clusters.upsert(
      {
        id: req.id,
        region: req.region,
        labels: req.labels,
        weight: req.weight,
        capacity: req.capacity,
        endpoint: req.endpoint,
        domains: distinct("domains", req.domains),
        projects: distinct("projects", req.projects),
      },
      now,
    );
    this.deps.logger.info(created ? "cluster registered" : "cluster registration updated", { cluster: req.id });
    const counted = await this.deps.clusters.getCounted(row.id);
    return create(RegisterClusterResponseSchema, { cluster: clusterFromRow(counted, now, this.deps.heartbeatTimeoutMs), created });
  }

  async heartbeat(req: HeartbeatRequest): Promise<HeartbeatResponse> {
    if (req.load === undefined) throw invalidArgument("load", "is required");
    const row = await this.deps.clusters.heartbeat(req.clusterId, { running: req.load.runningExecutions, free: req.load.freeCapacity }, this.deps.clock.now());
    return create(HeartbeatResponseSchema, { state: clusterStateToApi(row.state), nextHeartbeatIn: durationFromMs(this.deps.heartbeatIntervalMs) });
  }

  /** Clusters ordered by id, filtered by region and label selector when given. */
  async list(req: ListClustersRequest): Promise<ListClustersResponse> {
    const now = this.deps.clock.now();
    const label = req.clusterLabel === "" ? undefined : parseLabelSelector(req.clusterLabel);
    const counted = await this.deps.clusters.listCounted(req.region);
    const matching = label === undefined ? counted : counted.filter((c) => matchesLabel(c.row.labels, label));
    return create(ListClustersResponseSchema, { clusters: matching.map((c) => clusterFromRow(c, now, this.deps.heartbeatTimeoutMs)) });
  }

  /**
   * Stops new work going to the cluster. Its running work stays unless `migrate_assignments`, in
   * which case every active assignment moves now (batch by batch; asking again finishes the move
   * if it was interrupted).
   */
  async drain(req: DrainClusterRequest): Promise<DrainClusterResponse> {
    await this.#setState(req.clusterId, "draining");
    if (req.migrateAssignments) {
      const moved = await this.deps.rebalancer.migrate(req.clusterId);
      this.deps.logger.info("drained cluster's assignments moved", { cluster: req.clusterId, moved });
    }
    return create(DrainClusterResponseSchema, { cluster: await this.#get(req.clusterId) });
  }

  async undrain(req: UndrainClusterRequest): Promise<UndrainClusterResponse> {
    await this.#setState(req.clusterId, "active");
    return create(UndrainClusterResponseSchema, { cluster: await this.#get(req.clusterId) });
  }

  async #setState(id: string, state: ClusterRowState): Promise<void> {
    const before = await this.deps.clusters.get(id);
    if (before.state === state) return;
    await this.deps.clusters.setState(id, state, this.deps.clock.now());
    this.deps.logger.info(state === "draining" ? "cluster drained" : "cluster undrained", { cluster: id });
  }

  async #get(id: string): Promise<Cluster> {
    return clusterFromRow(await this.deps.clusters.getCounted(id), this.deps.clock.now(), this.deps.heartbeatTimeoutMs);
  }
}
