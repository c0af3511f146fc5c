import type { Domain } from "@skein/idl/admin/v1";
import { periodicLoop, type BackgroundLoop, type Logger } from "@skein/server";
import type { AdminContext } from "../context.js";
import { ExecutionRepository } from "../repositories/execution-repository.js";
import { LaunchPlanRepository } from "../repositories/launch-plan-repository.js";
import type { ProjectRepository } from "../repositories/project-repository.js";
import { TaskRepository } from "../repositories/task-repository.js";
import { ExecutionCreator } from "./execution-creator.js";
import { ExecutionManager } from "./execution-manager.js";
import { VersionDeletion } from "./version-deletion.js";

export interface ExecutionManagers {
  readonly executions: ExecutionManager;
  readonly creator: ExecutionCreator;
  readonly versions: VersionDeletion;
  /** Admits executions held back by QUEUE concurrency policies as slots free up. */
  readonly admissionLoop: BackgroundLoop;
}

/** How often the admission loop looks for executions waiting for a concurrency slot. */
const ADMISSION_INTERVAL_MS = 2000;

/** Builds the execution managers over one set of repositories. */
export function executionManagers(ctx: AdminContext, projects: ProjectRepository, domains: readonly Domain[], logger: Logger): ExecutionManagers {
  const executions = new ExecutionRepository(ctx.db);
  const creator = new ExecutionCreator({
    db: ctx.db,
    executions,
    launchPlans: new LaunchPlanRepository(ctx.db),
    tasks: new TaskRepository(ctx.db),
    projects,
    domains,
    blobs: ctx.blobs,
    dispatcher: ctx.dispatcher,
    clock: ctx.clock,
    logger: logger.child("admin.executions"),
    inlineMaxBytes: ctx.config.inlineDataMaxBytes,
    defaultMaxParallelism: ctx.config.maxParallelism,
  });
  const manager = new ExecutionManager({
    db: ctx.db,
    executions,
    creator,
    blobs: ctx.blobs,
    dispatcher: ctx.dispatcher,
    clock: ctx.clock,
    logger: logger.child("admin.executions"),
    inlineMaxBytes: ctx.config.inlineDataMaxBytes,
  });
  const admissionLoop = periodicLoop({
    name: "execution-admission",
    intervalMs: ADMISSION_INTERVAL_MS,
    round: async () => {
      for (const name of await executions.namesWithWaiting()) await creator.promoteWaiting(name);
    },
    logger: logger.child("admin.admission"),
  });
  return { executions: manager, creator, versions: new VersionDeletion({ db: ctx.db, executions, logger: logger.child("admin.versions") }), admissionLoop };
}
