import { create } from "@bufbuild/protobuf";
import { durationMs } from "@bufbuild/protobuf/wkt";
import {
  FindArtifactsResponseSchema,
  GetArtifactResponseSchema,
  ListArtifactsResponseSchema,
  SortOrder,
  type FindArtifactsRequest,
  type FindArtifactsResponse,
  type GetArtifactRequest,
  type GetArtifactResponse,
  type ListArtifactsRequest,
  type ListArtifactsResponse,
} from "@skein/idl/datacatalog/v1";
import { assertNever } from "@skein/engine";
import { invalidArgument, notFound } from "@skein/server";
import type { ArtifactPage, ArtifactSelection } from "../repositories/artifact-repository.js";
import { datasetKeyText, type ArtifactRow, type DatasetKey } from "../repositories/database.js";
import { artifactFromRow } from "../repositories/transformers/artifact-transformer.js";
import type { ArtifactDeps } from "./artifact-deps.js";
import { loadValues, mapToValues } from "./artifact-values.js";
import { decodePageToken, encodePageToken } from "./page-token.js";
import { checkRange, optionalDate, pageSize, requiredDataset } from "./request-fields.js";

/** Reads artifacts: one with its values (the cache lookup), pages of one dataset, and selections across datasets. */
export class ArtifactReader {
  constructor(private readonly deps: ArtifactDeps) {}

  /**
   * The artifact found by id or tag, with its values. NotFound when there is none, when it is older
   * than `max_age`, or when its values were evicted while it was being read: all are cache misses.
   */
  async get(req: GetArtifactRequest): Promise<GetArtifactResponse> {
    const dataset = requiredDataset(req.dataset, "dataset");
    // Checked before the read, so bad input is refused without touching the database.
    const maxAgeMs = req.maxAge === undefined ? undefined : durationMs(req.maxAge);
    if (maxAgeMs !== undefined && !(maxAgeMs > 0)) throw invalidArgument("max_age", "must be greater than zero");
    const { row, tags } = await this.find(dataset, req.query);
    if (maxAgeMs !== undefined) {
      const ageMs = this.deps.clock.now().getTime() - row.created_at.getTime();
      if (ageMs > maxAgeMs) throw notFound(`artifact "${row.id}" younger than max_age (it is ${Math.round(ageMs / 1000)}s old)`);
    }
    const values = await loadValues(this.deps.blobs, row.data, row.data_uri, row.id);
    return create(GetArtifactResponseSchema, { artifact: artifactFromRow(row, tags, mapToValues(values)) });
  }

  /** One page of a dataset's artifacts, newest first unless asked otherwise, without their values. */
  async list(req: ListArtifactsRequest): Promise<ListArtifactsResponse> {
    const dataset = requiredDataset(req.dataset, "dataset");
    await this.deps.datasets.get(dataset);
    const createdAfter = optionalDate(req.createdAfter);
    const createdBefore = optionalDate(req.createdBefore);
    checkRange(createdAfter, createdBefore, "created_after", "created_before");
    const descending = isNewestFirst(req.order);
    const selection: ArtifactSelection = {
      scope: { project: dataset.project, domain: dataset.domain },
      datasetName: dataset.name,
      datasetVersion: dataset.version,
      createdAfter,
      createdBefore,
    };
    const { artifacts, nextToken } = await this.page(selection, req.limit, req.token, descending ? "artifacts:desc" : "artifacts:asc", descending);
    return create(ListArtifactsResponseSchema, { artifacts, nextToken });
  }

  /** One page of the artifacts a selection matches across datasets, newest first, without values. */
  async findAcross(req: FindArtifactsRequest): Promise<FindArtifactsResponse> {
    const selection = selectionOf(req);
    const { artifacts, nextToken } = await this.page(selection, req.limit, req.token, "find:desc", true);
    return create(FindArtifactsResponseSchema, { artifacts, nextToken });
  }

  private async page(selection: ArtifactSelection, limit: number, token: string, list: string, descending: boolean) {
    const size = pageSize(limit);
    const cursor = decodePageToken(token, list, 1);
    const page: ArtifactPage = { descending, fetch: size + 1, after: cursor === undefined ? undefined : { createdAt: cursor.createdAt, id: cursor.keys[0] ?? "" } };
    const rows = await this.deps.artifacts.select(selection, page);
    const shown = rows.slice(0, size);
    const tags = await this.deps.tags.namesByArtifact(shown.map((r) => r.id));
    const last = shown.at(-1);
    const nextToken = rows.length > size && last !== undefined ? encodePageToken({ list, createdAt: last.created_at, keys: [last.id] }) : "";
    return { artifacts: shown.map((row) => artifactFromRow(row, tags.get(row.id) ?? [])), nextToken };
  }

  private async find(dataset: DatasetKey, query: GetArtifactRequest["query"]): Promise<{ row: ArtifactRow; tags: string[] }> {
    switch (query.case) {
      case "artifactId": {
        const found = await this.deps.artifacts.findWithTags(dataset, { id: query.value.toLowerCase() });
        if (found === undefined) throw notFound(`artifact "${query.value}" in dataset "${datasetKeyText(dataset)}"`);
        return found;
      }
      case "tagName": {
        const found = await this.deps.artifacts.findWithTags(dataset, { tag: query.value });
        if (found === undefined) throw notFound(`tag "${query.value}" in dataset "${datasetKeyText(dataset)}"`);
        return found;
      }
      case undefined:
        throw invalidArgument("query", "needs artifact_id or tag_name");
      default:
        return assertNever(query);
    }
  }
}

/** The selection of a FindArtifacts or EvictArtifacts request (they share their selection fields). */
export function selectionOf(req: Pick<FindArtifactsRequest, "project" | "domain" | "datasetName" | "datasetVersion" | "tagNames" | "createdBefore">): ArtifactSelection {
  if (req.datasetVersion !== "" && req.datasetName === "") throw invalidArgument("dataset_version", "requires dataset_name");
  if (req.tagNames.length > 0 && req.datasetName === "") throw invalidArgument("tag_names", "requires dataset_name");
  return {
    scope: { project: req.project, domain: req.domain },
    datasetName: req.datasetName === "" ? undefined : req.datasetName,
    datasetVersion: req.datasetVersion === "" ? undefined : req.datasetVersion,
    tagNames: req.tagNames.length === 0 ? undefined : req.tagNames,
    createdBefore: optionalDate(req.createdBefore),
  };
}

function isNewestFirst(order: SortOrder): boolean {
  switch (order) {
    case SortOrder.UNSPECIFIED:
    case SortOrder.NEWEST_FIRST:
      return true;
    case SortOrder.OLDEST_FIRST:
      return false;
    default:
      throw invalidArgument("order", `${String(order)} is not a sort order`);
  }
}
