import type { FilterFields } from "./filters.js";
import type { ListOrdering } from "./list-query.js";

// Orderings and filter keys of the version lists, as documented on ListTasks, ListWorkflows and
// ListLaunchPlans in admin_service.proto.

const name = { column: "name", kind: "text" } as const;
const version = { column: "version", kind: "text" } as const;
const createdAt = { column: "created_at", kind: "timestamp" } as const;

/** Task and workflow versions: by name, version or registration time; (name, version) breaks ties. */
export const versionOrdering: ListOrdering = {
  sortKeys: { name, version, created_at: createdAt },
  tieBreakers: [name, version],
  defaultSortKey: "created_at",
};

const versionState = { kind: "enum", column: "state", values: { ACTIVE: "active", ARCHIVED: "archived" } } as const;

/** Filter keys of ListTasks and ListWorkflows. */
export const versionFilterFields: FilterFields = {
  fields: {
    name: { kind: "string", column: "name" },
    version: { kind: "string", column: "version" },
    created_at: { kind: "timestamp", column: "created_at" },
    state: versionState,
  },
};

/** Launch plan versions: also by the time their state last changed. */
export const launchPlanOrdering: ListOrdering = {
  sortKeys: { name, version, created_at: createdAt, updated_at: { column: "updated_at", kind: "timestamp" } },
  tieBreakers: [name, version],
  defaultSortKey: "created_at",
};

/** Filter keys of ListLaunchPlans: `state` is activation, `version_state` archiving. */
export const launchPlanFilterFields: FilterFields = {
  fields: {
    name: { kind: "string", column: "name" },
    version: { kind: "string", column: "version" },
    created_at: { kind: "timestamp", column: "created_at" },
    updated_at: { kind: "timestamp", column: "updated_at" },
    state: { kind: "enum", column: "active", values: { ACTIVE: true, INACTIVE: false } },
    version_state: versionState,
    "workflow.name": { kind: "string", column: "workflow_name" },
    "workflow.version": { kind: "string", column: "workflow_version" },
    has_schedule: { kind: "boolean", column: "has_schedule" },
  },
};
