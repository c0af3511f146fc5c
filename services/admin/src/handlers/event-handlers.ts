import type { ServiceImpl } from "@connectrpc/connect";
import type { WorkflowExecutionIdentifier } from "@skein/idl";
import type { AdminService } from "@skein/idl/admin/v1";
import type { ChangeNotifier } from "../domain/change-feed.js";
import type { EventManagers } from "../domain/event-managers.js";
import { executionKeyText } from "../repositories/execution-repository.js";

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
    // JSON clients (a content type such as application/connect+json) get every record built anew.
    watchExecution: (req, ctx) => m.watcher.watch(req, ctx.signal, { encodedPages: !/json/i.test(ctx.requestHeader.get("content-type") ?? "") }),
    getOrCreateSignal: (req) => m.signals.getOrCreate(req),
    listSignals: (req) => m.signals.list(req),
    setSignal: (req) => m.signals.set(req),
  };
}

type AdminImpl = Partial<ServiceImpl<typeof AdminService>>;

/**
 * Wakes the watchers of an execution as soon as an RPC outside event ingestion has changed it:
 * TerminateExecution (ABORTING, or ABORTED for a waiting execution), UpdateExecution (archive,
 * restore) and DeleteExecution (watchers end with NotFound). The change itself is in the change
 * log (a trigger records every write of an execution); without the wake-up a watcher would only see
 * it at its next poll. The wake-up goes out after the RPC succeeded, that is after its commit.
 */
export function withWatchWakeUps(handlers: AdminImpl, notifier: ChangeNotifier): AdminImpl {
  const wake = (id: WorkflowExecutionIdentifier | undefined): void => {
    if (id !== undefined) notifier.publish([executionKeyText(id)]);
  };
  const { terminateExecution: terminate, updateExecution: update, deleteExecution: remove } = handlers;
  const wrapped: AdminImpl = { ...handlers };
  if (terminate !== undefined) {
    wrapped.terminateExecution = async (req, ctx) => {
      const response = await terminate(req, ctx);
      wake(req.id);
      return response;
    };
  }
  if (update !== undefined) {
    wrapped.updateExecution = async (req, ctx) => {
      const response = await update(req, ctx);
      wake(req.id);
      return response;
    };
  }
  if (remove !== undefined) {
    wrapped.deleteExecution = async (req, ctx) => {
      const response = await remove(req, ctx);
      wake(req.id);
      return response;
    };
  }
  return wrapped;
}
