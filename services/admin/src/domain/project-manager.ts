import { create } from "@bufbuild/protobuf";
import {
  GetProjectResponseSchema,
  ListProjectsResponseSchema,
  ProjectState,
  RegisterProjectResponseSchema,
  SortDirection,
  UpdateProjectResponseSchema,
  type Domain,
  type GetProjectRequest,
  type GetProjectResponse,
  type ListProjectsRequest,
  type ListProjectsResponse,
  type Project,
  type RegisterProjectRequest,
  type RegisterProjectResponse,
  type UpdateProjectRequest,
  type UpdateProjectResponse,
} from "@skein/idl/admin/v1";
import { invalidArgument, type Clock, type Logger } from "@skein/server";
import type { ProjectRowUpdate } from "../repositories/database.js";
import type { ProjectRepository, ProjectSortKey } from "../repositories/project-repository.js";
import { projectFromRow, projectStateToRow, projectToNewRow } from "../repositories/transformers/project-transformer.js";
import { parseFilters, type FilterFields } from "./filters.js";
import { decodePageToken, encodePageToken } from "./page-token.js";

const defaultPageSize = 100;
const sortKeys: readonly ProjectSortKey[] = ["id", "name", "created_at"];

/** Filter keys of ListProjects, as documented in admin_service.proto. */
const projectFilterFields: FilterFields = {
  fields: {
    id: { kind: "string", column: "id" },
    name: { kind: "string", column: "name" },
    state: { kind: "enum", column: "state", values: { ACTIVE: "active", ARCHIVED: "archived" } },
    created_at: { kind: "timestamp", column: "created_at" },
  },
  labelsColumn: "labels",
};

export interface ProjectManagerDeps {
  readonly projects: ProjectRepository;
  readonly domains: readonly Domain[];
  readonly clock: Clock;
  readonly logger: Logger;
}

// Protovalidate marks `project` required and the interceptor enforces it; this keeps the types honest.
function requireProject(project: Project | undefined): Project {
  if (project === undefined) throw invalidArgument("project", "is required");
  return project;
}

function isSortKey(key: string): key is ProjectSortKey {
  return (sortKeys as readonly string[]).includes(key);
}

/** Projects: registration, updates (including archiving), lookups and paged lists. */
export class ProjectManager {
  constructor(private readonly deps: ProjectManagerDeps) {}

  async register(req: RegisterProjectRequest): Promise<RegisterProjectResponse> {
    const project = requireProject(req.project);
    const row = await this.deps.projects.insert(projectToNewRow(project, this.deps.clock.now()));
    this.deps.logger.info("project registered", { projectId: row.id });
    return create(RegisterProjectResponseSchema, { project: projectFromRow(row, this.deps.domains) });
  }

  /** Replaces name, description and labels; an unspecified state keeps the current one. */
  async update(req: UpdateProjectRequest): Promise<UpdateProjectResponse> {
    const project = requireProject(req.project);
    const changes: ProjectRowUpdate = {
      name: project.name === "" ? project.id : project.name,
      description: project.description,
      labels: JSON.stringify(project.labels),
      updated_at: this.deps.clock.now(),
    };
    if (project.state !== ProjectState.UNSPECIFIED) changes.state = projectStateToRow(project.state);
    const row = await this.deps.projects.update(project.id, changes);
    this.deps.logger.info("project updated", { projectId: row.id, state: row.state });
    return create(UpdateProjectResponseSchema, { project: projectFromRow(row, this.deps.domains) });
  }

  async get(req: GetProjectRequest): Promise<GetProjectResponse> {
    const row = await this.deps.projects.get(req.id);
    return create(GetProjectResponseSchema, { project: projectFromRow(row, this.deps.domains) });
  }

  async list(req: ListProjectsRequest): Promise<ListProjectsResponse> {
    const filters = parseFilters(req.filters, projectFilterFields);
    const sortKey = req.sortBy?.key ?? "created_at";
    if (!isSortKey(sortKey)) throw invalidArgument("sort_by.key", `must be one of ${sortKeys.join(", ")}; got "${sortKey}"`);
    const descending = req.sortBy?.direction !== SortDirection.ASCENDING;
    const sort = `${sortKey}:${descending ? "desc" : "asc"}`;
    const cursor = decodePageToken(req.token, sort);
    let after: { value: string | Date; id: string } | undefined;
    if (cursor !== undefined) {
      const value = sortKey === "created_at" ? new Date(cursor.value) : cursor.value;
      if (value instanceof Date && Number.isNaN(value.getTime())) throw invalidArgument("token", "is not a page token returned by this list");
      after = { value, id: cursor.id };
    }
    const limit = req.limit === 0 ? defaultPageSize : req.limit;
    // One row more than asked tells whether another page follows.
    const rows = await this.deps.projects.list({ sortKey, descending, after, limit: limit + 1, includeArchived: req.includeArchived, filters });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const nextToken =
      rows.length > limit && last !== undefined
        ? encodePageToken({ sort, value: sortKey === "created_at" ? last.created_at.toISOString() : last[sortKey], id: last.id })
        : "";
    return create(ListProjectsResponseSchema, { projects: page.map((row) => projectFromRow(row, this.deps.domains)), nextToken });
  }
}
