import { invalidArgument } from "@skein/server";

/** Where a page ended: the sort it was produced with, the last row's sort value and its id. */
export interface PageCursor {
  readonly sort: string;
  readonly value: string;
  readonly id: string;
}

// Tokens are opaque to clients: base64url JSON that only this server reads back.
export function encodePageToken(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.value, cursor.id])).toString("base64url");
}

/**
 * Reads a token from a previous page. A token that this server did not issue, or that was issued
 * for another ordering, is an InvalidArgument naming `token`.
 */
export function decodePageToken(token: string, sort: string): PageCursor | undefined {
  if (token === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((p) => typeof p === "string")) {
    throw invalidArgument("token", "is not a page token returned by this list");
  }
  const [tokenSort, value, id] = parsed as [string, string, string];
  if (tokenSort !== sort) {
    throw invalidArgument("token", `was issued for ordering "${tokenSort}", not "${sort}"; start again with an empty token`);
  }
  return { sort, value, id };
}
