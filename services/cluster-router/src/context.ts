import type { Clock, Logger } from "@skein/server";
import type { Kysely } from "kysely";
import type { RouterConfig } from "./config.js";
import type { ClusterWakeUps } from "./domain/wake-ups.js";
import type { RouterDatabase } from "./repositories/database.js";

/** Everything the router needs from the outside world, built by main.ts, the sandbox or a test. */
export interface RouterContext {
  readonly db: Kysely<RouterDatabase>;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly config: RouterConfig;
  /** Wake-ups for assignment watchers; one per process, shared by replicas living in it. */
  readonly wakeUps?: ClusterWakeUps;
}
