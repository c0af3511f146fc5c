import { Code, ConnectError } from "@connectrpc/connect";
import type { Schedule } from "@skein/idl/admin/v1";
import { periodicLoop, type BackgroundLoop, type Clock, type Logger } from "@skein/server";
import type { LeaseRepository } from "../repositories/lease-repository.js";
import type { LaunchPlanVersionKey, ScheduleCursorRepository } from "../repositories/schedule-cursor-repository.js";
import { versionKeyText } from "../repositories/version-key.js";
import { dueFirings, scheduledExecutionName } from "./schedule-firings.js";

/** An active launch plan version with a schedule, as the scheduler needs it. */
export interface ScheduledPlan {
  readonly key: LaunchPlanVersionKey;
  readonly schedule: Schedule;
  /** When this version became the active one: fixed rates count from here, catch-up starts here. */
  readonly activatedAt: Date;
}

/** What became of one firing. */
export type FiringOutcome = "created" | "existing" | "skipped";

export interface SchedulerDeps {
  /** Every active, scheduled launch plan version. */
  readonly plans: () => Promise<readonly ScheduledPlan[]>;
  /**
   * Creates the execution of one firing under `name` (mode SCHEDULED, scheduled at `firing`);
   * "existing" when an execution of that name already exists, "skipped" when the launch plan's
   * concurrency policy refused it.
   */
  readonly launch: (plan: ScheduledPlan, firing: Date, name: string) => Promise<FiringOutcome>;
  readonly cursors: ScheduleCursorRepository;
  readonly leases: LeaseRepository;
  readonly clock: Clock;
  readonly logger: Logger;
  /** This replica's name in the lease table. */
  readonly instanceId: string;
  readonly tickMs: number;
  /** How long the lease lasts without renewal; a few ticks, so a dead leader is replaced quickly. */
  readonly leaseMs: number;
  /** At most this many firings per launch plan per tick; catch-up continues on the next tick. */
  readonly maxFiringsPerTick: number;
}

/** What one tick did, for tests and logs. */
export interface TickReport {
  readonly leader: boolean;
  readonly fired: number;
}

const leaseName = "scheduler";

// A refusal that will not change by retrying: the firing is recorded as failed and passed over.
const permanentCodes = new Set([Code.InvalidArgument, Code.NotFound, Code.FailedPrecondition, Code.AlreadyExists]);

/**
 * Fires launch plan schedules. Every replica runs the loop; the one holding the "scheduler" lease
 * fires. Each firing's execution name is derived from the plan and the time, and the cursor moves
 * only after the execution exists, so a crash, a lost lease or two leaders at once can repeat a
 * CreateExecution call but never launch a firing twice. After downtime, missed firings are
 * launched in order (catch-up).
 */
export class Scheduler {
  constructor(private readonly deps: SchedulerDeps) {}

  /** One round: take or renew the lease, then launch every firing that is due. */
  async tick(): Promise<TickReport> {
    const { clock, leases, cursors, logger } = this.deps;
    const now = clock.now();
    const leaseUntil = new Date(now.getTime() + this.deps.leaseMs);
    if (!(await leases.acquire(leaseName, this.deps.instanceId, now, leaseUntil))) return { leader: false, fired: 0 };
    let fired = 0;
    for (const plan of await this.deps.plans()) {
      // Firings before the activation belong to an earlier active period and are never owed.
      const cursor = await cursors.get(plan.key);
      const after = cursor !== undefined && cursor > plan.activatedAt ? cursor : plan.activatedAt;
      for (const firing of dueFirings(plan.schedule, plan.activatedAt, after, now, this.deps.maxFiringsPerTick)) {
        // Past the lease, another replica may be firing too; names keep that safe, but stop early.
        if (clock.now() >= leaseUntil) return { leader: true, fired };
        const name = scheduledExecutionName(plan.key, firing);
        try {
          const outcome = await this.deps.launch(plan, firing, name);
          if (outcome === "created") fired++;
          logger.info("schedule fired", { launchPlan: versionKeyText(plan.key), firing: firing.toISOString(), execution: name, outcome });
        } catch (error) {
          const code = error instanceof ConnectError ? error.code : Code.Unknown;
          if (!permanentCodes.has(code)) throw error;
          logger.warn("schedule firing refused", { launchPlan: versionKeyText(plan.key), firing: firing.toISOString(), execution: name, error });
        }
        await cursors.advance(plan.key, firing);
      }
    }
    return { leader: true, fired };
  }

  /** Ticks until stopped, then gives the lease up so another replica takes over at once. */
  loop(): BackgroundLoop {
    return periodicLoop({
      name: "scheduler",
      intervalMs: this.deps.tickMs,
      round: () => this.tick(),
      stop: () => this.deps.leases.release(leaseName, this.deps.instanceId),
      logger: this.deps.logger,
    });
  }
}
