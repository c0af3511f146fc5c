import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "@skein/idl/admin/v1";
import type { EventManagers } from "../domain/event-managers.js";

/** Events, node and task executions, WatchExecution and signals, one line each. */
export function eventHandlers(m: EventManagers): Partial<ServiceImpl<typeof AdminService>> {
  return {
    createWorkflowEvent: (req) => m.events.createWorkflowEvent(req),
    createNodeEvent: (req) => m.events.createNodeEvent(req),
    createTaskEvent: (req) => m.events.createTaskEvent(req),
    createEvents: (req) => m.events.createEvents(req),
    getNodeExecution: (req) => m.nodes.get(req),
    listNodeExecutions: (req) => m.nodes.list(req),
    getNodeExecutionData: (req) => m.nodes.getData(req),
    listTaskExecutions: (req) => m.tasks.list(req),
    getTaskExecution: (req) => m.tasks.get(req),
    watchExecution: (req, ctx) => m.watcher.watch(req, ctx.signal),
    getOrCreateSignal: (req) => m.signals.getOrCreate(req),
    listSignals: (req) => m.signals.list(req),
    setSignal: (req) => m.signals.set(req),
  };
}
