import { toJson } from "@bufbuild/protobuf";
import { ArtifactSchema, EvictedArtifactSchema, type Artifact, type EvictedArtifact } from "@skein/idl/datacatalog/v1";
import { formatTime } from "../remote/format.js";

/** Prefix of the dataset that holds a task's cache entries (see the engine's cacheKey). */
export const TASK_DATASET_PREFIX = "task-";

/** Columns of `skein cache list` and of what `skein cache evict` reports. */
export const CACHE_HEADER = ["TASK", "CACHE VERSION", "TAG", "CREATED", "SIZE", "EXECUTION", "NODE", "ATTEMPT"] as const;

/** What both a listed and an evicted entry carry. */
type Entry = Pick<Artifact | EvictedArtifact, "dataset" | "tags" | "provenance" | "createdAt" | "sizeBytes">;

/** The task a dataset caches, or the dataset's own name for a dataset not made by task caching. */
export function taskOf(datasetName: string): string {
  return datasetName.startsWith(TASK_DATASET_PREFIX) ? datasetName.slice(TASK_DATASET_PREFIX.length) : datasetName;
}

/** Bytes as `512B`, `1.5KiB`, `3.0MiB` or `2.1GiB`. */
export function formatSize(bytes: bigint): string {
  const n = Number(bytes);
  if (n < 1024) return `${n}B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)}${units[unit] ?? ""}`;
}

export function cacheRow(entry: Entry): string[] {
  const attempt = entry.provenance?.taskExecution;
  const execution = attempt?.nodeExecutionId?.executionId;
  return [
    taskOf(entry.dataset?.name ?? ""),
    entry.dataset?.version ?? "",
    entry.tags.length === 0 ? "-" : entry.tags.join(","),
    formatTime(entry.createdAt),
    formatSize(entry.sizeBytes),
    execution?.name ?? "-",
    attempt?.nodeExecutionId?.nodeId ?? "-",
    attempt === undefined ? "-" : String(attempt.retryAttempt),
  ];
}

/** The `--json` form of a listed entry: the contract's JSON with proto field names. */
export function artifactJson(artifact: Artifact): unknown {
  return toJson(ArtifactSchema, artifact, { useProtoFieldName: true });
}

/** The `--json` form of an evicted entry. */
export function evictedJson(evicted: EvictedArtifact): unknown {
  return toJson(EvictedArtifactSchema, evicted, { useProtoFieldName: true });
}
