/**
 * One place to keep bytes that are too large or too long-lived for the database: execution
 * inputs and outputs, code bundles. Keys are relative, `/`-separated paths under the store's base
 * uri; every method that reads takes the full uri that `put` returned, so a uri recorded in a row
 * stays meaningful on its own.
 */
export interface BlobStore {
  /** The root every key lives under: `file:///abs/dir` or `s3://bucket/prefix` (no trailing slash). */
  readonly baseUri: string;
  /** Writes (or overwrites) the object at `key` and returns its full uri. */
  put(key: string, data: Uint8Array): Promise<string>;
  /** Reads a whole object; a NotFound ConnectError when there is none at `uri`. */
  get(uri: string): Promise<Uint8Array>;
  /** Whether an object exists at exactly `uri`. */
  exists(uri: string): Promise<boolean>;
  /** Removes every object whose uri starts with `uri` (treated as a folder); returns how many went. */
  deletePrefix(uri: string): Promise<number>;
}
