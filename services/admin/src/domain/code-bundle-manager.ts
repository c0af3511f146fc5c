import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { create } from "@bufbuild/protobuf";
import { CreateCodeBundleResponseSchema, type CreateCodeBundleRequest, type CreateCodeBundleResponse, type Domain } from "@skein/idl/admin/v1";
import type { BlobStore } from "@skein/blob";
import { invalidArgument, type Logger } from "@skein/server";
import type { ProjectRepository } from "../repositories/project-repository.js";

/** The largest archive a bundle may expand to; keeps a small upload from inflating without bound. */
export const MAX_BUNDLE_UNCOMPRESSED_BYTES = 256 * 1024 * 1024;

export interface CodeBundleManagerDeps {
  readonly blobs: BlobStore;
  readonly projects: ProjectRepository;
  readonly domains: readonly Domain[];
  readonly logger: Logger;
}

/** Where a bundle lives in the blob store: one object per project, domain and digest. */
export function codeBundleKey(project: string, domain: string, sha256: string): string {
  return `code/${project}/${domain}/${sha256}.tar.gz`;
}

/**
 * Code bundles: content-addressed archives of registered code. The digest covers the uncompressed
 * archive, so the same code names the same object whichever compressor produced the upload; a
 * bundle already stored under its digest is never rewritten.
 */
export class CodeBundleManager {
  constructor(private readonly deps: CodeBundleManagerDeps) {}

  async create(req: CreateCodeBundleRequest): Promise<CreateCodeBundleResponse> {
    if (!this.deps.domains.some((d) => d.id === req.domain)) {
      throw invalidArgument("domain", `"${req.domain}" is not a configured domain (${this.deps.domains.map((d) => d.id).join(", ")})`);
    }
    let archive: Buffer;
    try {
      archive = gunzipSync(req.content, { maxOutputLength: MAX_BUNDLE_UNCOMPRESSED_BYTES });
    } catch (error) {
      throw invalidArgument("content", `is not a gzip stream of at most ${MAX_BUNDLE_UNCOMPRESSED_BYTES} uncompressed bytes`, error);
    }
    const actual = createHash("sha256").update(archive).digest("hex");
    if (actual !== req.sha256) {
      throw invalidArgument("sha256", `does not match the uncompressed content (expected ${req.sha256}, content hashes to ${actual})`);
    }
    await this.deps.projects.get(req.project);
    const key = codeBundleKey(req.project, req.domain, req.sha256);
    const uri = `${this.deps.blobs.baseUri}/${key}`;
    if (await this.deps.blobs.exists(uri)) return create(CreateCodeBundleResponseSchema, { uri, created: false });
    const stored = await this.deps.blobs.put(key, req.content);
    this.deps.logger.info("code bundle stored", { project: req.project, domain: req.domain, sha256: req.sha256, bytes: req.content.length });
    return create(CreateCodeBundleResponseSchema, { uri: stored, created: true });
  }
}
