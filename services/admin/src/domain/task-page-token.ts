import { invalidArgument } from "@skein/server";
import type { TaskRow } from "../repositories/database.js";
import type { TaskSortKey } from "../repositories/task-repository.js";
import { decodePageToken, encodePageToken } from "./page-token.js";

/** Where a task page ended: the sort column's value and the (name, version) tie-breaker. */
export interface TaskCursor {
  readonly value: string | Date;
  readonly name: string;
  readonly version: string;
}

function badToken(): never {
  throw invalidArgument("token", "is not a page token returned by this list");
}

/** The token for the page after `last`, in the ordering `sort` (`<key>:<asc|desc>`). */
export function encodeTaskCursor(sort: string, sortKey: TaskSortKey, last: TaskRow): string {
  const value = sortKey === "created_at" ? last.created_at.toISOString() : last[sortKey];
  return encodePageToken({ sort, value, id: JSON.stringify([last.name, last.version]) });
}

/** The cursor in a token from a previous page; undefined for the first page. */
export function decodeTaskCursor(token: string, sort: string, byTime: boolean): TaskCursor | undefined {
  const cursor = decodePageToken(token, sort);
  if (cursor === undefined) return undefined;
  let id: unknown;
  try {
    id = JSON.parse(cursor.id);
  } catch {
    return badToken();
  }
  if (!Array.isArray(id) || id.length !== 2 || !id.every((p) => typeof p === "string")) return badToken();
  const [name, version] = id as [string, string];
  if (!byTime) return { value: cursor.value, name, version };
  const value = new Date(cursor.value);
  if (Number.isNaN(value.getTime())) return badToken();
  return { value, name, version };
}
