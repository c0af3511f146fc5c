import type { Logger } from "@skein/server";
import type { AdminContext } from "../context.js";
import { ChangeRepository } from "../repositories/change-repository.js";
import { ExecutionRepository } from "../repositories/execution-repository.js";
import { NodeExecutionRepository } from "../repositories/node-execution-repository.js";
import { SignalRepository } from "../repositories/signal-repository.js";
import { TaskExecutionRepository } from "../repositories/task-execution-repository.js";
import { createLocalChangeNotifier, type ChangeNotifier } from "./change-feed.js";
import { EventIngestion, type EventIngestionDeps } from "./event-ingestion.js";
import { EventManager } from "./event-manager.js";
import { NodeExecutionManager } from "./node-execution-manager.js";
import { SignalManager } from "./signal-manager.js";
import { TaskExecutionManager } from "./task-execution-manager.js";
import { ExecutionWatcher } from "./watch-execution.js";

/** The managers behind events, node and task executions, WatchExecution and signals. */
export interface EventManagers {
  readonly events: EventManager;
  readonly nodes: NodeExecutionManager;
  readonly tasks: TaskExecutionManager;
  readonly watcher: ExecutionWatcher;
  readonly signals: SignalManager;
  /** The watchers' wake-ups; writers of executions outside event ingestion publish here too. */
  readonly notifier: ChangeNotifier;
}

export interface EventManagerOptions {
  /** Wake-ups for watchers; in-process unless a cross-replica notifier is given. */
  readonly notifier?: ChangeNotifier;
  /** How often watchers read the change log without a wake-up. */
  readonly watchPollMs?: number;
  /** Admits executions held back by a QUEUE policy as soon as events finish others of their launch plan. */
  readonly admission?: EventIngestionDeps["admission"];
}

export function eventManagers(ctx: AdminContext, logger: Logger, options: EventManagerOptions = {}): EventManagers {
  const notifier = options.notifier ?? createLocalChangeNotifier();
  const executions = new ExecutionRepository(ctx.db);
  const nodes = new NodeExecutionRepository(ctx.db);
  const tasks = new TaskExecutionRepository(ctx.db);
  const changes = new ChangeRepository(ctx.db);
  const data = { blobs: ctx.blobs, inlineMaxBytes: ctx.config.inlineDataMaxBytes };
  const ingestion = new EventIngestion({
    db: ctx.db,
    nodes,
    tasks,
    changes,
    notifier,
    clock: ctx.clock,
    logger: logger.child("admin.events"),
    data,
    dataPlane: ctx.dispatcher,
    ...(options.admission !== undefined ? { admission: options.admission } : {}),
  });
  return {
    events: new EventManager(ingestion),
    nodes: new NodeExecutionManager({ nodes, executions, ...data }),
    tasks: new TaskExecutionManager({ tasks, nodes }),
    watcher: new ExecutionWatcher({ db: ctx.db, executions, nodes, tasks, changes, notifier, pollMs: options.watchPollMs ?? 1_000 }),
    signals: new SignalManager({ signals: new SignalRepository(ctx.db), executions, clock: ctx.clock, logger: logger.child("admin.signals") }),
    notifier,
  };
}
