import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";
import * as projects from "./2025-06-01T00-00-00-projects.js";
import * as tasks from "./2025-06-15T00-00-00-tasks.js";
import * as workflows from "./2025-07-01T00-00-00-workflows.js";
import * as launchPlans from "./2025-07-01T00-01-00-launch-plans.js";
import * as namedEntities from "./2025-07-01T00-02-00-named-entities.js";
import * as attributes from "./2025-07-05T00-00-00-attributes.js";
import * as executions from "./2025-07-10T00-00-00-executions.js";
import * as nodeTaskExecutions from "./2025-07-20T00-00-00-node-task-executions.js";
import * as signals from "./2025-07-20T00-01-00-signals.js";
import * as schedules from "./2025-07-30T00-00-00-schedules.js";
import * as taskResourceAttributes from "./2025-08-01T00-00-00-task-resource-attributes.js";
import * as recordMessages from "./2026-12-07T00-00-00-record-messages.js";
import * as nodeParentIndex from "./2026-12-07T00-01-00-node-parent-index.js";

// Every migration, by its frozen name; names sort in the order they run.
const migrations: Record<string, Migration> = {
  "2025-06-01T00-00-00-projects": projects,
  "2025-06-15T00-00-00-tasks": tasks,
  "2025-07-01T00-00-00-workflows": workflows,
  "2025-07-01T00-01-00-launch-plans": launchPlans,
  "2025-07-01T00-02-00-named-entities": namedEntities,
  "2025-07-05T00-00-00-attributes": attributes,
  "2025-07-10T00-00-00-executions": executions,
  "2025-07-20T00-00-00-node-task-executions": nodeTaskExecutions,
  "2025-07-20T00-01-00-signals": signals,
  "2025-07-30T00-00-00-schedules": schedules,
  "2025-08-01T00-00-00-task-resource-attributes": taskResourceAttributes,
  "2026-12-07T00-00-00-record-messages": recordMessages,
  "2026-12-07T00-01-00-node-parent-index": nodeParentIndex,
};

// Bundled statically, so migrations run the same from src, dist or a single-file bundle.
const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

/** Brings the admin schema up to date; throws, naming the failed migration, if one fails. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateAdminToLatest(db: Kysely<any>): Promise<readonly string[]> {
  const migrator = new Migrator({ db, provider, migrationTableName: "admin_migration", migrationLockTableName: "admin_migration_lock" });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error !== undefined) {
    throw new Error(`admin migration ${failed?.migrationName ?? "(before any ran)"} failed`, { cause: error });
  }
  return (results ?? []).map((r) => r.migrationName);
}
