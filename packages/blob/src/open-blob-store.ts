import type { BlobStore } from "./blob-store.js";
import { FileBlobStore, fileRootOf } from "./file-blob-store.js";
import { S3BlobStore, type S3Options } from "./s3-blob-store.js";

export interface OpenBlobStoreOptions {
  /** Settings for `s3://` stores; anything left out comes from the uri's query or the environment. */
  readonly s3?: Partial<S3Options>;
  /** Where environment defaults come from; `process.env` by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Opens the store a uri names. `file:///abs/dir` keeps objects in a local directory.
 * `s3://bucket/optional/prefix` uses an S3-compatible store; the query may carry `endpoint`,
 * `region` and `path_style=true` (so one configuration string says everything), else options and
 * then the environment (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) decide. Throws, naming the problem, on anything else.
 */
export function openBlobStore(uri: string, options: OpenBlobStoreOptions = {}): BlobStore {
  let url: URL;
  try {
    url = new URL(uri);
  } catch (error) {
    throw new Error(`blob store uri "${uri}" is not a uri`, { cause: error });
  }
  switch (url.protocol) {
    case "file:":
      if (url.search !== "" || url.hash !== "") throw new Error(`blob store uri "${uri}": file:// takes no query`);
      return new FileBlobStore(fileRootOf(url.href));
    case "s3:":
      return openS3(url, options);
    default:
      throw new Error(`blob store uri "${uri}": scheme must be file:// or s3://`);
  }
}

function openS3(url: URL, options: OpenBlobStoreOptions): BlobStore {
  const env = options.env ?? process.env;
  const s3 = options.s3 ?? {};
  const query = url.searchParams;
  const accessKeyId = s3.accessKeyId ?? env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = s3.secretAccessKey ?? env.AWS_SECRET_ACCESS_KEY;
  if (accessKeyId === undefined || accessKeyId === "" || secretAccessKey === undefined || secretAccessKey === "") {
    throw new Error(`blob store ${url.protocol}//${url.host}: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set`);
  }
  const pathStyleText = query.get("path_style");
  if (pathStyleText !== null && pathStyleText !== "true" && pathStyleText !== "false") {
    throw new Error(`blob store uri: path_style must be true or false, got "${pathStyleText}"`);
  }
  const endpoint = query.get("endpoint") ?? s3.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  const region = query.get("region") ?? s3.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const sessionToken = s3.sessionToken ?? env.AWS_SESSION_TOKEN;
  return new S3BlobStore(url.hostname, decodeURIComponent(url.pathname), {
    accessKeyId,
    secretAccessKey,
    ...(endpoint !== undefined && endpoint !== "" ? { endpoint } : {}),
    ...(region !== undefined && region !== "" ? { region } : {}),
    ...(sessionToken !== undefined && sessionToken !== "" ? { sessionToken } : {}),
    pathStyle: pathStyleText === null ? s3.pathStyle === true : pathStyleText === "true",
  });
}
