import { executionHash, type ExecutionKey } from "./execution-hash.js";
import type { ClusterHealth } from "./cluster-health.js";
import { matchesLabel, parseLabelSelector } from "./label-selector.js";

/** What selection needs to know about one registered cluster. */
export interface ClusterCandidate {
  readonly id: string;
  readonly region: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Relative share of new work, 1 to 10000. */
  readonly weight: number;
  /** Most executions at once; 0 means no limit. */
  readonly capacity: number;
  readonly state: "active" | "draining";
  readonly health: ClusterHealth;
  /** Free capacity from the latest heartbeat; 0 means the cluster takes no more work right now. */
  readonly freeCapacity: number;
  /** Active assignments the router counts for the cluster. */
  readonly assigned: number;
  /** Domains and projects served; empty means all. */
  readonly domains: readonly string[];
  readonly projects: readonly string[];
}

/** Where candidates come from: a locked snapshot inside a transaction, or a fixture in a test. */
export interface ClusterList {
  list(): readonly ClusterCandidate[];
}

/** How to choose, as an Assign request or a stored assignment says. Empty strings mean "not set". */
export interface SelectionSpec {
  readonly execution: ExecutionKey;
  readonly clusterId: string;
  readonly clusterLabel: string;
  readonly region: string;
}

export type Selection =
  | { readonly kind: "selected"; readonly clusterId: string }
  /** No cluster qualifies now; `reason` names the part of the selection that failed. */
  | { readonly kind: "none"; readonly reason: string };

/** Picks the cluster for an execution. */
export interface ClusterSelector {
  select(spec: SelectionSpec): Selection;
}

export interface SelectorOptions {
  /** Label selector used when the spec names neither a cluster nor a label. */
  readonly defaultLabel?: string | undefined;
  /** Clusters that must not be picked whatever their state (the one an execution moves away from). */
  readonly exclude?: ReadonlySet<string>;
}

function serves(cluster: ClusterCandidate, execution: ExecutionKey): boolean {
  return (
    (cluster.domains.length === 0 || cluster.domains.includes(execution.domain)) &&
    (cluster.projects.length === 0 || cluster.projects.includes(execution.project))
  );
}

function hasRoom(cluster: ClusterCandidate): boolean {
  return cluster.freeCapacity > 0 && (cluster.capacity === 0 || cluster.assigned < cluster.capacity);
}

/** Why one cluster does not qualify, or undefined when it does. */
function disqualification(cluster: ClusterCandidate, execution: ExecutionKey, excluded: boolean): string | undefined {
  if (excluded) return "is the cluster the execution moves away from";
  if (cluster.state === "draining") return "is draining";
  if (cluster.health === "pending") return "has not sent a heartbeat yet";
  if (cluster.health === "unreachable") return "is unreachable";
  if (!serves(cluster, execution)) return `does not serve project "${execution.project}" in domain "${execution.domain}"`;
  if (!hasRoom(cluster)) return "has no free capacity";
  return undefined;
}

/**
 * A weighted draw among `eligible` seeded by the execution's hash: the same execution over the
 * same set of clusters always lands on the same one, and over many executions each cluster's
 * share follows its weight. Order-independent: candidates are taken sorted by id.
 */
export function weightedPick(eligible: readonly ClusterCandidate[], execution: ExecutionKey): ClusterCandidate {
  const sorted = [...eligible].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const total = sorted.reduce((sum, c) => sum + BigInt(c.weight), 0n);
  let point = executionHash(execution) % total;
  for (const cluster of sorted) {
    const weight = BigInt(cluster.weight);
    if (point < weight) return cluster;
    point -= weight;
  }
  throw new Error("weighted pick ran past the total weight"); // unreachable: point < total
}

/**
 * Flyte-style selection over `list()`: an explicit cluster id, else the spec's label selector,
 * else the default label, else every cluster; plus the region when given. Of the matching
 * clusters only those that are active, healthy, serve the execution's project and domain and
 * have free capacity qualify; one of them is drawn by weight.
 */
export function createClusterSelector(clusters: ClusterList, options: SelectorOptions = {}): ClusterSelector {
  const exclude = options.exclude ?? new Set<string>();
  return {
    select(spec) {
      const all = clusters.list();
      if (spec.clusterId !== "") {
        const target = all.find((c) => c.id === spec.clusterId);
        if (target === undefined) return { kind: "none", reason: `cluster "${spec.clusterId}" is not registered` };
        if (spec.region !== "" && target.region !== spec.region) {
          return { kind: "none", reason: `cluster "${spec.clusterId}" is not in region "${spec.region}"` };
        }
        const why = disqualification(target, spec.execution, exclude.has(target.id));
        return why === undefined ? { kind: "selected", clusterId: target.id } : { kind: "none", reason: `cluster "${target.id}" ${why}` };
      }
      const labelText = spec.clusterLabel !== "" ? spec.clusterLabel : (options.defaultLabel ?? "");
      const label = labelText === "" ? undefined : parseLabelSelector(labelText);
      const matching = all.filter(
        (c) => (label === undefined || matchesLabel(c.labels, label)) && (spec.region === "" || c.region === spec.region),
      );
      const eligible = matching.filter((c) => disqualification(c, spec.execution, exclude.has(c.id)) === undefined);
      if (eligible.length > 0) return { kind: "selected", clusterId: weightedPick(eligible, spec.execution).id };
      const what = [label === undefined ? "" : `label "${labelText}"`, spec.region === "" ? "" : `region "${spec.region}"`].filter((s) => s !== "");
      const subject = what.length === 0 ? "no cluster" : `no cluster matching ${what.join(" in ")}`;
      const detail = matching.length === 0 ? "is registered" : "is active, healthy, serving the execution's project and domain, with free capacity";
      return { kind: "none", reason: `${subject} ${detail}` };
    },
  };
}
