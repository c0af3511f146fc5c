import type { ServiceSetup } from "@skein/server";
import { CatalogCache } from "./cache/catalog-cache.js";
import type { PropellerContext } from "./context.js";
import { AssignmentFollower } from "./domain/assignment-follower.js";
import { AttemptRunner, Slots } from "./domain/attempt-runner.js";
import { OutboxSender } from "./domain/outbox-sender.js";
import { Propeller } from "./domain/propeller.js";
import { migratePropellerToLatest } from "./migrations/index.js";
import { ExecutionStore } from "./repositories/execution-store.js";

/** The replica's parts, for setup() and for tests that look inside. */
export interface PropellerService extends ServiceSetup {
  readonly propeller: Propeller;
  readonly outbox: OutboxSender;
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
  const outbox = new OutboxSender({
    cluster: config.clusterId,
    db: ctx.db,
    store,
    admin: ctx.admin,
    logger: logger.child("propeller.outbox"),
    onDisowned: (key) => disowned.propeller?.halt(key, "revoke"),
    idleMs: 1000,
  });
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
