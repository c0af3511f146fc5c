import type { ColumnType, Insertable, Selectable } from "kysely";

/** An int8 column as the drivers return it (pg: string; PGlite: number or bigint). */
export type Int8 = ColumnType<string | number | bigint, bigint | number | string, bigint | number | string>;

/** A jsonb column of string pairs; written as a JSON string, read back as an object. */
export type JsonMap = ColumnType<Record<string, string>, string, string>;

/** One dataset; (project, domain, name, version) is the primary key. */
export interface DatasetTable {
  project: string;
  domain: string;
  name: string;
  version: string;
  metadata: ColumnType<Record<string, string>, string, never>;
  created_at: ColumnType<Date, Date, never>;
}

/** One artifact; see the 2025-08-10 migration. Its values are inline or at `data_uri`, never both. */
export interface ArtifactTable {
  id: ColumnType<string, string, never>;
  project: ColumnType<string, string, never>;
  domain: ColumnType<string, string, never>;
  dataset_name: ColumnType<string, string, never>;
  dataset_version: ColumnType<string, string, never>;
  /** The values as one LiteralMap, protobuf binary, when kept inline. */
  data: Uint8Array | null;
  data_uri: string | null;
  size_bytes: Int8;
  metadata: JsonMap;
  /** The Provenance message, protobuf binary. */
  provenance: Uint8Array;
  digest: string;
  created_at: ColumnType<Date, Date, never>;
  updated_at: Date;
}

/** A tag of a dataset pointing at one of its artifacts. */
export interface TagTable {
  project: string;
  domain: string;
  dataset_name: string;
  dataset_version: string;
  name: string;
  artifact_id: string;
  created_at: ColumnType<Date, Date, never>;
}

/** A reservation of one tag of one dataset, held by `owner_id` until `expires_at`. */
export interface ReservationTable {
  project: string;
  domain: string;
  dataset_name: string;
  dataset_version: string;
  tag_name: string;
  owner_id: string;
  heartbeat_interval_ms: Int8;
  expires_at: Date;
}

export interface DatacatalogDatabase {
  dataset: DatasetTable;
  artifact: ArtifactTable;
  tag: TagTable;
  reservation: ReservationTable;
}

export type DatasetRow = Selectable<DatasetTable>;
export type NewDatasetRow = Insertable<DatasetTable>;
export type ArtifactRow = Selectable<ArtifactTable>;
export type NewArtifactRow = Insertable<ArtifactTable>;
export type TagRow = Selectable<TagTable>;
export type ReservationRow = Selectable<ReservationTable>;

/** A dataset's identity as the tables key it. */
export interface DatasetKey {
  readonly project: string;
  readonly domain: string;
  readonly name: string;
  readonly version: string;
}

/** `project/domain/name/version`, for messages and logs. */
export function datasetKeyText(key: DatasetKey): string {
  return `${key.project}/${key.domain}/${key.name}/${key.version}`;
}
