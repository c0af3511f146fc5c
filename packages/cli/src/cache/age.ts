import { UsageError } from "../run/args.js";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(\d+(?:ms|s|m|h|d|w))+$/;
const PART = /(\d+)(ms|s|m|h|d|w)/g;

/**
 * Parses `--older-than`: one or more whole amounts with a unit, such as `30m`, `12h`, `7d` or
 * `1h30m` (units ms, s, m, h, d, w). Must be more than zero.
 */
export function parseAge(flag: string, text: string): number {
  if (!DURATION.test(text)) throw new UsageError(`${flag}: "${text}" is not a duration (e.g. 30m, 12h, 7d, 1h30m)`);
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(PART)) ms += Number(amount) * (UNIT_MS[unit ?? ""] ?? 0);
  if (ms <= 0) throw new UsageError(`${flag}: "${text}" must be longer than zero`);
  if (!Number.isSafeInteger(ms)) throw new UsageError(`${flag}: "${text}" is too long`);
  return ms;
}
