import { create } from "@bufbuild/protobuf";
import {
  CreateDatasetResponseSchema,
  GetDatasetResponseSchema,
  ListDatasetsResponseSchema,
  type CreateDatasetRequest,
  type CreateDatasetResponse,
  type GetDatasetRequest,
  type GetDatasetResponse,
  type ListDatasetsRequest,
  type ListDatasetsResponse,
} from "@skein/idl/datacatalog/v1";
import type { Clock, Logger } from "@skein/server";
import { datasetKeyText } from "../repositories/database.js";
import type { DatasetRepository } from "../repositories/dataset-repository.js";
import { datasetFromRow } from "../repositories/transformers/dataset-transformer.js";
import { decodePageToken, encodePageToken } from "./page-token.js";
import { pageSize, requiredDataset } from "./request-fields.js";

export interface DatasetManagerDeps {
  readonly datasets: DatasetRepository;
  readonly clock: Clock;
  readonly logger: Logger;
}

const listName = "datasets:newest";

/** Datasets: idempotent creation, lookup and paged lists. */
export class DatasetManager {
  constructor(private readonly deps: DatasetManagerDeps) {}

  /** Creates the dataset, or returns the existing one untouched with `created = false`. */
  async create(req: CreateDatasetRequest): Promise<CreateDatasetResponse> {
    const key = requiredDataset(req.id, "id");
    const { row, created } = await this.deps.datasets.ensure({ ...key, metadata: JSON.stringify(req.metadata), created_at: this.deps.clock.now() });
    if (created) this.deps.logger.info("dataset created", { dataset: datasetKeyText(key) });
    return create(CreateDatasetResponseSchema, { dataset: datasetFromRow(row), created });
  }

  async get(req: GetDatasetRequest): Promise<GetDatasetResponse> {
    const key = requiredDataset(req.id, "id");
    return create(GetDatasetResponseSchema, { dataset: datasetFromRow(await this.deps.datasets.get(key)) });
  }

  /** One page, newest first; the token resumes after the last row of the previous page. */
  async list(req: ListDatasetsRequest): Promise<ListDatasetsResponse> {
    const size = pageSize(req.limit);
    const cursor = decodePageToken(req.token, listName, 2);
    const after = cursor === undefined ? undefined : { createdAt: cursor.createdAt, name: cursor.keys[0] ?? "", version: cursor.keys[1] ?? "" };
    const scope = { project: req.project, domain: req.domain, name: req.name === "" ? undefined : req.name };
    const rows = await this.deps.datasets.list(scope, size + 1, after);
    const page = rows.slice(0, size);
    const last = page.at(-1);
    const nextToken = rows.length > size && last !== undefined ? encodePageToken({ list: listName, createdAt: last.created_at, keys: [last.name, last.version] }) : "";
    return create(ListDatasetsResponseSchema, { datasets: page.map(datasetFromRow), nextToken });
  }
}
