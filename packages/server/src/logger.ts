import type { Clock } from "./clock.js";
import { systemClock } from "./clock.js";

export type LogLevel = "debug" | "info" | "warn" | "error";

/** Structured fields attached to a log line, e.g. `{ projectId: "demo" }`. */
export type LogFields = Readonly<Record<string, unknown>>;

/** One structured log line as handed to a {@link LogSink}. */
export interface LogRecord {
  readonly time: Date;
  readonly level: LogLevel;
  readonly component: string;
  readonly msg: string;
  readonly fields: LogFields;
}

/** Where log lines go; the default writes one JSON object per line to stderr. */
export type LogSink = (record: LogRecord) => void;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger for a sub-component (`admin.projects`) that adds `fields` to every line. */
  child(component: string, fields?: LogFields): Logger;
}

export interface LoggerOptions {
  readonly component: string;
  /** Least severe level written; defaults to `info`. */
  readonly level?: LogLevel;
  readonly sink?: LogSink;
  readonly clock?: Clock;
}

const severity: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// Errors do not serialize to JSON on their own; keep what an operator needs, including causes.
function plain(value: unknown, depth = 0): unknown {
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: value.message, stack: value.stack };
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out.code = code;
    if (value.cause !== undefined && depth < 5) out.cause = plain(value.cause, depth + 1);
    return out;
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}

/** Writes each record as one JSON line to stderr. */
export const jsonLineSink: LogSink = (record) => {
  const fields = Object.fromEntries(Object.entries(record.fields).map(([k, v]) => [k, plain(v)]));
  const line = { time: record.time.toISOString(), level: record.level, component: record.component, msg: record.msg, ...fields };
  process.stderr.write(`${JSON.stringify(line, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}\n`);
};

/** Creates a structured logger; every line carries `component` and the fields given to `child`. */
export function createLogger(options: LoggerOptions): Logger {
  const threshold = severity[options.level ?? "info"];
  const sink = options.sink ?? jsonLineSink;
  const clock = options.clock ?? systemClock;
  const make = (component: string, base: LogFields): Logger => {
    const write = (level: LogLevel) => (msg: string, fields?: LogFields) => {
      if (severity[level] < threshold) return;
      sink({ time: clock.now(), level, component, msg, fields: fields ? { ...base, ...fields } : base });
    };
    return {
      debug: write("debug"),
      info: write("info"),
      warn: write("warn"),
      error: write("error"),
      child: (sub, fields) => make(sub, { ...base, ...fields }),
    };
  };
  return make(options.component, {});
}

/** A sink that keeps records in memory, for tests that assert on logging. */
export function createMemorySink(): LogSink & { readonly records: LogRecord[] } {
  const records: LogRecord[] = [];
  const sink = (record: LogRecord) => {
    records.push(record);
  };
  return Object.assign(sink, { records });
}
