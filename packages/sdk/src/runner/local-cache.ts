import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fromJson, toJson, type JsonValue } from "@bufbuild/protobuf";
import { cacheKey } from "@skein/engine";
import { LiteralMapSchema, type LiteralMap, type TaskTemplate } from "@skein/idl";

/** Where a cached value came from, kept beside it so `skein cache list` can say. */
export interface CacheProvenance {
  readonly execution: string;
  readonly node: string;
  readonly attempt: number;
}

/** One stored entry, as listed. */
export interface CacheEntry extends CacheProvenance {
  readonly task: string;
  readonly datasetVersion: string;
  readonly tag: string;
  readonly createdAt: Date;
  readonly path: string;
}

interface StoredEntry {
  readonly task: string;
  readonly createdAt: string;
  readonly execution: string;
  readonly node: string;
  readonly attempt: number;
  readonly outputs: JsonValue;
}

/**
 * The local runner's task output cache: one JSON file per (task, cache version, interface, inputs)
 * under `.skein/cache/`. The key is the engine's cache key, the same one the cluster uses, so a
 * value cached here is found under the same conditions there: the task version is not part of it,
 * the cache version and the inputs are.
 */
export class LocalCache {
  constructor(private readonly root: string) {}

  private location(task: TaskTemplate, inputs: LiteralMap, cacheVersion: string): { dir: string; file: string } {
    const key = cacheKey(withCacheVersion(task, cacheVersion), inputs);
    const dir = join(this.root, key.dataset.project || "local", key.dataset.domain || "local", key.dataset.name, key.dataset.version);
    return { dir, file: join(dir, `${key.tag}.json`) };
  }

  /** `cacheVersion` is the effective version (a node may override the task's). */
  async get(task: TaskTemplate, inputs: LiteralMap, cacheVersion: string): Promise<LiteralMap | undefined> {
    const { file } = this.location(task, inputs, cacheVersion);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    const stored = JSON.parse(text) as StoredEntry;
    return fromJson(LiteralMapSchema, stored.outputs);
  }

  /** Stores outputs; written to a temporary file and renamed, so a reader never sees half a file. */
  async put(task: TaskTemplate, inputs: LiteralMap, cacheVersion: string, outputs: LiteralMap, provenance: CacheProvenance): Promise<void> {
    const { dir, file } = this.location(task, inputs, cacheVersion);
    await mkdir(dir, { recursive: true });
    const stored: StoredEntry = {
      task: task.id?.name ?? "",
      createdAt: new Date().toISOString(),
      ...provenance,
      outputs: toJson(LiteralMapSchema, outputs),
    };
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(stored));
    await rename(temporary, file);
  }

  /** Every entry, optionally only those of one task name. */
  async list(taskName?: string): Promise<CacheEntry[]> {
    const entries: CacheEntry[] = [];
    for (const file of await walk(this.root)) {
      if (!file.endsWith(".json")) continue;
      const stored = JSON.parse(await readFile(file, "utf8")) as StoredEntry;
      if (taskName !== undefined && stored.task !== taskName) continue;
      const parts = file.split(/[\\/]/);
      entries.push({
        task: stored.task,
        datasetVersion: parts.at(-2) ?? "",
        tag: (parts.at(-1) ?? "").replace(/\.json$/, ""),
        createdAt: new Date(stored.createdAt),
        execution: stored.execution,
        node: stored.node,
        attempt: stored.attempt,
        path: file,
      });
    }
    return entries.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  /** Removes entries of a task (all tasks when omitted) created before `olderThan`; returns them. */
  async evict(filter: { task?: string; olderThan?: Date }): Promise<CacheEntry[]> {
    const doomed = (await this.list(filter.task)).filter((e) => !filter.olderThan || e.createdAt < filter.olderThan);
    await Promise.all(doomed.map((e) => rm(e.path, { force: true })));
    return doomed;
  }
}

function withCacheVersion(task: TaskTemplate, cacheVersion: string): TaskTemplate {
  if (!task.metadata || task.metadata.discoveryVersion === cacheVersion) return task;
  return { ...task, metadata: { ...task.metadata, discoveryVersion: cacheVersion } };
}

async function walk(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const files: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) files.push(...(await walk(path)));
    else files.push(path);
  }
  return files;
}
