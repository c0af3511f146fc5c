import { ClusterRouterService } from "@skein/idl/router/v1";
import type { ServiceSetup } from "@skein/server";
import type { RouterContext } from "./context.js";
import { AssignmentManager } from "./domain/assignment-manager.js";
import { AssignmentWatcher } from "./domain/assignment-watcher.js";
import { ClusterManager } from "./domain/cluster-manager.js";
import { Placement } from "./domain/placement.js";
import { Rebalancer } from "./domain/rebalancer.js";
import { createLocalWakeUps } from "./domain/wake-ups.js";
import { routerHandlers } from "./handlers/router-handlers.js";
import { migrateRouterToLatest } from "./migrations/index.js";
import { AssignmentRepository } from "./repositories/assignment-repository.js";
import { AssignmentChangeRepository } from "./repositories/change-repository.js";
import { ClusterRepository } from "./repositories/cluster-repository.js";

/** The router's parts, for setup() and for tests that drive the rebalancer directly. */
export interface RouterService extends ServiceSetup {
  readonly rebalancer: Rebalancer;
}

/**
 * Brings the router's schema up to date and wires repositories, managers and handlers. The
 * standalone service, the sandbox and the tests all start the router through here.
 */
export async function setup(ctx: RouterContext): Promise<RouterService> {
  const applied = await migrateRouterToLatest(ctx.db);
  const logger = ctx.logger.child("router");
  if (applied.length > 0) logger.info("migrations applied", { migrations: applied });
  const { config, clock, db } = ctx;
  const wakeUps = ctx.wakeUps ?? createLocalWakeUps();
  const clusters = new ClusterRepository(db);
  const assignments = new AssignmentRepository(db);
  const changes = new AssignmentChangeRepository(db);
  const placement = new Placement({ assignments, defaultLabel: config.defaultExecutionLabel });
  const heartbeatTimeoutMs = config.heartbeatTimeoutMs;
  const rebalancer = new Rebalancer({
    db, clusters, assignments, changes, placement, wakeUps, clock, heartbeatTimeoutMs, changeRetentionMs: config.changeRetentionMs,
    logger: logger.child("router.rebalance"),
  });
  const handlers = routerHandlers({
    clusters: new ClusterManager({
      clusters, rebalancer, clock, heartbeatTimeoutMs, heartbeatIntervalMs: config.heartbeatIntervalMs, logger: logger.child("router.clusters"),
    }),
    assignments: new AssignmentManager({
      db, clusters, assignments, changes, placement, wakeUps, clock, heartbeatTimeoutMs, logger: logger.child("router.assignments"),
    }),
    watcher: new AssignmentWatcher({ db, clusters, assignments, changes, wakeUps, pollMs: config.watchPollMs }),
  });
  return {
    routes: (router) => {
      router.service(ClusterRouterService, handlers);
    },
    loops: [rebalancer.loop(config.rebalanceIntervalMs)],
    rebalancer,
  };
}
