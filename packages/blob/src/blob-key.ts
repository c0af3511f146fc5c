import { Code, ConnectError } from "@connectrpc/connect";

// Keys are plain relative paths. Refusing empty, `.` and `..` segments up front means no key can
// reach outside the store's root, whichever backend resolves it.
const SEGMENT = /^[A-Za-z0-9._=@+-]+$/;

/** Checks a key (`a/b/c.pb`) and returns it unchanged; InvalidArgument naming the fault otherwise. */
export function checkBlobKey(key: string): string {
  if (key.length === 0 || key.length > 1024) {
    throw new ConnectError(`blob key: must be 1 to 1024 characters, got ${key.length}`, Code.InvalidArgument);
  }
  for (const segment of key.split("/")) {
    if (segment === "" || segment === "." || segment === "..") {
      throw new ConnectError(`blob key "${key}": empty, "." and ".." segments are not allowed`, Code.InvalidArgument);
    }
    if (!SEGMENT.test(segment)) {
      throw new ConnectError(`blob key "${key}": segment "${segment}" has characters outside [A-Za-z0-9._=@+-]`, Code.InvalidArgument);
    }
  }
  return key;
}

/**
 * The key of `uri` relative to `baseUri`, checked like any key. `allowRoot` accepts the base uri
 * itself (as a prefix to delete everything under); uris of another store are InvalidArgument.
 */
export function keyOfUri(baseUri: string, uri: string, allowRoot = false): string {
  const trimmed = uri.endsWith("/") ? uri.slice(0, -1) : uri;
  if (allowRoot && trimmed === baseUri) return "";
  if (!trimmed.startsWith(`${baseUri}/`)) {
    throw new ConnectError(`blob uri "${uri}" is not under this store's root ${baseUri}`, Code.InvalidArgument);
  }
  return checkBlobKey(trimmed.slice(baseUri.length + 1));
}

/** NotFound for an absent object, naming its uri. */
export function blobNotFound(uri: string, cause?: unknown): ConnectError {
  return new ConnectError(`blob ${uri} not found`, Code.NotFound, undefined, undefined, cause);
}
