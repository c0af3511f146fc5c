import type { Kysely } from "kysely";
import type { AdminDatabase } from "./database.js";
import { VersionRepository } from "./version-repository.js";

export type { VersionListScope } from "./version-repository.js";

/** Workflow versions in PostgreSQL. Every method runs inside `trx` when given, so callers compose transactions. */
export class WorkflowRepository extends VersionRepository<"workflow"> {
  constructor(db: Kysely<AdminDatabase>) {
    super(db, "workflow", "workflow", ["closure"]);
  }
}
