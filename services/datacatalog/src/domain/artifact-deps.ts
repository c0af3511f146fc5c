import type { BlobStore } from "@skein/blob";
import type { Clock, Logger } from "@skein/server";
import type { Kysely } from "kysely";
import type { ArtifactRepository } from "../repositories/artifact-repository.js";
import type { DatacatalogDatabase } from "../repositories/database.js";
import type { DatasetRepository } from "../repositories/dataset-repository.js";
import type { TagRepository } from "../repositories/tag-repository.js";

/** What the artifact managers share: the database for transactions, the repositories and the blob store. */
export interface ArtifactDeps {
  readonly db: Kysely<DatacatalogDatabase>;
  readonly datasets: DatasetRepository;
  readonly artifacts: ArtifactRepository;
  readonly tags: TagRepository;
  /** Values larger than `inlineDataMaxBytes` live here. */
  readonly blobs: BlobStore;
  readonly inlineDataMaxBytes: number;
  readonly clock: Clock;
  readonly logger: Logger;
}
