import { createHash } from "node:crypto";
import { SortDirection, type ListExecutionsRequest } from "@skein/idl/admin/v1";
import { invalidArgument } from "@skein/server";
import type { ExecutionRow } from "../repositories/database.js";
import type { ExecutionSortKey } from "../repositories/execution-repository.js";
import type { FilterFields } from "./filters.js";

// Orderings, filter keys and page tokens of ListExecutions (see admin_service.proto). Sort columns
// such as started_at and duration may be null, so the keyset carries a nullable value; the
// repository orders nulls as PostgreSQL does (last ascending, first descending).

const sortKeys: readonly ExecutionSortKey[] = ["name", "phase", "created_at", "started_at", "updated_at", "duration"];

const phaseValues = {
  UNDEFINED: "undefined",
  QUEUED: "queued",
  RUNNING: "running",
  SUCCEEDING: "succeeding",
  SUCCEEDED: "succeeded",
  FAILING: "failing",
  FAILED: "failed",
  ABORTING: "aborting",
  ABORTED: "aborted",
  TIMED_OUT: "timed_out",
} as const;

const modeValues = {
  MANUAL: "manual",
  SCHEDULED: "scheduled",
  SYSTEM: "system",
  RELAUNCH: "relaunch",
  CHILD_WORKFLOW: "child_workflow",
  RECOVERED: "recovered",
} as const;

/** Filter keys of ListExecutions that map onto one column each. */
export const executionFilterFields: FilterFields = {
  fields: {
    name: { kind: "string", column: "name" },
    phase: { kind: "enum", column: "phase", values: phaseValues },
    mode: { kind: "enum", column: "mode", values: modeValues },
    principal: { kind: "string", column: "principal" },
    cluster: { kind: "string", column: "cluster" },
    created_at: { kind: "timestamp", column: "created_at" },
    started_at: { kind: "timestamp", column: "started_at" },
    updated_at: { kind: "timestamp", column: "updated_at" },
    duration: { kind: "duration", column: "duration_ms" },
    "workflow.name": { kind: "string", column: "workflow_name" },
    "workflow.version": { kind: "string", column: "workflow_version" },
    "parent.name": { kind: "string", column: "parent_name" },
    "reference.name": { kind: "string", column: "reference_name" },
  },
  labelsColumn: "labels",
};

/** Target filter keys, which also restrict the kind of target. */
export const targetFilterKeys: Readonly<Record<string, { kind: "launch_plan" | "task"; column: "target_name" | "target_version" }>> = {
  "launch_plan.name": { kind: "launch_plan", column: "target_name" },
  "launch_plan.version": { kind: "launch_plan", column: "target_version" },
  "task.name": { kind: "task", column: "target_name" },
  "task.version": { kind: "task", column: "target_version" },
};

export interface ExecutionListPlan {
  readonly sortKey: ExecutionSortKey;
  readonly descending: boolean;
  readonly pageSize: number;
  readonly after?: { readonly value: string | number | null; readonly name: string };
  readonly tokenPrefix: string;
}

function badToken(): never {
  throw invalidArgument("token", "is not a page token returned by this list");
}

/** Checks limit, sort_by and token; the token is only valid with the ordering and filters that issued it. */
export function planExecutionList(req: ListExecutionsRequest): ExecutionListPlan {
  const key = req.sortBy?.key ?? "created_at";
  if (!(sortKeys as readonly string[]).includes(key)) throw invalidArgument("sort_by.key", `must be one of ${sortKeys.join(", ")}; got "${key}"`);
  const sortKey = key as ExecutionSortKey;
  const descending = req.sortBy?.direction !== SortDirection.ASCENDING;
  const filters = req.filters === "" ? "" : createHash("sha256").update(req.filters).digest("base64url").slice(0, 12);
  const tokenPrefix = `${sortKey}:${descending ? "desc" : "asc"}:${filters}:${req.includeArchived ? "all" : "active"}`;
  const pageSize = req.limit === 0 ? 100 : req.limit;
  if (req.token === "") return { sortKey, descending, pageSize, tokenPrefix };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(req.token, "base64url").toString("utf8"));
  } catch {
    return badToken();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return badToken();
  const [prefix, value, name] = parsed as unknown[];
  if (prefix !== tokenPrefix) throw invalidArgument("token", "was issued for another ordering or other filters; start again with an empty token");
  if (typeof name !== "string" || !(value === null || typeof value === "string" || typeof value === "number")) return badToken();
  return { sortKey, descending, pageSize, tokenPrefix, after: { value, name } };
}

function sortValue(row: ExecutionRow, key: ExecutionSortKey): string | number | null {
  switch (key) {
    case "name":
      return row.name;
    case "phase":
      return row.phase;
    case "created_at":
      return row.created_at.toISOString();
    case "updated_at":
      return row.updated_at.toISOString();
    case "started_at":
      return row.started_at?.toISOString() ?? null;
    case "duration":
      return row.duration_ms === null ? null : Number(row.duration_ms);
  }
}

/** The page (at most pageSize of the pageSize + 1 fetched rows) and the next token. */
export function executionPage(rows: readonly ExecutionRow[], plan: ExecutionListPlan): { page: ExecutionRow[]; nextToken: string } {
  const page = rows.slice(0, plan.pageSize);
  const last = page.at(-1);
  if (rows.length <= plan.pageSize || last === undefined) return { page, nextToken: "" };
  const token = Buffer.from(JSON.stringify([plan.tokenPrefix, sortValue(last, plan.sortKey), last.name])).toString("base64url");
  return { page, nextToken: token };
}
