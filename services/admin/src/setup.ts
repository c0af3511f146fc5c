import { AdminService } from "@skein/idl/admin/v1";
import type { ServiceSetup } from "@skein/server";
import type { AdminContext } from "./context.js";
import { configuredDomains } from "./domain/domains.js";
import { ProjectManager } from "./domain/project-manager.js";
import { adminHandlers } from "./handlers/admin-handlers.js";
import { migrateAdminToLatest } from "./migrations/index.js";
import { ProjectRepository } from "./repositories/project-repository.js";

/**
 * Brings admin's schema up to date and wires repositories, managers and handlers. The standalone
 * service, the sandbox and the tests all start admin through here.
 */
export async function setup(ctx: AdminContext): Promise<ServiceSetup> {
  const applied = await migrateAdminToLatest(ctx.db);
  const logger = ctx.logger.child("admin");
  if (applied.length > 0) logger.info("migrations applied", { migrations: applied });
  const domains = configuredDomains(ctx.config.domains);
  const projects = new ProjectManager({ projects: new ProjectRepository(ctx.db), domains, clock: ctx.clock, logger: logger.child("admin.projects") });
  const handlers = adminHandlers({ projects, domains });
  return {
    routes: (router) => {
      router.service(AdminService, handlers);
    },
    loops: [],
  };
}
