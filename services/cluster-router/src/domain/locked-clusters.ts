import type { Transaction } from "kysely";
import type { ClusterRepository } from "../repositories/cluster-repository.js";
import type { RouterDatabase } from "../repositories/database.js";
import { candidateFromRow } from "../repositories/transformers/cluster-transformer.js";
import type { ClusterCandidate, ClusterList } from "./cluster-selector.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Every cluster, locked for the rest of the transaction, with health judged at one instant and
 * active counts that follow the placements the transaction makes. Selection runs over this.
 */
export class LockedClusters implements ClusterList {
  readonly #byId: Map<string, Mutable<ClusterCandidate>>;

  private constructor(candidates: ClusterCandidate[]) {
    this.#byId = new Map(candidates.map((c) => [c.id, { ...c }]));
  }

  static async lock(clusters: ClusterRepository, trx: Transaction<RouterDatabase>, now: Date, heartbeatTimeoutMs: number): Promise<LockedClusters> {
    const counted = await clusters.lockAllCounted(trx);
    return new LockedClusters(counted.map((c) => candidateFromRow(c, now, heartbeatTimeoutMs)));
  }

  list(): readonly ClusterCandidate[] {
    return [...this.#byId.values()];
  }

  get(id: string): ClusterCandidate | undefined {
    return this.#byId.get(id);
  }

  /** Records that the transaction added (1) or removed (-1) an active assignment of the cluster. */
  adjust(id: string, delta: number): void {
    const candidate = this.#byId.get(id);
    if (candidate !== undefined) candidate.assigned += delta;
  }
}
