import { periodicLoop, type BackgroundLoop, type Clock, type Logger } from "@skein/server";
import type { Kysely, Transaction } from "kysely";
import type { AssignmentRepository } from "../repositories/assignment-repository.js";
import type { AssignmentChangeRepository } from "../repositories/change-repository.js";
import type { ClusterRepository } from "../repositories/cluster-repository.js";
import type { AssignmentRow, RouterDatabase } from "../repositories/database.js";
import { heartbeatCutoff } from "./cluster-health.js";
import type { ClusterCandidate } from "./cluster-selector.js";
import { executionKeyText } from "./execution-hash.js";
import { LockedClusters } from "./locked-clusters.js";
import type { Placement, PlacementRound } from "./placement.js";
import { inTransaction } from "./transactions.js";
import type { ClusterWakeUps } from "./wake-ups.js";

export interface RebalancerDeps {
  readonly db: Kysely<RouterDatabase>;
  readonly clusters: ClusterRepository;
  readonly assignments: AssignmentRepository;
  readonly changes: AssignmentChangeRepository;
  readonly placement: Placement;
  readonly wakeUps: ClusterWakeUps;
  readonly clock: Clock;
  readonly heartbeatTimeoutMs: number;
  readonly changeRetentionMs: number;
  readonly logger: Logger;
}

/** What one rebalance round did. */
export interface RebalanceReport {
  /** Active assignments taken from unreachable clusters (moved to another cluster or back to pending). */
  readonly failedOver: number;
  /** Pending assignments that got a cluster. */
  readonly placed: number;
  /** Change log entries past retention that were deleted. */
  readonly pruned: number;
}

const batchSize = 100;

/**
 * Moves work off clusters that stopped heartbeating (or were drained with migration) and places
 * pending work once a cluster qualifies. Safe with any number of router replicas: each batch locks
 * its assignment rows with SKIP LOCKED and re-checks, under the cluster locks, that the owner still
 * must give them up, so every assignment moves once and its epoch rises by exactly one.
 */
export class Rebalancer {
  constructor(private readonly deps: RebalancerDeps) {}

  /** One full round: fail over, place pending, prune the change log. */
  async round(): Promise<RebalanceReport> {
    const failedOver = await this.failOver();
    const placed = await this.placePending();
    const pruned = await this.deps.changes.prune(new Date(this.deps.clock.now().getTime() - this.deps.changeRetentionMs));
    return { failedOver, placed, pruned };
  }

  /** Moves every active assignment off clusters whose heartbeat is older than the timeout. */
  async failOver(): Promise<number> {
    const now = this.deps.clock.now();
    const unreachable = await this.deps.clusters.unreachableIds(heartbeatCutoff(now, this.deps.heartbeatTimeoutMs));
    if (unreachable.length === 0) return 0;
    return this.#moveAll(unreachable, now, (c) => c.health === "unreachable", "cluster unreachable");
  }

  /** Moves every active assignment off a draining cluster (DrainCluster with migrate_assignments). */
  async migrate(clusterId: string): Promise<number> {
    return this.#moveAll([clusterId], this.deps.clock.now(), (c) => c.state === "draining", "cluster drained with migration");
  }

  /** Gives every pending assignment a cluster if one qualifies now. */
  async placePending(): Promise<number> {
    const now = this.deps.clock.now();
    let placed = 0;
    let after: AssignmentRow | undefined;
    for (;;) {
      const batch = await this.#batch(
        now,
        (trx) => this.deps.assignments.lockPending(batchSize, after, trx),
        async (row, round, trx) => (await this.deps.placement.placePending(row, round, trx)) !== undefined,
      );
      placed += batch.count;
      if (batch.rows.length < batchSize) return placed;
      after = batch.rows.at(-1);
    }
  }

  async #moveAll(clusterIds: readonly string[], now: Date, mustLeave: (cluster: ClusterCandidate) => boolean, why: string): Promise<number> {
    let moved = 0;
    for (;;) {
      const batch = await this.#batch(
        now,
        (trx) => this.deps.assignments.lockActiveOf(clusterIds, batchSize, trx),
        async (row, round, trx) => {
          const owner = row.cluster_id === null ? undefined : round.clusters.get(row.cluster_id);
          // A heartbeat or an undrain may have landed since the ids were read: then the work stays.
          if (owner === undefined || !mustLeave(owner)) return false;
          const after = await this.deps.placement.move(row, round, trx);
          this.deps.logger.info("assignment moved", {
            execution: executionKeyText(row),
            reason: why,
            from: row.cluster_id,
            to: after.cluster_id ?? "(pending)",
            epoch: after.state === "active" ? String(after.epoch) : "0",
          });
          return true;
        },
      );
      moved += batch.count;
      // Rows that had to stay would be found again: stop at a batch that moved less than it locked.
      if (batch.rows.length < batchSize || batch.count < batch.rows.length) return moved;
    }
  }

  /**
   * One transaction: lock the assignment rows `pick` chooses, then every cluster (the router's lock
   * order), handle each row, log the changes; after commit, wake the clusters concerned.
   */
  async #batch(
    now: Date,
    pick: (trx: Transaction<RouterDatabase>) => Promise<AssignmentRow[]>,
    handle: (row: AssignmentRow, round: PlacementRound, trx: Transaction<RouterDatabase>) => Promise<boolean>,
  ): Promise<{ rows: AssignmentRow[]; count: number }> {
    const { rows, count, clusterIds } = await inTransaction(this.deps.db, async (trx) => {
      const picked = await pick(trx);
      if (picked.length === 0) return { rows: picked, count: 0, clusterIds: [] };
      const clusters = await LockedClusters.lock(this.deps.clusters, trx, now, this.deps.heartbeatTimeoutMs);
      const round: PlacementRound = { now, clusters, changes: [] };
      let handled = 0;
      for (const row of picked) {
        if (await handle(row, round, trx)) handled++;
      }
      await this.deps.changes.append(round.changes, now, trx);
      return { rows: picked, count: handled, clusterIds: round.changes.map((c) => c.clusterId) };
    });
    this.deps.wakeUps.publish(clusterIds);
    return { rows, count };
  }

  /** The rebalance loop every replica runs; a failed round is logged and the next one retries. */
  loop(intervalMs: number): BackgroundLoop {
    return periodicLoop({
      name: "router-rebalance",
      intervalMs,
      logger: this.deps.logger,
      round: async () => {
        const report = await this.round();
        if (report.failedOver + report.placed > 0) this.deps.logger.info("rebalance round", { ...report });
      },
    });
  }
}
