import { createHash } from "node:crypto";
import { gzipFixed, tarArchive, type ArchiveEntry } from "./tar.js";

/** A code bundle ready to upload: the compressed archive and the digest that names it. */
export interface CodeBundle {
  /** Lowercase hex SHA-256 of the uncompressed archive. */
  readonly sha256: string;
  /** The gzip-compressed tar archive. */
  readonly content: Uint8Array;
  /** The paths inside the archive, sorted. */
  readonly paths: readonly string[];
}

/** Packs files into a deterministic code bundle: same files, same digest, on every machine. */
export function codeBundle(files: readonly ArchiveEntry[]): CodeBundle {
  const archive = tarArchive(files);
  return {
    sha256: createHash("sha256").update(archive).digest("hex"),
    content: gzipFixed(archive),
    paths: files.map((f) => f.path).sort(),
  };
}
