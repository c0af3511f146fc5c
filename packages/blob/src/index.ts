export type { BlobStore } from "./blob-store.js";
export { checkBlobKey } from "./blob-key.js";
export { FileBlobStore } from "./file-blob-store.js";
export { openConfiguredBlobStore } from "./default-blob-store.js";
export { openBlobStore } from "./open-blob-store.js";
export type { OpenBlobStoreOptions } from "./open-blob-store.js";
export { S3BlobStore } from "./s3-blob-store.js";
export type { S3Options } from "./s3-blob-store.js";
export { readBlobUri } from "./read-uri.js";
