import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { DatasetIdSchema, DatasetSchema, type Dataset, type DatasetId } from "@skein/idl/datacatalog/v1";
import type { DatasetKey, DatasetRow } from "../database.js";

/** The tables' key of an API dataset id. */
export function datasetKeyOf(id: DatasetId): DatasetKey {
  return { project: id.project, domain: id.domain, name: id.name, version: id.version };
}

/** The API id of the dataset whose columns a row carries (a dataset, artifact, tag or reservation row). */
export function datasetIdOf(row: { project: string; domain: string } & ({ name: string; version: string } | { dataset_name: string; dataset_version: string })): DatasetId {
  const name = "dataset_name" in row ? row.dataset_name : row.name;
  const version = "dataset_version" in row ? row.dataset_version : row.version;
  return create(DatasetIdSchema, { project: row.project, domain: row.domain, name, version });
}

export function datasetFromRow(row: DatasetRow): Dataset {
  return create(DatasetSchema, { id: datasetIdOf(row), metadata: row.metadata, createdAt: timestampFromDate(row.created_at) });
}
