import { invalidArgument } from "@skein/server";

// Tokens are opaque to clients: base64url JSON that only this server reads back. Each carries the
// list it belongs to, the order, and the last row's creation time and tie-breakers.

export interface PageCursor {
  /** Which list and order issued it, e.g. `artifacts:desc`. */
  readonly list: string;
  readonly createdAt: Date;
  /** The tie-breaker values of the last row (its id, or a dataset's name and version). */
  readonly keys: readonly string[];
}

export function encodePageToken(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.list, cursor.createdAt.toISOString(), ...cursor.keys])).toString("base64url");
}

/**
 * Reads a token from a previous page of `list`; undefined for an empty token. A token this server
 * did not issue for that list is an InvalidArgument naming `field`.
 */
export function decodePageToken(token: string, list: string, keyCount: number, field = "token"): PageCursor | undefined {
  if (token === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 + keyCount || !parsed.every((p) => typeof p === "string")) {
    throw invalidArgument(field, "is not a page token returned by this list");
  }
  const [tokenList, at, ...keys] = parsed;
  if (tokenList !== list) throw invalidArgument(field, `was issued by another list or ordering ("${tokenList}"), not "${list}"; start again with an empty token`);
  const createdAt = new Date(at ?? "");
  if (Number.isNaN(createdAt.getTime())) throw invalidArgument(field, "is not a page token returned by this list");
  return { list, createdAt, keys };
}
