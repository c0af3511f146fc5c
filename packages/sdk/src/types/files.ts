import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { BlobValue } from "./t.js";

const hasScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** An absolute URI for a local path (relative paths resolve against the working directory); URIs pass through. */
export function toUri(pathOrUri: string): string {
  if (pathOrUri === "") throw new Error("a file or directory path must not be empty");
  return hasScheme.test(pathOrUri) ? pathOrUri : pathToFileURL(resolve(pathOrUri)).href;
}

/** A file value for a local path or a URI: `file("data.csv", "csv")` → `{ uri: "file:///abs/data.csv", format: "csv" }`. */
export function file(pathOrUri: string, format?: string): BlobValue {
  return format === undefined ? { uri: toUri(pathOrUri) } : { uri: toUri(pathOrUri), format };
}

/** A directory value for a local path or a URI. */
export function dir(pathOrUri: string, format?: string): BlobValue {
  return file(pathOrUri, format);
}
