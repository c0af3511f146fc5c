import { AdminService } from "@skein/idl/admin/v1";
import type { ServiceSetup } from "@skein/server";
import type { AdminContext } from "./context.js";
import { CodeBundleManager } from "./domain/code-bundle-manager.js";
import { consoleSite } from "./console/console-site.js";
import { fileRoutes, withFileRoutes } from "./console/file-routes.js";
import { configuredDomains } from "./domain/domains.js";
import { eventManagers } from "./domain/event-managers.js";
import { FileAccess } from "./domain/file-access.js";
import { ProjectManager } from "./domain/project-manager.js";
import { executionManagers } from "./domain/execution-managers.js";
import { registrationManagers } from "./domain/registration-managers.js";
import { createScheduler } from "./domain/scheduler-setup.js";
import { TaskManager } from "./domain/task-manager.js";
import { adminHandlers } from "./handlers/admin-handlers.js";
import { withWatchWakeUps } from "./handlers/event-handlers.js";
import { migrateAdminToLatest } from "./migrations/index.js";
import { ExecutionRepository } from "./repositories/execution-repository.js";
import { NodeExecutionRepository } from "./repositories/node-execution-repository.js";
import { ProjectRepository } from "./repositories/project-repository.js";
import { TaskExecutionRepository } from "./repositories/task-execution-repository.js";
import { TaskRepository } from "./repositories/task-repository.js";

/**
 * Brings admin's schema up to date and wires repositories, managers and handlers. The standalone
 * service, the sandbox and the tests all start admin through here.
 */
export async function setup(ctx: AdminContext): Promise<ServiceSetup> {
  const applied = await migrateAdminToLatest(ctx.db);
  const logger = ctx.logger.child("admin");
  if (applied.length > 0) logger.info("migrations applied", { migrations: applied });
  const domains = configuredDomains(ctx.config.domains);
  const projectRepository = new ProjectRepository(ctx.db);
  const projects = new ProjectManager({ projects: projectRepository, domains, clock: ctx.clock, logger: logger.child("admin.projects") });
  const tasks = new TaskManager({
    tasks: new TaskRepository(ctx.db), projects: projectRepository, domains, clock: ctx.clock, logger: logger.child("admin.tasks"),
  });
  const codeBundles = new CodeBundleManager({ blobs: ctx.blobs, projects: projectRepository, domains, logger: logger.child("admin.code-bundles") });
  const registration = registrationManagers(ctx, projectRepository, domains, logger);
  const executions = executionManagers(ctx, projectRepository, domains, logger);
  const events = eventManagers(ctx, logger, {
    admission: executions.creator, watchPollMs: ctx.config.watchPollMs, ...(ctx.notifier !== undefined ? { notifier: ctx.notifier } : {}),
  });
  // Terminate, archive and delete change executions outside event ingestion: wake their watchers too.
  const handlers = withWatchWakeUps(adminHandlers({ projects, tasks, domains, codeBundles, registration, events, executions }), events.notifier);
  const scheduler = createScheduler(ctx, executions.creator, logger.child("admin.scheduler"));
  const files = new FileAccess({
    executions: new ExecutionRepository(ctx.db), nodes: new NodeExecutionRepository(ctx.db), tasks: new TaskExecutionRepository(ctx.db),
    blobs: ctx.blobs, localFileRoots: ctx.config.localFileRoots,
  });
  return {
    routes: (router) => {
      router.service(AdminService, handlers);
    },
    loops: [executions.admissionLoop, scheduler.loop()],
    http: withFileRoutes(fileRoutes(files, logger.child("admin.files")), consoleSite(ctx.config.consoleDir, logger.child("admin.console"))),
  };
}
