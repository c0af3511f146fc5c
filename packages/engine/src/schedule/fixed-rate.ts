// Fixed-rate schedules fire at start + k × interval for k = 1, 2, ...: the first firing comes one
// interval after the schedule started (its launch plan was activated), never at the start itself.

/** The first firing strictly after `after` of a schedule that started at `start`. */
export function nextFixedRateTime(start: Date, intervalMs: number, after: Date): Date {
  if (!Number.isSafeInteger(intervalMs) || intervalMs <= 0) throw new RangeError(`fixed-rate interval must be a positive whole number of ms, got ${intervalMs}`);
  const elapsed = after.getTime() - start.getTime();
  const k = elapsed < 0 ? 1 : Math.floor(elapsed / intervalMs) + 1;
  return new Date(start.getTime() + k * intervalMs);
}
