import type { BackgroundLoop, ServiceSetup } from "@skein/server";
import { CatalogCache } from "./cache/catalog-cache.js";
import type { PropellerContext } from "./context.js";
import { AssignmentFollower } from "./domain/assignment-follower.js";
import { AttemptRunner, Slots } from "./domain/attempt-runner.js";
import { OutboxSender } from "./domain/outbox-sender.js";
import { OutboxThread } from "./domain/outbox-thread.js";
import { Propeller } from "./domain/propeller.js";
import { migratePropellerToLatest } from "./migrations/index.js";
import { ExecutionStore, type ExecutionKey } from "./repositories/execution-store.js";

/** What sends the outbox to admin: on this thread, or on one of its own. */
export interface Outbox {
  wake(): void;
  loop(): BackgroundLoop;
}

/** The replica's parts, for setup() and for tests that look inside. */
export interface PropellerService extends ServiceSetup {
  readonly propeller: Propeller;
  readonly outbox: Outbox;
}

/**
 * Brings propeller's schema up to date and wires the replica: the assignment stream, the claimer
 * and its drivers, the outbox sender and the heartbeat. Propeller serves no routes of its own;
 * it dials out to the router, admin and datacatalog.
 */
export async function setup(ctx: PropellerContext): Promise<PropellerService> {
  const applied = await migratePropellerToLatest(ctx.db);
  const { config } = ctx;
  const logger = ctx.logger.child("propeller");
  if (applied.length > 0) logger.info("migrations applied", { migrations: applied });
  const store = new ExecutionStore(ctx.db);
  const disowned: { propeller?: Propeller } = {};
  const onDisowned = (key: ExecutionKey) => disowned.propeller?.halt(key, "revoke");
  // With PostgreSQL the outbox has a thread of its own, so that admin hears of steps while the
  // engine is busy; the embedded database lives in this thread, and so does its sender.
  const outbox: Outbox =
    config.databaseUrl !== undefined && config.outboxThread
      ? new OutboxThread({ cluster: config.clusterId, databaseUrl: config.databaseUrl, adminEndpoint: config.adminEndpoint, logLevel: config.logLevel, idleMs: 1000, logger: logger.child("propeller.outbox"), onDisowned })
      : new OutboxSender({ cluster: config.clusterId, db: ctx.db, store, admin: ctx.admin, logger: logger.child("propeller.outbox"), onDisowned, idleMs: 1000 });
  if (outbox instanceof OutboxThread) await outbox.started;
  const wakeOutbox = () => { outbox.wake(); };
  const attempts = new AttemptRunner({
    plugins: ctx.plugins,
    store,
    slots: new Slots(config.workers),
    pollMs: Math.min(config.pollMs, 50),
    wakeOutbox,
    quotas: ctx.quotas,
    quotaRetryMs: config.pollMs,
    quotaRenewMs: Math.floor(config.quotaLeaseMs / 4),
    logger: logger.child("propeller.attempts"),
  });
  const cache = ctx.datacatalog === undefined ? undefined : new CatalogCache({ client: ctx.datacatalog, ownerId: `${config.clusterId}:${process.pid}`, reservationHeartbeatMs: config.cacheReservationHeartbeatMs, logger: logger.child("propeller.cache") });
  const propeller = new Propeller({
    cluster: config.clusterId,
    region: config.region,
    labels: config.labels,
    capacity: config.capacity,
    weight: config.weight,
    store,
    router: ctx.router,
    logger,
    driver: { cluster: config.clusterId, store, admin: ctx.admin, attempts, ...(cache !== undefined ? { cache } : {}), wakeOutbox, pollMs: config.pollMs, maxBatch: config.maxBatch, defaultArrayParallelism: config.defaultArrayParallelism },
    leaseTtlMs: config.leaseTtlMs,
    claimIntervalMs: config.claimIntervalMs,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
  });
  disowned.propeller = propeller;
  const follower = new AssignmentFollower({ cluster: config.clusterId, router: ctx.router, store, listener: propeller, registered: propeller.registered, logger: logger.child("propeller.assignments") });
  return {
    routes: () => undefined,
    loops: [follower.loop(), ...propeller.loops(), outbox.loop()],
    propeller,
    outbox,
  };
}
