import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { GetDomainsResponseSchema, type AdminService, type Domain } from "@skein/idl/admin/v1";
import type { CodeBundleManager } from "../domain/code-bundle-manager.js";
import type { EventManagers } from "../domain/event-managers.js";
import type { ProjectManager } from "../domain/project-manager.js";
import type { TaskManager } from "../domain/task-manager.js";
import { eventHandlers } from "./event-handlers.js";
import type { ExecutionManagers } from "../domain/execution-managers.js";
import { executionHandlers } from "./execution-handlers.js";
import { registrationHandlers, type RegistrationManagers } from "./registration-handlers.js";

export interface AdminManagers {
  readonly projects: ProjectManager;
  readonly tasks: TaskManager;
  readonly registration: RegistrationManagers;
  readonly domains: readonly Domain[];
  readonly codeBundles: CodeBundleManager;
  readonly executions: ExecutionManagers;
  readonly events: EventManagers;
}

/**
 * The RPCs of AdminService, one line each (or one line per group). Connect would answer a method
 * left out with Unimplemented; a test checks that none is.
 */
export function adminHandlers(m: AdminManagers): Partial<ServiceImpl<typeof AdminService>> {
  return {
    registerProject: (req) => m.projects.register(req),
    updateProject: (req) => m.projects.update(req),
    getProject: (req) => m.projects.get(req),
    listProjects: (req) => m.projects.list(req),
    getDomains: () => create(GetDomainsResponseSchema, { domains: [...m.domains] }),
    createTask: (req) => m.tasks.create(req),
    getTask: (req) => m.tasks.get(req),
    listTasks: (req) => m.tasks.list(req),
    ...registrationHandlers(m.registration),
    ...executionHandlers(m.executions),
    ...eventHandlers(m.events),
    createCodeBundle: (req) => m.codeBundles.create(req),
  };
}
