import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createClusterSelector, type ClusterCandidate, type SelectionSpec } from "./cluster-selector.js";
import { fnv1a64 } from "./execution-hash.js";

// Selection is tested from fixture files: each names a set of clusters, specs with the cluster each
// must land on (or the reason none qualifies), and optionally the spread over many executions.

interface FixtureSpec {
  /** `project/domain/name` */
  readonly execution: string;
  readonly clusterId?: string;
  readonly clusterLabel?: string;
  readonly region?: string;
}

interface Fixture {
  readonly description: string;
  readonly defaultLabel?: string;
  readonly clusters: readonly (Partial<ClusterCandidate> & { id: string })[];
  readonly cases?: readonly { name: string; spec: FixtureSpec; pick?: string; none?: string }[];
  readonly distribution?: {
    readonly spec: Omit<FixtureSpec, "execution">;
    readonly executions: number;
    /** Expected share of executions per cluster. */
    readonly shares: Readonly<Record<string, number>>;
    /** Largest allowed difference between a cluster's observed and expected share. */
    readonly tolerance: number;
  };
}

const directory = path.join(path.dirname(fileURLToPath(import.meta.url)), "../test-support/selection-fixtures");
const fixtures = readdirSync(directory)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((file) => ({ file, fixture: JSON.parse(readFileSync(path.join(directory, file), "utf8")) as Fixture }));

function candidate(c: Fixture["clusters"][number]): ClusterCandidate {
  return {
    region: "us-east",
    labels: {},
    weight: 1,
    capacity: 0,
    state: "active",
    health: "healthy",
    freeCapacity: 100,
    assigned: 0,
    domains: [],
    projects: [],
    ...c,
  };
}

function specOf(spec: FixtureSpec): SelectionSpec {
  const [project = "", domain = "", name = ""] = spec.execution.split("/");
  return { execution: { project, domain, name }, clusterId: spec.clusterId ?? "", clusterLabel: spec.clusterLabel ?? "", region: spec.region ?? "" };
}

describe("cluster selection fixtures", () => {
  it("finds the fixture files", () => {
    expect(fixtures.map((f) => f.file)).toEqual(["eligibility.json", "explicit-target.json", "labels.json", "weights.json"]);
  });

  for (const { file, fixture } of fixtures) {
    describe(`${file}: ${fixture.description}`, () => {
      const clusters = fixture.clusters.map(candidate);
      const selector = createClusterSelector({ list: () => clusters }, { defaultLabel: fixture.defaultLabel });

      for (const c of fixture.cases ?? []) {
        it(c.name, () => {
          const selection = selector.select(specOf(c.spec));
          if (c.pick !== undefined) expect(selection).toEqual({ kind: "selected", clusterId: c.pick });
          else expect(selection).toEqual({ kind: "none", reason: c.none });
        });
      }

      const distribution = fixture.distribution;
      if (distribution !== undefined) {
        it(`spreads ${distribution.executions} executions by weight`, () => {
          const counts = new Map<string, number>();
          for (let i = 0; i < distribution.executions; i++) {
            const selection = selector.select(specOf({ ...distribution.spec, execution: `flytesnacks/development/run-${i}` }));
            if (selection.kind !== "selected") expect.fail(`run-${i} found no cluster: ${selection.reason}`);
            counts.set(selection.clusterId, (counts.get(selection.clusterId) ?? 0) + 1);
          }
          expect([...counts.keys()].sort()).toEqual(Object.keys(distribution.shares).sort());
          for (const [id, share] of Object.entries(distribution.shares)) {
            const observed = (counts.get(id) ?? 0) / distribution.executions;
            expect(Math.abs(observed - share), `share of ${id}: ${observed}`).toBeLessThanOrEqual(distribution.tolerance);
          }
        });
      }
    });
  }
});

describe("cluster selection", () => {
  it("hashes with FNV-1a 64 (published test vectors)", () => {
    expect(fnv1a64("")).toBe(0xcbf29ce484222325n);
    expect(fnv1a64("a")).toBe(0xaf63dc4c8601ec8cn);
    expect(fnv1a64("foobar")).toBe(0x85944171f73967e8n);
  });

  it("is stable per execution whatever order the clusters are listed in", () => {
    const clusters = ["a", "b", "c", "d"].map((id, i) => candidate({ id, weight: i + 1 }));
    const forward = createClusterSelector({ list: () => clusters });
    const backward = createClusterSelector({ list: () => [...clusters].reverse() });
    for (let i = 0; i < 200; i++) {
      const spec = specOf({ execution: `p/d/e-${i}` });
      expect(backward.select(spec)).toEqual(forward.select(spec));
      expect(forward.select(spec)).toEqual(forward.select(spec));
    }
  });

  it("never picks an excluded cluster (the one an execution moves away from)", () => {
    const clusters = [candidate({ id: "a", weight: 1000 }), candidate({ id: "b" })];
    const selector = createClusterSelector({ list: () => clusters }, { exclude: new Set(["a"]) });
    for (let i = 0; i < 50; i++) expect(selector.select(specOf({ execution: `p/d/e-${i}` }))).toEqual({ kind: "selected", clusterId: "b" });
    expect(selector.select(specOf({ execution: "p/d/x", clusterId: "a" }))).toEqual({
      kind: "none",
      reason: 'cluster "a" is the cluster the execution moves away from',
    });
  });
});
