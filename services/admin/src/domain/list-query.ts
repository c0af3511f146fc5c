import { createHash } from "node:crypto";
import { SortDirection, type Sort } from "@skein/idl/admin/v1";
import { assertNever } from "@skein/engine";
import { invalidArgument } from "@skein/server";
import { sql, type SelectQueryBuilder, type SqlBool } from "kysely";

// Keyset paging shared by every List RPC: a request's limit, token and sort_by become a plan that
// a repository applies to its query, and the rows it returns become a page and the next token.
// Orders are made total by tie-breaker columns that are unique together, so a page starts exactly
// after the last row of the previous one however rows are inserted in between.

/** How a column's values are compared and carried in tokens. Sort columns are never null. */
export type SortColumnKind = "text" | "timestamp" | "integer";

export interface SortColumn {
  readonly column: string;
  readonly kind: SortColumnKind;
}

/** The orderings a list offers. */
export interface ListOrdering {
  /** API sort key → column; the proto documents the keys of each List RPC. */
  readonly sortKeys: Readonly<Record<string, SortColumn>>;
  /** Columns unique together within the listed scope, appended to every order. */
  readonly tieBreakers: readonly SortColumn[];
  /** The sort key used when the request has none; newest first unless the request says otherwise. */
  readonly defaultSortKey: string;
}

/** A value of a sort column as queries bind it. */
export type SortValue = string | Date;

/** What a repository needs to fetch one page. */
export interface KeysetPlan {
  /** The sort column followed by the tie-breakers that differ from it. */
  readonly columns: readonly SortColumn[];
  readonly descending: boolean;
  /** The previous page's last row, one value per column; undefined for the first page. */
  readonly after?: readonly SortValue[];
  /** Rows to fetch: one more than the page size, which tells whether another page follows. */
  readonly fetch: number;
}

/** A plan plus what is needed to turn the fetched rows into a page. */
export interface ListPlan extends KeysetPlan {
  readonly pageSize: number;
  /** `<key>:<asc|desc>`, recorded in tokens so that a token is only used with its own ordering. */
  readonly sort: string;
  readonly filtersDigest: string;
}

export interface ListRequestShape {
  readonly limit: number;
  readonly token: string;
  readonly sortBy?: Sort | undefined;
  readonly filters?: string;
}

export const defaultPageSize = 100;

function badToken(): never {
  throw invalidArgument("token", "is not a page token returned by this list");
}

// Filters change which rows exist, so a token only continues the filters it was issued under.
function digestFilters(filters: string): string {
  return filters === "" ? "" : createHash("sha256").update(filters).digest("base64url").slice(0, 12);
}

function tokenValue(value: unknown, kind: SortColumnKind): string {
  switch (kind) {
    case "timestamp":
      if (!(value instanceof Date)) throw new TypeError("timestamp sort column did not read as a Date");
      return value.toISOString();
    case "text":
    case "integer":
      return String(value);
    default:
      return assertNever(kind, "sort column kind");
  }
}

function valueFromToken(text: string, kind: SortColumnKind): SortValue {
  switch (kind) {
    case "timestamp": {
      const date = new Date(text);
      return Number.isNaN(date.getTime()) ? badToken() : date;
    }
    case "integer":
      return /^-?\d+$/.test(text) ? text : badToken();
    case "text":
      return text;
    default:
      return assertNever(kind, "sort column kind");
  }
}

/** Checks limit, sort_by and token of a List request and plans the query for its page. */
export function planList(req: ListRequestShape, ordering: ListOrdering): ListPlan {
  const sortKey = req.sortBy?.key ?? ordering.defaultSortKey;
  const sortColumn = ordering.sortKeys[sortKey];
  if (sortColumn === undefined) {
    throw invalidArgument("sort_by.key", `must be one of ${Object.keys(ordering.sortKeys).join(", ")}; got "${sortKey}"`);
  }
  const descending = req.sortBy?.direction !== SortDirection.ASCENDING;
  const sort = `${sortKey}:${descending ? "desc" : "asc"}`;
  const columns = [sortColumn, ...ordering.tieBreakers.filter((t) => t.column !== sortColumn.column)];
  const filtersDigest = digestFilters(req.filters ?? "");
  const pageSize = req.limit === 0 ? defaultPageSize : req.limit;
  const base = { columns, descending, fetch: pageSize + 1, pageSize, sort, filtersDigest };
  if (req.token === "") return base;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(req.token, "base64url").toString("utf8"));
  } catch {
    return badToken();
  }
  if (!Array.isArray(parsed) || parsed.length < 3 || !parsed.every((p) => typeof p === "string")) return badToken();
  const [tokenSort, tokenFilters, ...values] = parsed;
  if (tokenSort !== sort) {
    throw invalidArgument("token", `was issued for ordering "${tokenSort ?? ""}", not "${sort}"; start again with an empty token`);
  }
  if (values.length !== columns.length) return badToken();
  if (tokenFilters !== filtersDigest) throw invalidArgument("token", "was issued for other filters; start again with an empty token");
  return { ...base, after: values.map((v, i) => valueFromToken(v, (columns[i] as SortColumn).kind)) };
}

/** Cuts the fetched rows to the page size and issues the token of the following page, if any. */
export function pageOf<Row extends object>(rows: readonly Row[], plan: ListPlan): { page: Row[]; nextToken: string } {
  const page = rows.slice(0, plan.pageSize);
  const last = page.at(-1);
  if (rows.length <= plan.pageSize || last === undefined) return { page, nextToken: "" };
  const values = plan.columns.map((c) => tokenValue((last as Record<string, unknown>)[c.column], c.kind));
  const nextToken = Buffer.from(JSON.stringify([plan.sort, plan.filtersDigest, ...values])).toString("base64url");
  return { page, nextToken };
}

/**
 * Adds the keyset condition, the order and the limit of `plan` to a query. Column names are
 * trusted (they come from a ListOrdering, never from a request); values are bound parameters.
 */
export function applyKeyset<DB, TB extends keyof DB, O>(select: SelectQueryBuilder<DB, TB, O>, plan: KeysetPlan): SelectQueryBuilder<DB, TB, O> {
  let query = select;
  const refs = plan.columns.map((c) => sql.ref(c.column));
  if (plan.after !== undefined) {
    const op = sql.raw(plan.descending ? "<" : ">");
    const values = plan.after.map((v) => sql`${v}`);
    query = query.where(sql<SqlBool>`(${sql.join(refs)}) ${op} (${sql.join(values)})`);
  }
  for (const ref of refs) query = query.orderBy(ref, plan.descending ? "desc" : "asc");
  return query.limit(plan.fetch);
}
