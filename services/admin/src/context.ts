import type { BlobStore } from "@skein/blob";
import type { Clock, Logger } from "@skein/server";
import type { Kysely } from "kysely";
import type { AdminConfig } from "./config.js";
import type { ChangeNotifier } from "./domain/change-feed.js";
import type { ExecutionDispatcher } from "./domain/execution-dispatcher.js";
import type { AdminDatabase } from "./repositories/database.js";

/** Everything admin needs from the outside world, built by main.ts, the sandbox or a test. */
export interface AdminContext {
  readonly db: Kysely<AdminDatabase>;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly config: AdminConfig;
  /** Offloaded inputs and outputs, code bundles. */
  readonly blobs: BlobStore;
  /** Hands executions to the data plane and asks it to stop them. */
  readonly dispatcher: ExecutionDispatcher;
  /** Watchers' wake-ups across replicas (Redis when configured); in-process only when absent. */
  readonly notifier?: ChangeNotifier;
}
