import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { BlobStore } from "@skein/blob";
import { LiteralMapSchema, LiteralSchema, type Literal, type LiteralMap } from "@skein/idl";
import { LiteralMapRefSchema, type LiteralMapRef } from "@skein/idl/admin/v1";
import type { ExecutionKey } from "../repositories/execution-repository.js";

/** A serialized literal map as a row keeps it: inline bytes or the blob uri, never both. */
export interface StoredLiteralMap {
  readonly inline: Uint8Array | null;
  readonly uri: string | null;
  readonly sizeBytes: number;
}

/** The blob key prefix of everything admin stores for an execution (reference layout). */
export function executionMetadataKey(key: ExecutionKey): string {
  return `metadata/${key.project}/${key.domain}/${key.name}`;
}

/**
 * Serializes a map and keeps it inline when it is at most `inlineMaxBytes`, else writes it to
 * `<metadata prefix>/<file>` in the blob store. Blob writes are idempotent (same key, same bytes),
 * so a failed request that wrote a blob leaves at worst an unreferenced object that a retry
 * overwrites.
 */
export async function storeLiteralMap(blobs: BlobStore, inlineMaxBytes: number, key: ExecutionKey, file: string, map: LiteralMap): Promise<StoredLiteralMap> {
  const bytes = toBinary(LiteralMapSchema, map);
  if (bytes.length <= inlineMaxBytes) return { inline: bytes, uri: null, sizeBytes: bytes.length };
  const uri = await blobs.put(`${executionMetadataKey(key)}/${file}`, bytes);
  return { inline: null, uri, sizeBytes: bytes.length };
}

/** Reads a stored map back from its row columns; an empty map when neither is set. */
export async function loadLiteralMap(blobs: BlobStore, inline: Uint8Array | null, uri: string | null): Promise<LiteralMap> {
  if (inline !== null) return fromBinary(LiteralMapSchema, inline);
  if (uri !== null) return fromBinary(LiteralMapSchema, await blobs.get(uri));
  return create(LiteralMapSchema, {});
}

/** The reference a spec carries: the blob uri, or empty for inline data, with the size either way. */
export function literalMapRef(stored: StoredLiteralMap): LiteralMapRef {
  return create(LiteralMapRefSchema, { uri: stored.uri ?? "", sizeBytes: BigInt(stored.sizeBytes) });
}

/**
 * The map with each literal larger than `inlineMaxBytes` replaced by an offloaded literal that
 * points at its own object `<prefix>/<name>.pb` (written on first use, then reused). Literals that
 * are offloaded already pass through unchanged.
 */
export async function offloadLargeLiterals(blobs: BlobStore, inlineMaxBytes: number, prefix: string, map: LiteralMap): Promise<LiteralMap> {
  const literals: Record<string, Literal> = {};
  for (const [name, literal] of Object.entries(map.literals)) {
    const bytes = toBinary(LiteralSchema, literal);
    if (bytes.length <= inlineMaxBytes || literal.value.case === "offloaded") {
      literals[name] = literal;
      continue;
    }
    const key = `${prefix}/${name}.pb`;
    const existing = `${blobs.baseUri}/${key}`;
    const uri = (await blobs.exists(existing)) ? existing : await blobs.put(key, bytes);
    literals[name] = create(LiteralSchema, { value: { case: "offloaded", value: { uri, sizeBytes: BigInt(bytes.length) } } });
  }
  return create(LiteralMapSchema, { literals });
}
