import type { ServiceImpl } from "@connectrpc/connect";
import type { ClusterRouterService } from "@skein/idl/router/v1";
import type { AssignmentManager } from "../domain/assignment-manager.js";
import type { AssignmentWatcher } from "../domain/assignment-watcher.js";
import type { ClusterManager } from "../domain/cluster-manager.js";

export interface RouterManagers {
  readonly clusters: ClusterManager;
  readonly assignments: AssignmentManager;
  readonly watcher: AssignmentWatcher;
}

/** Every RPC of ClusterRouterService, one line each; the type makes leaving one out a compile error. */
export function routerHandlers(m: RouterManagers): ServiceImpl<typeof ClusterRouterService> {
  return {
    registerCluster: (req) => m.clusters.register(req),
    heartbeat: (req) => m.clusters.heartbeat(req),
    listClusters: (req) => m.clusters.list(req),
    drainCluster: (req) => m.clusters.drain(req),
    undrainCluster: (req) => m.clusters.undrain(req),
    assign: (req) => m.assignments.assign(req),
    getAssignment: (req) => m.assignments.get(req),
    releaseAssignment: (req) => m.assignments.release(req),
    terminateAssignment: (req) => m.assignments.terminate(req),
    watchAssignments: (req, ctx) => m.watcher.watch(req, ctx.signal),
  };
}
