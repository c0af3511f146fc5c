import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { GetDomainsResponseSchema, type AdminService, type Domain } from "@skein/idl/admin/v1";
import type { ProjectManager } from "../domain/project-manager.js";
import type { TaskManager } from "../domain/task-manager.js";

export interface AdminManagers {
  readonly projects: ProjectManager;
  readonly tasks: TaskManager;
  readonly domains: readonly Domain[];
}

/**
 * The RPCs this admin implements, one line each. Connect answers every method left out with
 * `Unimplemented` ("skein.admin.v1.AdminService.<Method> is not implemented").
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
  };
}
