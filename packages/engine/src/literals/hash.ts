import { createHash } from "node:crypto";
import { toJson, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import type { LiteralMap, TaskTemplate, VariableMap } from "@skein/idl";
import { canonicalJson, compareCodePoints } from "../types/canonical-json.js";
import { canonicalTypeJson } from "../types/canonical-type.js";
import { canonicalLiteralMapJson } from "./canonical-literal.js";

/** The SHA-256 digest of `text` (UTF-8), base64url without padding. */
export function sha256Base64Url(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("base64url");
}

/**
 * The digest of a set of named literals, leaving out the inputs named in `ignore`. Independent of
 * key order and of literal metadata; a literal with a producer hash counts as that hash.
 */
export function hashLiteralMap(map: LiteralMap, ignore: readonly string[] = []): string {
  return sha256Base64Url(canonicalLiteralMapJson(map, ignore));
}

/**
 * The digest of any message: its JSON form without default-valued fields, with object keys sorted
 * recursively. Messages with the same content have the same digest, whatever their field order.
 */
export function hashMessage<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): string {
  return sha256Base64Url(canonicalJson(toJson(schema, message, { alwaysEmitImplicit: false })));
}

/** Where a task's cached outputs live: a dataset per task interface and cache version, a tag per input set. */
export interface CacheKey {
  /** The dataset: the task's project and domain, its name, and the cache version with interface digests. */
  readonly dataset: { project: string; domain: string; name: string; version: string };
  /** The artifact tag: a digest of the inputs, without those the task asks to ignore. */
  readonly tag: string;
}

/**
 * The cache key of running `task` on `inputs`. The task version is deliberately not part of the
 * key: registering a new version of a workflow with an unchanged task keeps that task's cache.
 * Changing the cache version, the input or output types, or an input value that is not ignored
 * changes it. The interface digests cover names and types only (canonicalTypeJson): descriptions,
 * type metadata and annotations are left out, so documentation edits keep the cache too. Throws
 * when the task is not cacheable.
 */
export function cacheKey(task: TaskTemplate, inputs: LiteralMap): CacheKey {
  const id = task.id;
  const name = id?.name ?? "";
  const metadata = task.metadata;
  if (!id || name === "") throw new Error("cache key: task.id.name is required");
  if (!metadata?.discoverable) throw new Error(`cache key: task "${name}" is not cacheable (metadata.discoverable is false)`);
  const cacheVersion = metadata.discoveryVersion;
  if (cacheVersion === "") throw new Error(`cache key: task "${name}" is cacheable but metadata.discovery_version (the cache version) is empty`);
  const inputsDigest = interfaceDigest(task.interface?.inputs);
  const outputsDigest = interfaceDigest(task.interface?.outputs);
  return {
    dataset: { project: id.project, domain: id.domain, name: `task-${name}`, version: `${cacheVersion}-${inputsDigest}-${outputsDigest}` },
    tag: `cached-${hashLiteralMap(inputs, metadata.cacheIgnoreInputVars)}`,
  };
}

// The first 8 characters of the digest of a variable map's names and types (see canonicalTypeJson).
function interfaceDigest(variables: VariableMap | undefined): string {
  const entries = variables?.variables ?? {};
  const names = Object.keys(entries).sort(compareCodePoints);
  let text = "{";
  for (let i = 0; i < names.length; i++) {
    const name = names[i] ?? "";
    text += (i > 0 ? "," : "") + JSON.stringify(name) + ":" + canonicalTypeJson(entries[name]?.type);
  }
  return sha256Base64Url(text + "}").slice(0, 8);
}
