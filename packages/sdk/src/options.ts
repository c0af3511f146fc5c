import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Duration } from "@bufbuild/protobuf/wkt";
import { ResourceName, type ResourcesSchema, type RetryStrategySchema } from "@skein/idl";
import { DefinitionError } from "./definition-error.js";
import { durationFromMillis, durationOption } from "./types/duration.js";

// Options shared by tasks and per-node overrides, checked and turned into their messages. Every
// error names the option (`task "train": retries.backoff.multiplier`) and what is wrong.

/** A duration: milliseconds, or text such as "90s", "10m", "1h30m", "PT2H". */
export type DurationInput = number | string;

/**
 * How often a failed attempt is retried: a count, or a count with exponential backoff. Every
 * error a task throws is retryable except NonRetryableError.
 */
export type RetryOption =
  | number
  | {
      readonly count: number;
      readonly backoff?: { readonly initialDelay: DurationInput; readonly multiplier?: number; readonly maxDelay?: DurationInput };
    };

/** Resources requested (and limited to): CPU cores ("500m", 2), memory ("4Gi"), GPUs (1). */
export interface ResourceOption {
  readonly cpu?: string | number;
  readonly memory?: string;
  readonly gpu?: string | number;
}

export const MAX_RETRIES = 100;

function fail(what: string, problem: string): never {
  throw new DefinitionError(`${what}: ${problem}`);
}

/** A timeout as a Duration; `what` names the option in errors. */
export function timeoutOption(value: DurationInput, what: string): Duration {
  try {
    return durationFromMillis(durationOption(value, what));
  } catch (error) {
    throw new DefinitionError((error as Error).message);
  }
}

export function retryOption(option: RetryOption, what: string): MessageInitShape<typeof RetryStrategySchema> {
  const count = typeof option === "number" ? option : option.count;
  if (!Number.isInteger(count) || count < 0 || count > MAX_RETRIES) {
    fail(typeof option === "number" ? what : `${what}.count`, `expected a whole number from 0 to ${MAX_RETRIES}, got ${JSON.stringify(count)}`);
  }
  if (typeof option === "number" || option.backoff === undefined) return { retries: count };
  const backoff = option.backoff;
  const initialMs = millis(backoff.initialDelay, `${what}.backoff.initialDelay`);
  const multiplier = backoff.multiplier ?? 0;
  if (backoff.multiplier !== undefined && !(Number.isFinite(multiplier) && multiplier >= 1)) {
    fail(`${what}.backoff.multiplier`, `expected a finite number of at least 1, got ${JSON.stringify(backoff.multiplier)}`);
  }
  const strategy: MessageInitShape<typeof RetryStrategySchema> = { retries: count, initialDelay: durationFromMillis(initialMs), multiplier };
  if (backoff.maxDelay !== undefined) {
    const maxMs = millis(backoff.maxDelay, `${what}.backoff.maxDelay`);
    if (maxMs < initialMs) fail(`${what}.backoff.maxDelay`, `${maxMs} ms is below initialDelay (${initialMs} ms)`);
    strategy.maxDelay = durationFromMillis(maxMs);
  }
  return strategy;
}

function millis(value: DurationInput, what: string): number {
  try {
    return durationOption(value, what);
  } catch (error) {
    throw new DefinitionError((error as Error).message);
  }
}

const quantity = /^([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$/;
const resourceNames = { cpu: ResourceName.CPU, memory: ResourceName.MEMORY, gpu: ResourceName.GPU } as const;

/** Requests and limits (equal) for the given resources. */
export function resourceOption(option: ResourceOption, what: string): MessageInitShape<typeof ResourcesSchema> {
  const entries: { name: ResourceName; value: string }[] = [];
  for (const [key, raw] of Object.entries(option)) {
    if (raw === undefined) continue;
    const name = resourceNames[key as keyof typeof resourceNames] as ResourceName | undefined;
    if (name === undefined) fail(`${what}.${key}`, "unknown resource: use cpu, memory or gpu");
    const value = String(raw);
    if (!quantity.test(value)) fail(`${what}.${key}`, `${JSON.stringify(raw)} is not a quantity such as "500m", "2", "4Gi"`);
    entries.push({ name, value });
  }
  return { requests: entries, limits: entries };
}
