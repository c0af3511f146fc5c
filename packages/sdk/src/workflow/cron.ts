// Validation of five-field cron expressions (minute hour day-of-month month day-of-week) and the
// macros @hourly, @daily, @weekly, @monthly, @yearly, as the scheduler accepts them.

const macros = new Set(["@hourly", "@daily", "@weekly", "@monthly", "@yearly"]);
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

/** What is wrong with a cron expression, or undefined when it is valid. */
export function cronProblem(expression: string): string | undefined {
  const text = expression.trim();
  if (text.startsWith("@")) return macros.has(text.toLowerCase()) ? undefined : `unknown macro ${text} (use ${[...macros].join(", ")})`;
  const parts = text.split(/\s+/);
  if (parts.length !== 5) return `expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`;
  for (const [i, part] of parts.entries()) {
    const field = fields[i];
    if (!field) continue;
    for (const item of part.split(",")) {
      const problem = itemProblem(item, field);
      if (problem) return `${field.name} "${part}": ${problem}`;
    }
  }
  return undefined;
}

function itemProblem(item: string, field: Field): string | undefined {
  const [range = "", step, extra] = item.split("/");
  if (extra !== undefined) return `"${item}" has more than one "/"`;
  if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `step "${step}" is not a positive whole number`;
  if (range === "*") return undefined;
  const [low = "", high, more] = range.split("-");
  if (more !== undefined) return `"${range}" is not a value or a range`;
  const from = value(low, field);
  if (from === undefined) return `"${low}" is not a value from ${field.min} to ${field.max}`;
  if (high === undefined) return undefined;
  const to = value(high, field);
  if (to === undefined) return `"${high}" is not a value from ${field.min} to ${field.max}`;
  return from > to ? `range ${range} runs backwards` : undefined;
}

function value(text: string, field: Field): number | undefined {
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (index >= 0) return index + (field.nameBase ?? 0);
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= field.min && n <= field.max ? n : undefined;
}
