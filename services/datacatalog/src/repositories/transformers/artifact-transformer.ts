import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  ArtifactSchema,
  EvictedArtifactSchema,
  ProvenanceSchema,
  type Artifact,
  type ArtifactData,
  type EvictedArtifact,
  type Provenance,
} from "@skein/idl/datacatalog/v1";
import type { StoredValues } from "../../domain/artifact-values.js";
import type { ArtifactRow, DatasetKey, NewArtifactRow } from "../database.js";
import { datasetColumns } from "../tag-repository.js";
import { datasetIdOf } from "./dataset-transformer.js";

/** What a new or overwritten artifact row records besides its identity. */
export interface ArtifactContent {
  readonly values: StoredValues;
  readonly metadata: Readonly<Record<string, string>>;
  readonly provenance: Provenance;
  readonly digest: string;
}

/** A new row for an artifact of `dataset`. */
export function artifactToNewRow(id: string, dataset: DatasetKey, content: ArtifactContent, now: Date): NewArtifactRow {
  return { id, ...datasetColumns(dataset), ...artifactContentColumns(content, now), created_at: now };
}

/** The columns an overwrite replaces. */
export function artifactContentColumns(content: ArtifactContent, now: Date): Pick<NewArtifactRow, "data" | "data_uri" | "size_bytes" | "metadata" | "provenance" | "digest" | "updated_at"> {
  return {
    data: content.values.data,
    data_uri: content.values.dataUri,
    size_bytes: content.values.sizeBytes,
    metadata: JSON.stringify(content.metadata),
    provenance: toBinary(ProvenanceSchema, content.provenance),
    digest: content.digest,
    updated_at: now,
  };
}

export function provenanceFromRow(row: ArtifactRow): Provenance {
  return fromBinary(ProvenanceSchema, row.provenance);
}

/** The API view of a row, with its tags and, when read, its values (empty in listings). */
export function artifactFromRow(row: ArtifactRow, tags: readonly string[], data: readonly ArtifactData[] = []): Artifact {
  return create(ArtifactSchema, {
    id: row.id,
    dataset: datasetIdOf(row),
    data: [...data],
    metadata: row.metadata,
    tags: [...tags],
    provenance: provenanceFromRow(row),
    createdAt: timestampFromDate(row.created_at),
    updatedAt: timestampFromDate(row.updated_at),
    sizeBytes: BigInt(row.size_bytes),
  });
}

/** What eviction reports for a removed (or, in a dry run, removable) row. */
export function evictedFromRow(row: ArtifactRow, tags: readonly string[]): EvictedArtifact {
  return create(EvictedArtifactSchema, {
    dataset: datasetIdOf(row),
    artifactId: row.id,
    tags: [...tags],
    provenance: provenanceFromRow(row),
    createdAt: timestampFromDate(row.created_at),
    sizeBytes: BigInt(row.size_bytes),
  });
}
