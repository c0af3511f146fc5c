import { randomUUID } from "node:crypto";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { BlobStore } from "@skein/blob";
import { LiteralMapSchema, type Literal, type LiteralMap } from "@skein/idl";
import { ArtifactDataSchema, type ArtifactData } from "@skein/idl/datacatalog/v1";
import type { Logger } from "@skein/server";
import { invalidArgument, notFound } from "@skein/server";

/** An artifact's values as its row keeps them: inline bytes or a blob uri, never both. */
export interface StoredValues {
  readonly data: Uint8Array | null;
  readonly dataUri: string | null;
  /** The serialized map plus every offloaded literal it references. */
  readonly sizeBytes: number;
}

/**
 * The values as one map, refusing a name given twice. The map is what is stored, so the values come
 * back ordered by name whatever order they were sent in.
 */
export function valuesToMap(data: readonly ArtifactData[], field: string): LiteralMap {
  const literals: Record<string, Literal> = {};
  data.forEach((item, index) => {
    if (Object.hasOwn(literals, item.name)) throw invalidArgument(`${field}[${index}].name`, `"${item.name}" is given twice`);
    if (item.value === undefined) throw invalidArgument(`${field}[${index}].value`, "is required");
    literals[item.name] = item.value;
  });
  return create(LiteralMapSchema, { literals });
}

/** The map as the API's list of named values, ordered by name. */
export function mapToValues(map: LiteralMap): ArtifactData[] {
  return Object.keys(map.literals)
    .sort()
    .map((name) => create(ArtifactDataSchema, { name, value: map.literals[name] }));
}

/**
 * Serializes the values and keeps them inline when they fit in `inlineMaxBytes`, else writes them to
 * a fresh blob `datacatalog/values/<uuid>.pb`. Every write gets its own blob, so an overwrite never
 * changes bytes that a committed row points at; the caller discards the blob if its transaction fails.
 */
export async function storeValues(blobs: BlobStore, inlineMaxBytes: number, map: LiteralMap): Promise<StoredValues> {
  const bytes = toBinary(LiteralMapSchema, map);
  const sizeBytes = bytes.length + offloadedBytes(Object.values(map.literals));
  if (bytes.length <= inlineMaxBytes) return { data: bytes, dataUri: null, sizeBytes };
  const dataUri = await blobs.put(`datacatalog/values/${randomUUID()}.pb`, bytes);
  return { data: null, dataUri, sizeBytes };
}

/** Reads stored values back. Values whose blob is gone (evicted meanwhile) are NotFound: a cache miss. */
export async function loadValues(blobs: BlobStore, data: Uint8Array | null, dataUri: string | null, artifactId: string): Promise<LiteralMap> {
  if (data !== null) return fromBinary(LiteralMapSchema, data);
  if (dataUri === null) return create(LiteralMapSchema, {});
  try {
    return fromBinary(LiteralMapSchema, await blobs.get(dataUri));
  } catch (error) {
    if (error instanceof ConnectError && error.code === Code.NotFound) throw notFound(`values of artifact "${artifactId}"`, error);
    throw error;
  }
}

/** Removes a values blob that no row points at any more; a failure is logged, never raised. */
export async function discardValues(blobs: BlobStore, dataUri: string | null, logger: Logger): Promise<void> {
  if (dataUri === null) return;
  try {
    await blobs.deletePrefix(dataUri);
  } catch (error) {
    logger.warn("could not remove an unreferenced values blob", { uri: dataUri, error });
  }
}

// Offloaded literals are counted at their recorded size, wherever they sit in collections and maps.
function offloadedBytes(literals: readonly Literal[]): number {
  let total = 0;
  for (const literal of literals) {
    const value = literal.value;
    if (value.case === "offloaded") total += Number(value.value.sizeBytes);
    else if (value.case === "collection") total += offloadedBytes(value.value.literals);
    else if (value.case === "map") total += offloadedBytes(Object.values(value.value.literals));
  }
  return total;
}
