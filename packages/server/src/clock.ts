/** The time source every service receives in its context, so tests can control time. */
export interface Clock {
  now(): Date;
}

/** Wall-clock time. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to, for tests. */
export interface ManualClock extends Clock {
  set(time: Date): void;
  advance(ms: number): void;
}

export function createManualClock(start: Date = new Date("2025-01-01T00:00:00Z")): ManualClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set: (time) => {
      current = time.getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}
