// Five-field cron expressions (minute hour day-of-month month day-of-week) and the macros @hourly,
// @daily, @weekly, @monthly, @yearly: checking them, and finding the times they match in a time
// zone. Pure: the caller passes every instant in, nothing reads the clock.

const macros: Readonly<Record<string, string>> = {
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@yearly": "0 0 1 1 *",
};
const months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** The value of the first name (months count from 1, days from 0). */
  readonly nameBase?: number;
}

const fields: readonly Field[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: months, nameBase: 1 },
  { name: "day of week", min: 0, max: 7, names: days, nameBase: 0 },
];

/** A checked cron expression: the allowed values of each field. */
export interface CronSpec {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** 0 = Sunday; a 7 in the expression is folded into 0. */
  readonly daysOfWeek: ReadonlySet<number>;
  /** Classic cron: when both day fields are restricted, a day matching either one matches. */
  readonly dayOr: boolean;
}

type Parsed = { readonly spec: CronSpec } | { readonly problem: string };

function parse(expression: string): Parsed {
  const text = expression.trim();
  if (text.startsWith("@")) {
    const expanded = macros[text.toLowerCase()];
    if (expanded === undefined) return { problem: `unknown macro ${text} (use ${Object.keys(macros).join(", ")})` };
    return parse(expanded);
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 5) return { problem: `expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}` };
  const sets: Set<number>[] = [];
  for (const [i, part] of parts.entries()) {
    const field = fields[i] as Field;
    const values = new Set<number>();
    for (const item of part.split(",")) {
      const problem = addItem(item, field, values);
      if (problem !== undefined) return { problem: `${field.name} "${part}": ${problem}` };
    }
    sets.push(values);
  }
  const [minutes, hours, daysOfMonth, monthSet, weekDays] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (weekDays.delete(7)) weekDays.add(0);
  const dayOr = parts[2] !== "*" && parts[4] !== "*";
  return { spec: { minutes, hours, daysOfMonth, months: monthSet, daysOfWeek: weekDays, dayOr } };
}

function addItem(item: string, field: Field, into: Set<number>): string | undefined {
  const [range = "", stepText, extra] = item.split("/");
  if (extra !== undefined) return `"${item}" has more than one "/"`;
  if (stepText !== undefined && !/^[1-9]\d*$/.test(stepText)) return `step "${stepText}" is not a positive whole number`;
  const step = stepText === undefined ? 1 : Number(stepText);
  let from = field.min;
  let to = field.max;
  if (range !== "*") {
    const [low = "", high, more] = range.split("-");
    if (more !== undefined) return `"${range}" is not a value or a range`;
    const first = fieldValue(low, field);
    if (first === undefined) return `"${low}" is not a value from ${field.min} to ${field.max}`;
    from = first;
    // "5/15" means from 5 to the end, every 15; a plain "5" is just 5.
    to = stepText === undefined ? first : field.max;
    if (high !== undefined) {
      const last = fieldValue(high, field);
      if (last === undefined) return `"${high}" is not a value from ${field.min} to ${field.max}`;
      if (first > last) return `range ${range} runs backwards`;
      to = last;
    }
  }
  for (let v = from; v <= to; v += step) into.add(v);
  return undefined;
}

function fieldValue(text: string, field: Field): number | undefined {
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (index >= 0) return index + (field.nameBase ?? 0);
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= field.min && n <= field.max ? n : undefined;
}

/** What is wrong with a cron expression, or undefined when it is valid. */
export function cronProblem(expression: string): string | undefined {
  const parsed = parse(expression);
  return "problem" in parsed ? parsed.problem : undefined;
}

/** The expression's allowed values; throws with the problem when it is not valid. */
export function parseCron(expression: string): CronSpec {
  const parsed = parse(expression);
  if ("problem" in parsed) throw new RangeError(`cron expression "${expression}": ${parsed.problem}`);
  return parsed.spec;
}

/** Whether `timeZone` is an IANA zone this runtime knows (empty means UTC and is valid). */
export function isKnownTimeZone(timeZone: string): boolean {
  if (timeZone === "") return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  readonly month: number;
  readonly day: number;
  readonly weekday: number;
  readonly hour: number;
  readonly minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(instant: number, timeZone: string): WallClock {
  const zone = timeZone === "" ? "UTC" : timeZone;
  let format = formatters.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", month: "numeric", day: "numeric", weekday: "short", hour: "numeric", minute: "numeric",
    });
    formatters.set(zone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(instant)) parts[part.type] = part.value;
  return {
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: days.indexOf((parts.weekday ?? "").toUpperCase()),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

function dayMatches(spec: CronSpec, clock: WallClock): boolean {
  if (!spec.months.has(clock.month)) return false;
  const byDate = spec.daysOfMonth.has(clock.day);
  const byWeekday = spec.daysOfWeek.has(clock.weekday);
  return spec.dayOr ? byDate || byWeekday : byDate && byWeekday;
}

const minuteMs = 60_000;
// No five-field expression skips more than a leap cycle of days (Feb 29 on a given weekday recurs within 28 years).
const searchLimitMs = 29 * 366 * 24 * 60 * minuteMs;

/**
 * The first instant strictly after `after` at which the expression matches, read in `timeZone`
 * (IANA; empty = UTC); undefined if none within the search horizon (e.g. "0 0 30 2 *").
 * Walks whole UTC minutes, skipping ahead where the day or hour cannot match, so a wall-clock
 * time that a DST change skips never fires and one it repeats fires at each of its instants.
 */
export function nextCronTime(spec: CronSpec, after: Date, timeZone = ""): Date | undefined {
  let t = Math.floor(after.getTime() / minuteMs) * minuteMs + minuteMs;
  const limit = t + searchLimitMs;
  while (t < limit) {
    const clock = wallClock(t, timeZone);
    if (!dayMatches(spec, clock)) {
      // Jump to about 23:00 of the same local day; the hour step below crosses midnight, so a
      // day lengthened or shortened by a DST change is never skipped past.
      t += Math.max(60 - clock.minute, (23 - clock.hour) * 60 - clock.minute) * minuteMs;
      continue;
    }
    if (!spec.hours.has(clock.hour)) {
      t += (60 - clock.minute) * minuteMs;
      continue;
    }
    if (spec.minutes.has(clock.minute)) return new Date(t);
    t += minuteMs;
  }
  return undefined;
}
