import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Domain } from "@skein/idl/admin/v1";
import { hashMessage } from "@skein/engine";
import { invalidArgument } from "@skein/server";
import { formatDifferences, type JsonDifference } from "./json-diff.js";

// What registering workflows and launch plans share with tasks: required fields, configured
// domains, hex digests, every problem in one error, and the conflict error with its diff.

/** Protovalidate marks these required and the interceptor enforces it; this keeps the types honest. */
export function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw invalidArgument(field, "is required");
  return value;
}

/** InvalidArgument on `field` unless `domain` is configured. */
export function checkDomain(domains: readonly Domain[], domain: string, field: string): void {
  if (domains.some((d) => d.id === domain)) return;
  throw invalidArgument(field, `"${domain}" is not a configured domain (${domains.map((d) => d.id).join(", ")})`);
}

/** The proto promises a hex digest; the engine's canonical hash is base64url of the same SHA-256. */
export function hexDigest<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): string {
  return Buffer.from(hashMessage(schema, message), "base64url").toString("hex");
}

/** One InvalidArgument on `field` listing every problem (at least one). */
export function problemsError(field: string, problems: readonly string[]): ConnectError {
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return invalidArgument(field, `has ${count}: ${problems.join("; ")}`);
}

/** A taken version id registered again with different content: AlreadyExists with what differs. */
export function conflictingVersion(kind: string, keyText: string, differences: readonly JsonDifference[]): ConnectError {
  return new ConnectError(
    `${kind} "${keyText}" already exists with different content; register it under a new version. Differences: ${formatDifferences(differences)}`,
    Code.AlreadyExists,
  );
}
