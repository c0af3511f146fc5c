import { create } from "@bufbuild/protobuf";
import type { Identifier } from "@skein/idl";
import { DeleteVersionResponseSchema, type DeleteVersionRequest, type DeleteVersionResponse } from "@skein/idl/admin/v1";
import { failedPrecondition, invalidArgument, notFound, type Logger } from "@skein/server";
import type { Kysely, Transaction } from "kysely";
import type { AdminDatabase } from "../repositories/database.js";
import type { ExecutionRepository } from "../repositories/execution-repository.js";
import { compiledClosureFromRow } from "../repositories/transformers/workflow-transformer.js";
import { versionKeyColumns, versionKeyText, type VersionKey } from "../repositories/version-key.js";
import type { VersionTableName } from "../repositories/version-repository.js";
import { entityRowType } from "./entity-type.js";

export interface VersionDeletionDeps {
  readonly db: Kysely<AdminDatabase>;
  readonly executions: ExecutionRepository;
  readonly logger: Logger;
}

const kindText: Record<VersionTableName, string> = { task: "task", workflow: "workflow", launch_plan: "launch plan" };

/**
 * Locks one registered version FOR UPDATE for the rest of `trx`; execution creation takes the same
 * row FOR SHARE (ExecutionRepository.lockTarget), so a deletion and a creation never interleave.
 * Returns whether the version exists.
 */
async function lockVersionForDelete(trx: Transaction<AdminDatabase>, table: VersionTableName, key: VersionKey): Promise<boolean> {
  const row = await trx.selectFrom(table).select("version").where((eb) => eb.and(versionKeyColumns(key))).forUpdate().executeTakeFirst();
  return row !== undefined;
}

function sameVersion(a: Identifier | undefined, key: VersionKey): boolean {
  return a !== undefined && a.project === key.project && a.domain === key.domain && a.name === key.name && a.version === key.version;
}

/**
 * Deletes a task, workflow or launch plan version that nothing references: no workflow version
 * compiled against it, no launch plan running it, no execution that ran it, and (for a launch
 * plan) not the active version. The checks and the delete share one transaction holding the
 * version's row lock, so no reference can appear in between.
 */
export class VersionDeletion {
  constructor(private readonly deps: VersionDeletionDeps) {}

  async delete(req: DeleteVersionRequest): Promise<DeleteVersionResponse> {
    const id = req.id;
    if (id === undefined) throw invalidArgument("id", "is required");
    const table = entityRowType(id.resourceType, "id.resource_type");
    const key: VersionKey = { project: id.project, domain: id.domain, name: id.name, version: id.version };
    const what = `${kindText[table]} "${versionKeyText(key)}"`;
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await lockVersionForDelete(trx, table, key))) throw notFound(what);
      const referrers = await this.#referrers(trx, table, key);
      if (referrers.length > 0) throw failedPrecondition(`${what} cannot be deleted: ${referrers.join("; ")}`);
      await trx.deleteFrom(table).where((eb) => eb.and(versionKeyColumns(key))).execute();
    });
    this.deps.logger.info("version deleted", { kind: table, version: versionKeyText(key) });
    return create(DeleteVersionResponseSchema, {});
  }

  async #referrers(trx: Transaction<AdminDatabase>, table: VersionTableName, key: VersionKey): Promise<string[]> {
    const found: string[] = [];
    const { executions } = this.deps;
    if (table === "launch_plan") {
      const row = await trx.selectFrom("launch_plan").select("active").where((eb) => eb.and(versionKeyColumns(key))).executeTakeFirstOrThrow();
      if (row.active) found.push("it is the active version (deactivate it first)");
    }
    if (table === "workflow") {
      const plans = await trx.selectFrom("launch_plan").select(["name", "version"]).where("project", "=", key.project).where("domain", "=", key.domain).where("workflow_name", "=", key.name).where("workflow_version", "=", key.version).orderBy("name").orderBy("version").limit(5).execute();
      for (const p of plans) found.push(`launch plan ${p.name}@${p.version} runs it`);
      const execution = await executions.anyByWorkflow(key, trx);
      if (execution !== undefined) found.push(`execution ${execution} ran it`);
    } else {
      const execution = await executions.anyByTarget(table, key, trx);
      if (execution !== undefined) found.push(`execution ${execution} ran it`);
    }
    // Compiled workflow closures carry every task, sub-workflow and launch plan they use.
    const workflows = await trx.selectFrom("workflow").select(["name", "version", "closure"]).where("project", "=", key.project).where("domain", "=", key.domain).execute();
    for (const workflow of workflows) {
      if (table === "workflow" && workflow.name === key.name && workflow.version === key.version) continue;
      const closure = compiledClosureFromRow(workflow);
      const uses =
        table === "task"
          ? closure.tasks.some((t) => sameVersion(t.template?.id, key))
          : table === "workflow"
            ? closure.subWorkflows.some((w) => sameVersion(w.template?.id, key))
            : closure.launchPlans.some((l) => sameVersion(l.template?.id, key));
      if (uses) found.push(`workflow ${workflow.name}@${workflow.version} uses it`);
    }
    return found;
  }
}
