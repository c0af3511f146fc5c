import { create } from "@bufbuild/protobuf";
import { DurationSchema, type Duration } from "@bufbuild/protobuf/wkt";

// Durations are JavaScript numbers of milliseconds (fractions carry sub-millisecond precision down
// to the nanosecond). Text forms: unit sequences ("90s", "1h30m", "500ms", "1.5h", "2d") and ISO 8601
// ("PT1H30M", "P1DT2H").

const unitMs: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const unitSequence = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d))+$/;
const unitPart = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g;
const iso = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds in `text`, or undefined when it is not a duration. A leading "-" negates. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  const negative = trimmed.startsWith("-");
  const body = negative ? trimmed.slice(1) : trimmed;
  const ms = parseUnits(body) ?? parseIso(body.toUpperCase());
  if (ms === undefined) return undefined;
  return negative ? -ms : ms;
}

function parseUnits(body: string): number | undefined {
  if (!unitSequence.test(body)) return undefined;
  let total = 0;
  for (const [, amount, unit] of body.matchAll(unitPart)) total += Number(amount) * (unitMs[unit ?? ""] ?? Number.NaN);
  return total;
}

function parseIso(body: string): number | undefined {
  const match = iso.exec(body);
  if (!match || body === "P" || body.endsWith("T")) return undefined;
  const [, weeks, days, hours, minutes, seconds] = match;
  const parts: [string | undefined, number][] = [
    [weeks, 7 * 86_400_000],
    [days, 86_400_000],
    [hours, 3_600_000],
    [minutes, 60_000],
    [seconds, 1000],
  ];
  return parts.reduce((sum, [amount, scale]) => sum + (amount === undefined ? 0 : Number(amount) * scale), 0);
}

/**
 * Milliseconds of an option written as a number of milliseconds or as duration text; throws an
 * error naming `what` when it is not a non-negative duration.
 */
export function durationOption(value: number | string, what: string): number {
  const ms = typeof value === "number" ? value : parseDuration(value);
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
    throw new Error(`${what}: expected a non-negative duration (milliseconds, or text such as "90s", "1h30m", "PT10M"), got ${JSON.stringify(value)}`);
  }
  return ms;
}

/** A protobuf Duration for `ms`, exact to the nanosecond. */
export function durationFromMillis(ms: number): Duration {
  let seconds = Math.trunc(ms / 1000);
  let nanos = Math.round((ms - seconds * 1000) * 1e6);
  if (Math.abs(nanos) >= 1e9) {
    seconds += Math.sign(nanos);
    nanos -= Math.sign(nanos) * 1e9;
  }
  return create(DurationSchema, { seconds: BigInt(seconds), nanos: nanos === 0 ? 0 : nanos });
}

/** Milliseconds of a protobuf Duration (fractional below one millisecond). */
export function millisFromDuration(duration: Duration): number {
  return Number(duration.seconds) * 1000 + duration.nanos / 1e6;
}
