import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { hashMessage } from "@skein/engine";
import {
  AddTagResponseSchema,
  CreateArtifactRequestSchema,
  CreateArtifactResponseSchema,
  UpdateArtifactResponseSchema,
  type AddTagRequest,
  type AddTagResponse,
  type CreateArtifactRequest,
  type CreateArtifactResponse,
  type UpdateArtifactRequest,
  type UpdateArtifactResponse,
} from "@skein/idl/datacatalog/v1";
import { alreadyExists, invalidArgument, notFound } from "@skein/server";
import type { Transaction } from "kysely";
import { datasetKeyText, type ArtifactRow, type DatacatalogDatabase, type DatasetKey } from "../repositories/database.js";
import { artifactContentColumns, artifactFromRow, artifactToNewRow, type ArtifactContent } from "../repositories/transformers/artifact-transformer.js";
import type { ArtifactDeps } from "./artifact-deps.js";
import { discardValues, mapToValues, storeValues, valuesToMap } from "./artifact-values.js";
import { required, requiredDataset } from "./request-fields.js";

// Raised inside an UpdateArtifact transaction when another writer created the tag first; the
// transaction rolls back and the update runs again as an overwrite of the winner's artifact.
class TagTakenMeanwhile extends Error {}

/**
 * Writes artifacts and tags. "First writer wins": a tag, once it points at an artifact, moves only
 * through UpdateArtifact. Each request is one transaction, so a refused write leaves nothing behind;
 * a values blob written for a refused request is removed again.
 */
export class ArtifactWriter {
  constructor(private readonly deps: ArtifactDeps) {}

  async create(req: CreateArtifactRequest): Promise<CreateArtifactResponse> {
    const dataset = requiredDataset(req.dataset, "dataset");
    const provenance = required(req.provenance, "provenance");
    const map = valuesToMap(req.data, "data");
    const id = req.artifactId === "" ? randomUUID() : req.artifactId.toLowerCase();
    // The digest covers everything the caller sent, so a retry of the same create is recognised.
    const digest = hashMessage(CreateArtifactRequestSchema, create(CreateArtifactRequestSchema, { ...req, artifactId: id }));
    const values = await storeValues(this.deps.blobs, this.deps.inlineDataMaxBytes, map);
    const content: ArtifactContent = { values, metadata: req.metadata, provenance, digest };
    const now = this.deps.clock.now();
    let outcome: { row: ArtifactRow; repeated: boolean };
    try {
      outcome = await this.deps.db.transaction().execute(async (trx) => {
        await this.deps.datasets.ensure({ ...dataset, metadata: "{}", created_at: now }, trx);
        const inserted = await this.deps.artifacts.insertIfAbsent(artifactToNewRow(id, dataset, content, now), trx);
        if (inserted === undefined) {
          const existing = await this.deps.artifacts.find(dataset, id, trx);
          if (existing?.digest !== digest) throw alreadyExists(`artifact "${id}" with different content`);
          return { row: existing, repeated: true };
        }
        for (const tag of req.tags) await this.attachTag(dataset, tag, id, now, trx);
        return { row: inserted, repeated: false };
      });
    } catch (error) {
      await discardValues(this.deps.blobs, values.dataUri, this.deps.logger);
      throw error;
    }
    if (outcome.repeated) await discardValues(this.deps.blobs, values.dataUri, this.deps.logger);
    else this.deps.logger.info("artifact created", { dataset: datasetKeyText(dataset), artifactId: id, tags: req.tags, sizeBytes: values.sizeBytes });
    const tags = (await this.deps.tags.namesByArtifact([id])).get(id) ?? [];
    return create(CreateArtifactResponseSchema, { artifact: artifactFromRow(outcome.row, tags, mapToValues(map)) });
  }

  /** Points a tag at an artifact of the same dataset; AlreadyExists when it points at another one. */
  async addTag(req: AddTagRequest): Promise<AddTagResponse> {
    const tag = required(req.tag, "tag");
    const dataset = requiredDataset(tag.dataset, "tag.dataset");
    const artifactId = tag.artifactId.toLowerCase();
    await this.deps.db.transaction().execute(async (trx) => {
      const artifact = await this.deps.artifacts.find(dataset, artifactId, trx);
      if (artifact === undefined) throw notFound(`artifact "${artifactId}" in dataset "${datasetKeyText(dataset)}"`);
      await this.attachTag(dataset, tag.name, artifactId, this.deps.clock.now(), trx);
    });
    return create(AddTagResponseSchema, {});
  }

  /**
   * Overwrites an artifact's values, metadata and provenance, found by id or by tag. By a tag that
   * does not exist yet, creates the artifact and the tag instead (a forced refresh of a missing entry).
   */
  async update(req: UpdateArtifactRequest): Promise<UpdateArtifactResponse> {
    const dataset = requiredDataset(req.dataset, "dataset");
    const provenance = required(req.provenance, "provenance");
    const query = req.query;
    if (query.case === undefined) throw invalidArgument("query", "needs artifact_id or tag_name");
    const map = valuesToMap(req.data, "data");
    const values = await storeValues(this.deps.blobs, this.deps.inlineDataMaxBytes, map);
    const digest = hashMessage(CreateArtifactRequestSchema, create(CreateArtifactRequestSchema, { dataset: req.dataset, data: req.data, metadata: req.metadata, provenance }));
    const content: ArtifactContent = { values, metadata: req.metadata, provenance, digest };
    let result: { row: ArtifactRow; replacedUri: string | null };
    try {
      result = await this.withTagRetry(() =>
        this.deps.db.transaction().execute(async (trx) => {
          const now = this.deps.clock.now();
          let target: ArtifactRow | undefined;
          if (query.case === "artifactId") {
            target = await this.deps.artifacts.find(dataset, query.value.toLowerCase(), trx, true);
            if (target === undefined) throw notFound(`artifact "${query.value}" in dataset "${datasetKeyText(dataset)}"`);
          } else {
            const tag = await this.deps.tags.find(dataset, query.value, trx, true);
            if (tag !== undefined) target = await this.deps.artifacts.find(dataset, tag.artifact_id, trx, true);
          }
          if (target !== undefined) {
            const row = await this.deps.artifacts.overwrite(target.id, artifactContentColumns(content, now), trx);
            if (row === undefined) throw notFound(`artifact "${target.id}" in dataset "${datasetKeyText(dataset)}"`);
            return { row, replacedUri: target.data_uri };
          }
          // Only the by-tag case gets here: the tag does not exist, so create the entry.
          await this.deps.datasets.ensure({ ...dataset, metadata: "{}", created_at: now }, trx);
          const id = randomUUID();
          const row = await this.deps.artifacts.insertIfAbsent(artifactToNewRow(id, dataset, content, now), trx);
          if (row === undefined) throw new Error(`fresh artifact id ${id} is taken`);
          const tag = await this.deps.tags.insertIfAbsent(dataset, query.value, id, now, trx);
          if (tag.artifact_id !== id) throw new TagTakenMeanwhile();
          return { row, replacedUri: null };
        }),
      );
    } catch (error) {
      await discardValues(this.deps.blobs, values.dataUri, this.deps.logger);
      throw error;
    }
    await discardValues(this.deps.blobs, result.replacedUri, this.deps.logger);
    this.deps.logger.info("artifact overwritten", { dataset: datasetKeyText(dataset), artifactId: result.row.id, sizeBytes: values.sizeBytes });
    const tags = (await this.deps.tags.namesByArtifact([result.row.id])).get(result.row.id) ?? [];
    return create(UpdateArtifactResponseSchema, { artifact: artifactFromRow(result.row, tags, mapToValues(map)) });
  }

  // Attaches a tag inside the caller's transaction; another artifact already holding it wins.
  private async attachTag(dataset: DatasetKey, name: string, artifactId: string, now: Date, trx: Transaction<DatacatalogDatabase>): Promise<void> {
    const tag = await this.deps.tags.insertIfAbsent(dataset, name, artifactId, now, trx);
    if (tag.artifact_id !== artifactId) {
      throw alreadyExists(`tag "${name}" of dataset "${datasetKeyText(dataset)}" (pointing at artifact "${tag.artifact_id}")`);
    }
  }

  // Runs an update again when a concurrent writer created its tag first; the second run overwrites.
  private async withTagRetry<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        if (!(error instanceof TagTakenMeanwhile) || attempt >= 3) throw error;
      }
    }
  }
}
