import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { gunzipSync } from "node:zlib";
import { readTarArchive } from "@skein/sdk";
import type { BlobStore } from "@skein/blob";

/** The largest archive a bundle may expand to (admin accepts no larger upload). */
const MAX_ARCHIVE_BYTES = 256 * 1024 * 1024;

const bundleName = /\/([0-9a-f]{64})\.tar\.gz$/;

/**
 * A code bundle that can never be used: its uri names no digest, or its content does not match
 * the digest. Retrying cannot help, so the attempt fails permanently with a system error.
 */
export class BadBundleError extends Error {
  override name = "BadBundleError";
}

/**
 * Code bundles extracted on local disk, one directory per digest (`<root>/<sha256>`). A bundle
 * is fetched and extracted at most once per process at a time, verified before anything is
 * written, and extracted into a temporary directory renamed into place, so concurrent callers
 * (in this process or another) never see a partial directory: a present directory is complete.
 */
export class BundleCache {
  private readonly pending = new Map<string, Promise<string>>();

  constructor(
    private readonly root: string,
    private readonly openStore: (uri: string) => BlobStore,
  ) {}

  /** The directory holding the extracted bundle at `uri`, fetching it first if needed. */
  async directoryFor(uri: string): Promise<string> {
    const sha256 = bundleName.exec(uri)?.[1];
    if (sha256 === undefined) throw new BadBundleError(`code bundle uri "${uri}" does not end in <sha256>.tar.gz`);
    const dir = join(this.root, sha256);
    if (existsSync(dir)) return dir;
    let pending = this.pending.get(sha256);
    if (!pending) {
      pending = this.extract(uri, sha256, dir).finally(() => this.pending.delete(sha256));
      this.pending.set(sha256, pending);
    }
    return pending;
  }

  private async extract(uri: string, sha256: string, dir: string): Promise<string> {
    const compressed = await this.openStore(uri).get(uri);
    let archive: Buffer;
    try {
      archive = gunzipSync(compressed, { maxOutputLength: MAX_ARCHIVE_BYTES });
    } catch (error) {
      throw new BadBundleError(`code bundle ${uri} is not a readable gzip archive: ${(error as Error).message}`, { cause: error });
    }
    const actual = createHash("sha256").update(archive).digest("hex");
    if (actual !== sha256) throw new BadBundleError(`code bundle ${uri} does not match its digest: its content hashes to sha256:${actual}`);
    await mkdir(this.root, { recursive: true });
    const temp = join(this.root, `.tmp-${sha256.slice(0, 12)}-${randomBytes(6).toString("hex")}`);
    try {
      for (const entry of readTarArchive(new Uint8Array(archive))) {
        const path = resolve(temp, entry.path);
        if (!path.startsWith(temp + sep)) throw new BadBundleError(`code bundle ${uri} holds a path outside the bundle: "${entry.path}"`);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, entry.content);
      }
      await rename(temp, dir);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      // Another process extracted the same digest first; its directory is as good as ours.
      if (existsSync(dir) && isRenameCollision(error)) return dir;
      throw error;
    }
    return dir;
  }
}

function isRenameCollision(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOTEMPTY" || code === "EEXIST";
}
