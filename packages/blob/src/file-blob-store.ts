import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BlobStore } from "./blob-store.js";
import { blobNotFound, checkBlobKey, keyOfUri } from "./blob-key.js";

// Temporary files share the target's folder (so rename stays on one file system and is atomic)
// and carry a marker that listing and prefix deletion skip.
const TEMP_MARKER = ".tmp-";

/**
 * A blob store in a local directory. Writes go to a temporary file that is renamed into place, so
 * a reader sees either the previous object or the complete new one, never a partial write.
 */
export class FileBlobStore implements BlobStore {
  readonly baseUri: string;
  readonly #root: string;

  constructor(root: string) {
    if (!isAbsolute(root)) throw new Error(`file blob store root must be an absolute path, got "${root}"`);
    this.#root = resolve(root);
    this.baseUri = pathToFileURL(this.#root).href.replace(/\/$/, "");
  }

  async put(key: string, data: Uint8Array): Promise<string> {
    const path = this.#pathOf(checkBlobKey(key));
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}${TEMP_MARKER}${randomBytes(6).toString("hex")}`;
    try {
      await writeFile(temp, data);
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return `${this.baseUri}/${key}`;
  }

  async get(uri: string): Promise<Uint8Array> {
    const path = this.#pathOf(keyOfUri(this.baseUri, uri));
    try {
      return new Uint8Array(await readFile(path));
    } catch (error) {
      if (isMissing(error)) throw blobNotFound(uri, error);
      throw error;
    }
  }

  async exists(uri: string): Promise<boolean> {
    try {
      return (await stat(this.#pathOf(keyOfUri(this.baseUri, uri)))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async deletePrefix(uri: string): Promise<number> {
    const key = keyOfUri(this.baseUri, uri, true);
    const path = key === "" ? this.#root : this.#pathOf(key);
    let count = 0;
    try {
      const info = await stat(path);
      if (info.isFile()) {
        await unlink(path);
        return 1;
      }
      count = await countFiles(path);
    } catch (error) {
      if (isMissing(error)) return 0;
      throw error;
    }
    if (key === "") {
      for (const entry of await readdir(path)) await rm(join(path, entry), { recursive: true, force: true });
    } else {
      await rm(path, { recursive: true, force: true });
    }
    return count;
  }

  #pathOf(key: string): string {
    // checkBlobKey already refuses `..`; the prefix test is the invariant stated once more.
    const path = resolve(this.#root, ...key.split("/"));
    if (path !== this.#root && !path.startsWith(this.#root + sep)) {
      throw new Error(`blob key "${key}" resolves outside ${this.#root}`);
    }
    return path;
  }
}

/** The directory of a `file://` uri. */
export function fileRootOf(uri: string): string {
  return fileURLToPath(uri);
}

async function countFiles(dir: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) count += await countFiles(join(dir, entry.name));
    else if (!entry.name.includes(TEMP_MARKER)) count += 1;
  }
  return count;
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}
