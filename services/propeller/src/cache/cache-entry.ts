import { create } from "@bufbuild/protobuf";
import { cacheKey } from "@skein/engine";
import { LiteralMapSchema, ResourceType, TaskMetadataSchema, type Literal, type LiteralMap, type TaskTemplate, type WorkflowExecutionIdentifier } from "@skein/idl";
import { ArtifactDataSchema, DatasetIdSchema, ProvenanceSchema, type ArtifactData, type DatasetId, type Provenance } from "@skein/idl/datacatalog/v1";
import { invalidArgument } from "@skein/server";

/** The task attempt whose outputs are stored, recorded with the entry and shown as its provenance. */
export interface CacheProvenance {
  readonly executionId: WorkflowExecutionIdentifier;
  /** The node id (unique within the execution) that ran the task. */
  readonly node: string;
  /** Zero-based retry attempt that succeeded. */
  readonly attempt: number;
  /** The cluster the attempt ran on; empty when unknown. */
  readonly cluster: string;
}

/** Where one (task, cache version, inputs) lives in datacatalog. */
export interface CatalogEntry {
  readonly dataset: DatasetId;
  readonly tag: string;
  /** Dataset and tag as one string, for logs and for keeping local reservation claims apart. */
  readonly text: string;
}

/**
 * The datacatalog dataset and tag of running `task` on `inputs` under the effective `cacheVersion`
 * (a node may override the task's cache version, and may turn caching on for a task whose own
 * metadata does not). The key is the engine's: the task version is not part of it. Bad input is
 * InvalidArgument naming the field.
 */
export function catalogEntry(task: TaskTemplate, inputs: LiteralMap, cacheVersion: string): CatalogEntry {
  if (task.id === undefined) throw invalidArgument("task.id", "is required");
  if (task.id.name === "") throw invalidArgument("task.id.name", "is required");
  if (cacheVersion === "") throw invalidArgument("cacheVersion", "is required (the node's effective cache version)");
  let key: ReturnType<typeof cacheKey>;
  try {
    key = cacheKey(withCacheVersion(task, cacheVersion), inputs);
  } catch (error) {
    throw invalidArgument("inputs", `cannot compute the cache key of task "${task.id.name}": ${String(error instanceof Error ? error.message : error)}`, error);
  }
  const dataset = create(DatasetIdSchema, key.dataset);
  return { dataset, tag: key.tag, text: `${dataset.project}/${dataset.domain}/${dataset.name}/${dataset.version}#${key.tag}` };
}

/**
 * The task as the cache sees it on this node: cacheable, under the effective cache version. The same
 * as the local runner's `withCacheVersion` (not exported by the SDK), except that it also marks the
 * task cacheable, since the caller has already decided that the node caches; neither field changes
 * the key itself.
 */
function withCacheVersion(task: TaskTemplate, cacheVersion: string): TaskTemplate {
  const metadata = task.metadata ?? create(TaskMetadataSchema);
  if (metadata.discoverable && metadata.discoveryVersion === cacheVersion) return task;
  return { ...task, metadata: { ...metadata, discoverable: true, discoveryVersion: cacheVersion } };
}

/** Outputs as datacatalog's list of named values. */
export function artifactData(outputs: LiteralMap): ArtifactData[] {
  return Object.entries(outputs.literals).map(([name, value]) => create(ArtifactDataSchema, { name, value }));
}

/** An artifact's values as outputs again. */
export function outputsOf(data: readonly ArtifactData[]): LiteralMap {
  const literals: Record<string, Literal> = {};
  for (const item of data) {
    if (item.value !== undefined) literals[item.name] = item.value;
  }
  return create(LiteralMapSchema, { literals });
}

/** The attempt as datacatalog records it: task version that ran, node execution, retry, cluster. */
export function provenanceOf(task: TaskTemplate, source: CacheProvenance): Provenance {
  const id = task.id;
  if (id === undefined) throw invalidArgument("task.id", "is required");
  const execution = source.executionId;
  for (const field of ["project", "domain", "name"] as const) {
    if (execution[field] === "") throw invalidArgument(`provenance.executionId.${field}`, "is required");
  }
  if (source.node === "") throw invalidArgument("provenance.node", "is required");
  if (!Number.isInteger(source.attempt) || source.attempt < 0) {
    throw invalidArgument("provenance.attempt", `must be a non-negative integer (got ${source.attempt})`);
  }
  return create(ProvenanceSchema, {
    taskExecution: {
      // The id is a task id whatever the template says; datacatalog requires the resource type.
      taskId: { resourceType: ResourceType.TASK, project: id.project, domain: id.domain, name: id.name, version: id.version },
      nodeExecutionId: { nodeId: source.node, executionId: execution },
      retryAttempt: source.attempt,
    },
    clusterId: source.cluster,
  });
}
