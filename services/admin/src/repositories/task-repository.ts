import type { Kysely } from "kysely";
import type { AdminDatabase } from "./database.js";
import type { VersionKey } from "./version-key.js";
import { VersionRepository } from "./version-repository.js";

export { versionKeyText as taskKeyText } from "./version-key.js";

/** A task version's identity within the table. */
export type TaskKey = VersionKey;

/** Task versions in PostgreSQL. Every method runs inside `trx` when given, so callers compose transactions. */
export class TaskRepository extends VersionRepository<"task"> {
  constructor(db: Kysely<AdminDatabase>) {
    super(db, "task", "task", ["template"]);
  }
}
