import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { gunzipSync } from "node:zlib";
import { openBlobStore, type BlobStore } from "@skein/blob";
import type { TaskTemplate } from "@skein/idl";
import { CODE_BUNDLE_CONFIG_KEY, CODE_MODULE_CONFIG_KEY, readTarArchive } from "@skein/sdk";

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

/** Where a TypeScript task's code is: the bundle's uri and the module inside it. */
export interface CodeLocation {
  readonly bundle: string;
  readonly module: string;
}

/**
 * The code a template names in its config, or undefined when it names none (a container task).
 * A bundle without a module is unusable: BadBundleError.
 */
export function codeLocation(template: TaskTemplate): CodeLocation | undefined {
  const bundle = template.config[CODE_BUNDLE_CONFIG_KEY];
  if (bundle === undefined || bundle === "") return undefined;
  const module = template.config[CODE_MODULE_CONFIG_KEY];
  if (module === undefined || module === "") throw new BadBundleError(`task template config has "${CODE_BUNDLE_CONFIG_KEY}" but no "${CODE_MODULE_CONFIG_KEY}"`);
  return { bundle, module };
}

/** The bundle cache under `<workDir>/bundles`, reading through `openStore` (by default the store rooted at the uri's folder). */
export function bundleCacheOf(options: { readonly workDir: string; readonly openStore?: (uri: string) => BlobStore }): BundleCache {
  return new BundleCache(join(options.workDir, "bundles"), options.openStore ?? ((uri) => openBlobStore(uri.slice(0, uri.lastIndexOf("/")))));
}

/** The SHA-256 a bundle uri names (`.../<sha256>.tar.gz`); BadBundleError when it names none. */
export function bundleDigest(uri: string): string {
  const sha256 = bundleName.exec(uri)?.[1];
  if (sha256 === undefined) throw new BadBundleError(`code bundle uri "${uri}" does not end in <sha256>.tar.gz`);
  return sha256;
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
    const sha256 = bundleDigest(uri);
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
