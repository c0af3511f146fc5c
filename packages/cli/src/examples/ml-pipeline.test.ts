import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../program.js";

// Runs examples/ml-pipeline.ts through the CLI, in-process, and checks caching as a user sees it:
// the progress lines say which nodes were cache hits, and the tasks' `ctx.log` lines say which
// task functions actually ran.

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const example = join(root, "examples/ml-pipeline.ts");
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A fresh state directory (cache and checkpoints) for one test. */
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "skein-ml-"));
  scratch.push(dir);
  return dir;
}

type Outcome = "hit" | "populated" | "ran" | "failed";

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  /** The last outcome of each node path, from the progress lines. */
  readonly nodes: ReadonlyMap<string, Outcome>;
  /** Node paths whose task function ran (it logged), sorted. */
  readonly ran: readonly string[];
}

async function skein(file: string, dir: string, ...args: string[]): Promise<Run> {
  let out = "";
  let err = "";
  const code = await runCli(["run", file, "training", "--data-dir", dir, ...args], { out: (t) => (out += t), err: (t) => (err += t), env: {} });
  const nodes = new Map<string, Outcome>();
  const ran = new Set<string>();
  for (const line of err.split("\n")) {
    const progress = /^\[\s*\d+\.\d+s\] (SUCCEEDED|FAILED)\s+(\S+)/.exec(line);
    if (progress?.[2]) {
      const outcome = progress[1] === "FAILED" ? "failed" : line.endsWith(" cache hit") ? "hit" : line.endsWith(" cached") ? "populated" : "ran";
      nodes.set(progress[2], outcome);
    }
    const log = /^\[([A-Za-z_][\w/-]*)\] /.exec(line);
    if (log?.[1]) ran.add(log[1]);
  }
  return { code, out, err, nodes, ran: [...ran].sort() };
}

const trainItems = ["train/0", "train/1", "train/2", "train/3"];
const cacheable = ["load_data", "preprocess", ...trainItems];
const uncached = ["decide/report", "pick_best"];

/** The outcome of each of `paths`, as one object so a failure shows every node at once. */
function outcomes(run: Run, paths: readonly string[]): Record<string, Outcome | undefined> {
  return Object.fromEntries(paths.map((p) => [p, run.nodes.get(p)]));
}

const all = (paths: readonly string[], outcome: Outcome) => Object.fromEntries(paths.map((p) => [p, outcome]));
const sorted = (...paths: string[]) => [...paths].sort();

function cacheFiles(dir: string): string[] {
  return (readdirSync(join(dir, "cache"), { recursive: true }) as string[]).filter((f) => f.endsWith(".json"));
}

describe("examples/ml-pipeline.ts", { timeout: 60_000 }, () => {
  it("caches load_data, preprocess and every train item; a second run hits them all and runs none of them", async () => {
    const dir = dataDir();
    const first = await skein(example, dir);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/^Best model on 400 points \(seed 7\): learning rate \S+, \d+ epochs\.\nTest accuracy \d+\.\d%/);
    expect(outcomes(first, cacheable)).toEqual(all(cacheable, "populated"));
    expect(first.ran).toEqual(sorted(...cacheable, ...uncached));
    // Items finish in any order; each one is reported.
    expect([...first.nodes.keys()].filter((p) => p.startsWith("train/")).sort()).toEqual(sorted(...trainItems));
    expect(cacheFiles(dir)).toHaveLength(cacheable.length);

    const second = await skein(example, dir);
    expect(second.code, second.err).toBe(0);
    expect(second.out).toBe(first.out);
    expect(outcomes(second, cacheable)).toEqual(all(cacheable, "hit"));
    // Only the uncached steps run again: no cached task function does.
    expect(second.ran).toEqual(sorted(...uncached));

    const json = await skein(example, dir, "--json");
    expect(json.code, json.err).toBe(0);
    expect(json.err).toBe("");
    expect(JSON.parse(json.out)).toEqual({ summary: first.out.trimEnd() });
  });

  it("re-runs only train (every item) and what follows it when train's cache version changes", async () => {
    const dir = dataDir();
    expect((await skein(example, dir)).code).toBe(0);
    // A copy inside the repository (so it resolves @skein/sdk) with train's version "1" → "2".
    const copyDir = mkdtempSync(join(root, "examples/.tmp-"));
    scratch.push(copyDir);
    const source = readFileSync(example, "utf8");
    const bumped = source.replace(/(name: "train",[\s\S]*?cache: \{ version: )"1"/, '$1"2"');
    expect(bumped.match(/version: "2"/g)).toHaveLength(1);
    expect(bumped.match(/version: "1"/g)).toHaveLength((source.match(/version: "1"/g)?.length ?? 0) - 1);
    const copy = join(copyDir, "ml-pipeline.ts");
    writeFileSync(copy, bumped);

    const changed = await skein(copy, dir);
    expect(changed.code, changed.err).toBe(0);
    expect(outcomes(changed, cacheable)).toEqual({ ...all(["load_data", "preprocess"], "hit"), ...all(trainItems, "populated") });
    expect(changed.ran).toEqual(sorted(...trainItems, ...uncached));

    // Both versions now live side by side: each file hits its own entries.
    const again = await skein(copy, dir);
    expect(outcomes(again, cacheable)).toEqual(all(cacheable, "hit"));
    expect(again.ran).toEqual(sorted(...uncached));
    const original = await skein(example, dir);
    expect(outcomes(original, cacheable)).toEqual(all(cacheable, "hit"));
    expect(original.out).toBe(changed.out);
  });

  it("misses the cache from load_data on when an input it reads changes, and keeps it when only the branch's does", async () => {
    const dir = dataDir();
    const base = await skein(example, dir);
    expect(base.code).toBe(0);

    const reseeded = await skein(example, dir, "--seed", "8");
    expect(reseeded.code, reseeded.err).toBe(0);
    expect(reseeded.out).toMatch(/^Best model on 400 points \(seed 8\)/);
    expect(outcomes(reseeded, cacheable)).toEqual(all(cacheable, "populated"));
    expect(reseeded.ran).toEqual(sorted(...cacheable, ...uncached));

    // The threshold is read only by the branch: every cached step still hits, the other arm runs.
    const strict = await skein(example, dir, "--threshold", "0.99");
    expect(strict.code, strict.err).toBe(0);
    expect(strict.out).toMatch(/^No model reached 99\.0% accuracy/);
    expect(outcomes(strict, cacheable)).toEqual(all(cacheable, "hit"));
    expect(strict.ran).toEqual(sorted("pick_best", "decide/needs_more_data"));
  });

  it("runs every cached task again with --overwrite-cache, replacing its entries", async () => {
    const dir = dataDir();
    const base = await skein(example, dir);
    expect(base.code).toBe(0);
    const before = cacheFiles(dir);

    const overwritten = await skein(example, dir, "--overwrite-cache");
    expect(overwritten.code, overwritten.err).toBe(0);
    expect(overwritten.out).toBe(base.out);
    expect(outcomes(overwritten, cacheable)).toEqual(all(cacheable, "populated"));
    expect(overwritten.ran).toEqual(sorted(...cacheable, ...uncached));
    expect(cacheFiles(dir)).toEqual(before);

    const after = await skein(example, dir);
    expect(outcomes(after, cacheable)).toEqual(all(cacheable, "hit"));
  });

  it("exits 2 naming a bad input and its expected type, before running anything", async () => {
    const dir = dataDir();
    const bad = await skein(example, dir, "--samples", "ten", "--grid", '[{"learning_rate":0.1}]');
    expect(bad.code).toBe(2);
    expect(bad.out).toBe("");
    expect(bad.err).toContain('--samples: expected int, got "ten"');
    expect(bad.err).toContain('--grid[0]: expected struct Hyperparameters, got an object (--grid[0]: missing required field "epochs")');
    expect(bad.nodes.size).toBe(0);
    expect(() => readdirSync(join(dir, "cache"))).toThrow(/ENOENT/);

    // A well-typed value the task itself rejects fails the run at that task, naming the input.
    const tooFew = await skein(example, dir, "--samples", "5");
    expect(tooFew.code).toBe(1);
    expect(tooFew.nodes.get("load_data")).toBe("failed");
    expect(tooFew.err).toContain('task "load_data": inputs.samples: Too small');
  });
});
