import { Code, ConnectError } from "@connectrpc/connect";
import type { BlobStore } from "@skein/blob";
import { notFound } from "@skein/server";
import type { Readable } from "node:stream";
import { open, realpath } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The bytes of a file admin may read: whole (from the blob store) or as a stream (a local file). */
export type OpenedFile =
  | { readonly kind: "bytes"; readonly name: string; readonly bytes: Uint8Array }
  | { readonly kind: "stream"; readonly name: string; readonly size: number; readonly stream: Readable };

function refused(uri: string, why: string): ConnectError {
  return new ConnectError(`${uri} is not readable from admin: ${why}`, Code.PermissionDenied);
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** The last path segment of a uri, decoded, for Content-Disposition; `file` when there is none. */
export function baseNameOf(uri: string): string {
  const last = uri.replace(/[?#].*$/, "").replace(/\/+$/, "").split("/").pop() ?? "";
  try {
    return decodeURIComponent(last) || "file";
  } catch {
    return last || "file";
  }
}

/**
 * Reads the uris that recorded data names, and nothing else: objects under admin's blob store
 * (through the store, so file:// and s3:// stores alike), and local `file://` files whose real
 * path (symlinks and `..` resolved) lies inside one of `localRoots`. Everything else is refused
 * with PermissionDenied naming why; an absent file is NotFound.
 */
export class FileSource {
  constructor(private readonly blobs: BlobStore, private readonly localRoots: readonly string[]) {}

  async open(uri: string): Promise<OpenedFile> {
    if (uri.startsWith(`${this.blobs.baseUri}/`)) return this.#fromBlobStore(uri);
    if (!uri.startsWith("file:")) {
      throw refused(uri, `it is not under admin's blob store (${this.blobs.baseUri}) and not a local file`);
    }
    return this.#fromLocalFile(uri);
  }

  async #fromBlobStore(uri: string): Promise<OpenedFile> {
    try {
      return { kind: "bytes", name: baseNameOf(uri), bytes: await this.blobs.get(uri) };
    } catch (error) {
      const code = error instanceof ConnectError ? error.code : undefined;
      if (code === Code.NotFound) throw notFound(`file ${uri} in admin's blob store`, error);
      // A uri the store refuses as a key (`..`, odd characters) names nothing it holds.
      if (code === Code.InvalidArgument) throw refused(uri, "it is no valid key of admin's blob store");
      throw error;
    }
  }

  async #fromLocalFile(uri: string): Promise<OpenedFile> {
    if (this.localRoots.length === 0) {
      throw refused(uri, "it is a local file and admin reads none (localFileRoots, SKEIN_LOCAL_FILE_ROOTS, is empty)");
    }
    let file: string;
    try {
      file = fileURLToPath(uri);
    } catch (error) {
      throw refused(uri, `it is no local file path (${error instanceof Error ? error.message : String(error)})`);
    }
    let real: string;
    try {
      real = await realpath(file);
    } catch (error) {
      if (isMissing(error)) throw notFound(`file ${uri}`, error);
      throw error;
    }
    const roots = await this.#realRoots();
    if (!roots.some((root) => isInside(root, real))) {
      const resolved = real === file ? "" : ` (it resolves to ${real})`;
      throw refused(uri, `it is outside the local file roots ${this.localRoots.join(", ")}${resolved}`);
    }
    const handle = await open(real, "r");
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw refused(uri, info.isDirectory() ? "it is a directory; admin serves single files only" : "it is not a regular file");
      return { kind: "stream", name: path.basename(real), size: info.size, stream: handle.createReadStream() };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** The roots that exist, as real paths; resolved per request, since a root may appear later. */
  async #realRoots(): Promise<string[]> {
    const roots = await Promise.all(this.localRoots.map((root) => realpath(root).catch(() => undefined)));
    return roots.filter((root): root is string => root !== undefined);
  }
}

function isInside(root: string, file: string): boolean {
  if (file === root) return true;
  return file.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}
