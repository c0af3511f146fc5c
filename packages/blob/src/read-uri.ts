import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { openBlobStore, type OpenBlobStoreOptions } from "./open-blob-store.js";

/**
 * Reads the object a full uri names, wherever it lives: `file://` from the local file system,
 * `s3://bucket/key` through that bucket (credentials and endpoint as for openBlobStore). For
 * readers that are handed uris by another service (an offloaded value admin wrote), rather than
 * owning the store the uri is in. Throws, naming the uri, when it cannot be read.
 */
export async function readBlobUri(uri: string, options: OpenBlobStoreOptions = {}): Promise<Uint8Array> {
  let url: URL;
  try {
    url = new URL(uri);
  } catch (error) {
    throw new Error(`"${uri}" is not a uri`, { cause: error });
  }
  switch (url.protocol) {
    case "file:":
      try {
        return new Uint8Array(await readFile(fileURLToPath(url)));
      } catch (error) {
        throw new Error(`cannot read ${uri}: ${(error as Error).message}`, { cause: error });
      }
    case "s3:":
      return openBlobStore(`s3://${url.host}`, options).get(uri);
    default:
      throw new Error(`cannot read ${uri}: the scheme must be file:// or s3://`);
  }
}
