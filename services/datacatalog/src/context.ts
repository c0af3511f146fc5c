import type { BlobStore } from "@skein/blob";
import type { Clock, Logger } from "@skein/server";
import type { Kysely } from "kysely";
import type { DatacatalogConfig } from "./config.js";
import type { DatacatalogDatabase } from "./repositories/database.js";

/** Everything datacatalog needs from the outside world, built by main.ts, the sandbox or a test. */
export interface DatacatalogContext {
  readonly db: Kysely<DatacatalogDatabase>;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly config: DatacatalogConfig;
  /** Artifact values too large to keep inline. */
  readonly blobs: BlobStore;
}
