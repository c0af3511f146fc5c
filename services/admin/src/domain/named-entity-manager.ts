import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ResourceType } from "@skein/idl";
import {
  ArchiveVersionResponseSchema,
  ListNamedEntitiesResponseSchema,
  NamedEntitySchema,
  NamedEntityState,
  UpdateNamedEntityResponseSchema,
  type ArchiveVersionRequest,
  type ArchiveVersionResponse,
  type ListNamedEntitiesRequest,
  type ListNamedEntitiesResponse,
  type NamedEntity,
  type UpdateNamedEntityRequest,
  type UpdateNamedEntityResponse,
} from "@skein/idl/admin/v1";
import { assertNever } from "@skein/engine";
import { failedPrecondition, type Clock, type Logger } from "@skein/server";
import type { Kysely } from "kysely";
import type { AdminDatabase, VersionRowState } from "../repositories/database.js";
import type { LaunchPlanRepository } from "../repositories/launch-plan-repository.js";
import type { NamedEntityListRow, NamedEntityRepository } from "../repositories/named-entity-repository.js";
import type { TaskRepository } from "../repositories/task-repository.js";
import { versionKeyText } from "../repositories/version-key.js";
import type { WorkflowRepository } from "../repositories/workflow-repository.js";
import { versionStateFromRow } from "../repositories/transformers/version-state.js";
import { entityRowType } from "./entity-type.js";
import { parseFilters, type FilterFields } from "./filters.js";
import { pageOf, planList, type ListOrdering } from "./list-query.js";
import { required } from "./registration.js";

export interface NamedEntityManagerDeps {
  readonly db: Kysely<AdminDatabase>;
  readonly names: NamedEntityRepository;
  readonly tasks: TaskRepository;
  readonly workflows: WorkflowRepository;
  readonly launchPlans: LaunchPlanRepository;
  readonly clock: Clock;
  readonly logger: Logger;
}

const nameColumn = { column: "name", kind: "text" } as const;

/** ListNamedEntities orderings; a name is unique within the list, so it breaks every tie. */
const namedEntityOrdering: ListOrdering = {
  sortKeys: {
    name: nameColumn,
    created_at: { column: "created_at", kind: "timestamp" },
    latest_version_created_at: { column: "latest_version_created_at", kind: "timestamp" },
  },
  tieBreakers: [nameColumn],
  defaultSortKey: "created_at",
};

const namedEntityFilterFields: FilterFields = {
  fields: {
    name: { kind: "string", column: "name" },
    state: { kind: "enum", column: "state", values: { ACTIVE: "active", ARCHIVED: "archived" } },
    created_at: { kind: "timestamp", column: "created_at" },
    latest_version_created_at: { kind: "timestamp", column: "latest_version_created_at" },
  },
};

function entityFromRow(type: ResourceType, project: string, domain: string, row: NamedEntityListRow): NamedEntity {
  return create(NamedEntitySchema, {
    resourceType: type,
    id: { project, domain, name: row.name },
    metadata: { description: row.description, state: row.state === "archived" ? NamedEntityState.ARCHIVED : NamedEntityState.ACTIVE },
    createdAt: timestampFromDate(row.created_at),
    latestVersionCreatedAt: timestampFromDate(row.latest_version_created_at),
  });
}

/** Names of tasks, workflows and launch plans (metadata, archiving), and archiving of single versions. */
export class NamedEntityManager {
  constructor(private readonly deps: NamedEntityManagerDeps) {}

  async list(req: ListNamedEntitiesRequest): Promise<ListNamedEntitiesResponse> {
    const type = entityRowType(req.resourceType, "resource_type");
    const plan = planList(req, namedEntityOrdering);
    const filters = parseFilters(req.filters, namedEntityFilterFields);
    const rows = await this.deps.names.list(type, { project: req.project, domain: req.domain, includeArchived: req.includeArchived, filters }, plan);
    const { page, nextToken } = pageOf(rows, plan);
    return create(ListNamedEntitiesResponseSchema, { entities: page.map((row) => entityFromRow(req.resourceType, req.project, req.domain, row)), nextToken });
  }

  /** Replaces description and state of a name that has at least one version; unspecified state means active. */
  async update(req: UpdateNamedEntityRequest): Promise<UpdateNamedEntityResponse> {
    const type = entityRowType(req.resourceType, "resource_type");
    const id = required(req.id, "id");
    const metadata = required(req.metadata, "metadata");
    const state: VersionRowState = metadata.state === NamedEntityState.ARCHIVED ? "archived" : "active";
    const row = await this.deps.db.transaction().execute(async (trx) => {
      await this.deps.names.get(type, id, trx);
      await this.deps.names.upsert(type, id, { description: metadata.description, state }, this.deps.clock.now(), trx);
      return this.deps.names.get(type, id, trx);
    });
    this.deps.logger.info("named entity updated", { resourceType: type, entity: `${id.project}/${id.domain}/${id.name}`, state });
    return create(UpdateNamedEntityResponseSchema, { entity: entityFromRow(req.resourceType, id.project, id.domain, row) });
  }

  /** Archives (or restores) one version. An active launch plan must be deactivated first. */
  async archiveVersion(req: ArchiveVersionRequest): Promise<ArchiveVersionResponse> {
    const id = required(req.id, "id");
    const state: VersionRowState = req.restore ? "active" : "archived";
    const type = entityRowType(id.resourceType, "id.resource_type");
    let stored: VersionRowState;
    switch (type) {
      case "task":
        stored = (await this.deps.tasks.setState(id, state)).state;
        break;
      case "workflow":
        stored = (await this.deps.workflows.setState(id, state)).state;
        break;
      case "launch_plan":
        stored = await this.deps.db.transaction().execute(async (trx) => {
          // Under the name's lock, so an activation cannot slip in between the check and the update.
          await this.deps.launchPlans.lockName(id, trx);
          const current = await this.deps.launchPlans.get(id, trx);
          if (state === "archived" && current.active) {
            throw failedPrecondition(`launch plan "${versionKeyText(id)}" is active; deactivate it before archiving it`);
          }
          return (await this.deps.launchPlans.setState(id, state, trx)).state;
        });
        break;
      default:
        return assertNever(type, "entity type");
    }
    this.deps.logger.info(req.restore ? "version restored" : "version archived", { resourceType: type, version: versionKeyText(id) });
    return create(ArchiveVersionResponseSchema, { state: versionStateFromRow(stored) });
  }
}
