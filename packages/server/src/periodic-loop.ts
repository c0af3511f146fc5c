import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "./logger.js";
import type { BackgroundLoop } from "./service-setup.js";

export interface PeriodicLoopOptions {
  readonly name: string;
  /** Pause between the end of one round and the start of the next. */
  readonly intervalMs: number;
  /** One round of work. A failure is logged and the loop goes on with the next round. */
  readonly round: () => Promise<unknown>;
  /** Runs once after the last round, when the loop stops (releasing a lease, say). */
  readonly stop?: () => Promise<void>;
  readonly logger: Logger;
}

/** A background loop that runs `round` until aborted, resting `intervalMs` between rounds. */
export function periodicLoop(options: PeriodicLoopOptions): BackgroundLoop {
  return {
    name: options.name,
    async run(signal) {
      while (!signal.aborted) {
        try {
          await options.round();
        } catch (error) {
          options.logger.error("background round failed", { loop: options.name, error });
        }
        try {
          await sleep(options.intervalMs, undefined, { signal });
        } catch {
          break;
        }
      }
      await options.stop?.().catch((error: unknown) => {
        options.logger.warn("background loop did not stop cleanly", { loop: options.name, error });
      });
    },
  };
}
