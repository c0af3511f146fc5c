import type { FilterField } from "./filters.js";
import type { SortColumn } from "./list-query.js";

// Node and task execution lists share their time keys; each list puts them after its own keys.

/** Filter keys on a record's times. */
export const recordTimeFilterFields: Readonly<Record<string, FilterField>> = {
  created_at: { kind: "timestamp", column: "created_at" },
  started_at: { kind: "timestamp", column: "started_at" },
  updated_at: { kind: "timestamp", column: "updated_at" },
  duration: { kind: "duration", column: "duration_ms" },
};

/**
 * Sort keys on a record's times. Start and duration sort on the never-null stand-ins the
 * repositories select (`timeSortColumns`), since sort columns are never null.
 */
export const recordTimeSortKeys: Readonly<Record<string, SortColumn>> = {
  created_at: { column: "created_at", kind: "timestamp" },
  started_at: { column: "started_sort", kind: "timestamp" },
  updated_at: { column: "updated_at", kind: "timestamp" },
  duration: { column: "duration_sort", kind: "integer" },
};
