import { create, equals, toJson } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { IdentifierSchema, TaskTemplateSchema, type Identifier, type TaskTemplate } from "@skein/idl";
import {
  CreateTaskResponseSchema,
  GetTaskResponseSchema,
  ListTasksResponseSchema,
  type CreateTaskRequest,
  type CreateTaskResponse,
  type Domain,
  type GetTaskRequest,
  type GetTaskResponse,
  type ListTasksRequest,
  type ListTasksResponse,
} from "@skein/idl/admin/v1";
import { compileTask, hashMessage } from "@skein/engine";
import { invalidArgument, type Clock, type Logger } from "@skein/server";
import type { ProjectRepository } from "../repositories/project-repository.js";
import { taskKeyText, type TaskRepository } from "../repositories/task-repository.js";
import { taskFromRow, taskTemplateFromRow, taskToNewRow } from "../repositories/transformers/task-transformer.js";
import { diffJson, formatDifferences } from "./json-diff.js";
import { parseFilters } from "./filters.js";
import { pageOf, planList } from "./list-query.js";
import { versionFilterFields, versionOrdering } from "./version-lists.js";

export interface TaskManagerDeps {
  readonly tasks: TaskRepository;
  readonly projects: ProjectRepository;
  readonly domains: readonly Domain[];
  readonly clock: Clock;
  readonly logger: Logger;
}

// Protovalidate marks these required and the interceptor enforces it; this keeps the types honest.
function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw invalidArgument(field, "is required");
  return value;
}

// The proto promises a hex digest; the engine's canonical hash is base64url of the same SHA-256.
function taskDigest(template: TaskTemplate): string {
  return Buffer.from(hashMessage(TaskTemplateSchema, template), "base64url").toString("hex");
}

/** Task versions: registration (checked, hashed, idempotent), lookups and paged lists. */
export class TaskManager {
  constructor(private readonly deps: TaskManagerDeps) {}

  /**
   * Registers a version. The same id with the same digest again returns the stored version with
   * `created = false`; different content under a taken id is AlreadyExists listing the differences.
   */
  async create(req: CreateTaskRequest): Promise<CreateTaskResponse> {
    const id = required(req.id, "id");
    const spec = required(req.spec, "spec");
    const template = required(spec.template, "spec.template");
    this.checkDomain(id, "id.domain");
    if (!equals(IdentifierSchema, required(template.id, "spec.template.id"), id)) {
      throw invalidArgument("spec.template.id", `must equal the id being registered ("${taskKeyText(id)}")`);
    }
    const problems = compileTask(template);
    if (problems.length > 0) {
      const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
      throw invalidArgument("spec.template", `has ${count}: ${problems.map((p) => `[${p.code}] ${p.message}`).join("; ")}`);
    }
    await this.deps.projects.get(id.project);
    const digest = taskDigest(template);
    const inserted = await this.deps.tasks.insertIfAbsent(taskToNewRow(id, template, digest, spec.description, this.deps.clock.now()));
    if (inserted !== undefined) {
      this.deps.logger.info("task registered", { task: taskKeyText(id), digest });
      return create(CreateTaskResponseSchema, { task: taskFromRow(inserted), created: true });
    }
    const existing = await this.deps.tasks.get(id);
    if (existing.digest === digest) return create(CreateTaskResponseSchema, { task: taskFromRow(existing), created: false });
    const differences = diffJson(
      toJson(TaskTemplateSchema, taskTemplateFromRow(existing), { useProtoFieldName: true }),
      toJson(TaskTemplateSchema, template, { useProtoFieldName: true }),
      "spec.template",
    );
    throw new ConnectError(
      `task "${taskKeyText(id)}" already exists with different content; register it under a new version. Differences: ${formatDifferences(differences)}`,
      Code.AlreadyExists,
    );
  }

  async get(req: GetTaskRequest): Promise<GetTaskResponse> {
    const id = required(req.id, "id");
    return create(GetTaskResponseSchema, { task: taskFromRow(await this.deps.tasks.get(id)) });
  }

  async list(req: ListTasksRequest): Promise<ListTasksResponse> {
    const plan = planList(req, versionOrdering);
    const filters = parseFilters(req.filters, versionFilterFields);
    const scope = { project: req.project, domain: req.domain, name: req.name === "" ? undefined : req.name, includeArchived: req.includeArchived, filters };
    const { page, nextToken } = pageOf(await this.deps.tasks.list(scope, plan), plan);
    return create(ListTasksResponseSchema, { tasks: page.map(taskFromRow), nextToken });
  }

  private checkDomain(id: Identifier, field: string): void {
    if (this.deps.domains.some((d) => d.id === id.domain)) return;
    const known = this.deps.domains.map((d) => d.id).join(", ");
    throw invalidArgument(field, `"${id.domain}" is not a configured domain (${known})`);
  }
}
