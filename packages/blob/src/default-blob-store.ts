import path from "node:path";
import { pathToFileURL } from "node:url";
import type { BlobStore } from "./blob-store.js";
import { openBlobStore } from "./open-blob-store.js";

/** A service's blob store: the configured uri, else `file://<dataDir>/blobs`. */
export function openConfiguredBlobStore(config: { readonly blobStoreUrl?: string | undefined; readonly dataDir: string }): BlobStore {
  return openBlobStore(config.blobStoreUrl ?? pathToFileURL(path.resolve(config.dataDir, "blobs")).href);
}
