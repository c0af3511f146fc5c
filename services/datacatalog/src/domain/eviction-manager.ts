import { create } from "@bufbuild/protobuf";
import {
  DeleteArtifactResponseSchema,
  EvictArtifactsResponseSchema,
  type DeleteArtifactRequest,
  type DeleteArtifactResponse,
  type EvictArtifactsRequest,
  type EvictArtifactsResponse,
  type EvictedArtifact,
} from "@skein/idl/datacatalog/v1";
import { invalidArgument, notFound } from "@skein/server";
import type { ArtifactSelection } from "../repositories/artifact-repository.js";
import { datasetKeyText, type ArtifactRow } from "../repositories/database.js";
import { evictedFromRow } from "../repositories/transformers/artifact-transformer.js";
import type { ArtifactDeps } from "./artifact-deps.js";
import { discardValues } from "./artifact-values.js";
import { selectionOf } from "./artifact-reader.js";
import { pageSize, requiredDataset } from "./request-fields.js";

/**
 * Removes cache entries: one artifact, or every artifact a selection matches (by task, by tag, by
 * age), a bounded batch per call. Rows go in one transaction; their values blobs are removed after it
 * commits, so a reader either finds the row and its values or finds no row (or, racing the blob
 * removal, NotFound values, which it treats as a miss).
 */
export class EvictionManager {
  constructor(private readonly deps: ArtifactDeps) {}

  async deleteOne(req: DeleteArtifactRequest): Promise<DeleteArtifactResponse> {
    const dataset = requiredDataset(req.dataset, "dataset");
    const query = req.query;
    if (query.case === undefined) throw invalidArgument("query", "needs artifact_id or tag_name");
    const evicted = await this.deps.db.transaction().execute(async (trx) => {
      let row: ArtifactRow | undefined;
      if (query.case === "artifactId") {
        row = await this.deps.artifacts.find(dataset, query.value.toLowerCase(), trx, true);
      } else {
        const tag = await this.deps.tags.find(dataset, query.value, trx, true);
        if (tag !== undefined) row = await this.deps.artifacts.find(dataset, tag.artifact_id, trx, true);
      }
      if (row === undefined) {
        const what = query.case === "artifactId" ? "artifact" : "tag";
        throw notFound(`${what} "${query.value}" in dataset "${datasetKeyText(dataset)}"`);
      }
      return this.remove([row], trx);
    });
    await this.discard(evicted.uris);
    return create(DeleteArtifactResponseSchema, { evicted: evicted.reports[0] });
  }

  async evict(req: EvictArtifactsRequest): Promise<EvictArtifactsResponse> {
    const selection = selectionOf(req);
    const result = await this.evictSelection(selection, pageSize(req.limit), req.dryRun);
    return create(EvictArtifactsResponseSchema, { evicted: result.evicted, hasMore: result.hasMore });
  }

  /**
   * Removes (or, in a dry run, reports) up to `limit` of the oldest artifacts of the selection. Rows
   * another eviction has locked are skipped rather than waited for.
   */
  async evictSelection(selection: ArtifactSelection, limit: number, dryRun: boolean): Promise<{ evicted: EvictedArtifact[]; hasMore: boolean }> {
    const page = { descending: false, fetch: limit + 1 };
    if (dryRun) {
      const rows = await this.deps.artifacts.select(selection, page);
      const shown = rows.slice(0, limit);
      const tags = await this.deps.tags.namesByArtifact(shown.map((r) => r.id));
      return { evicted: shown.map((row) => evictedFromRow(row, tags.get(row.id) ?? [])), hasMore: rows.length > limit };
    }
    const outcome = await this.deps.db.transaction().execute(async (trx) => {
      const rows = await this.deps.artifacts.select(selection, page, trx, true);
      const removed = await this.remove(rows.slice(0, limit), trx);
      return { ...removed, hasMore: rows.length > limit };
    });
    await this.discard(outcome.uris);
    if (outcome.reports.length > 0) this.deps.logger.info("artifacts evicted", { count: outcome.reports.length, hasMore: outcome.hasMore });
    return { evicted: outcome.reports, hasMore: outcome.hasMore };
  }

  // Deletes locked rows (tags cascade) and reports them; the caller removes the blobs after commit.
  private async remove(rows: readonly ArtifactRow[], trx: Parameters<ArtifactDeps["artifacts"]["delete"]>[1]) {
    const tags = await this.deps.tags.namesByArtifact(rows.map((r) => r.id), trx);
    await this.deps.artifacts.delete(rows.map((r) => r.id), trx);
    return {
      reports: rows.map((row) => evictedFromRow(row, tags.get(row.id) ?? [])),
      uris: rows.map((row) => row.data_uri),
    };
  }

  private async discard(uris: readonly (string | null)[]): Promise<void> {
    for (const uri of uris) await discardValues(this.deps.blobs, uri, this.deps.logger);
  }
}
