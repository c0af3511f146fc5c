import type { Duration } from "@bufbuild/protobuf/wkt";
import type { Node, RetryStrategy, TaskTemplate } from "@skein/idl";

// How a task node runs: its retry budget and backoff, its per-attempt timeout, its caching. Node
// metadata overrides the task's metadata field by field.

/** Milliseconds in a duration; 0 when unset. */
export function durationMs(d: Duration | undefined): number {
  if (!d) return 0;
  return Number(d.seconds) * 1000 + Math.floor(d.nanos / 1e6);
}

/** Retries for user errors and the delay before each retry. */
export interface RetryPolicy {
  /** Attempts allowed for user errors: retries + 1. */
  readonly userAttempts: number;
  readonly initialDelayMs: number;
  /** Growth factor of the delay between retries (at least 1). */
  readonly multiplier: number;
  /** Upper bound of the delay; 0 = none. */
  readonly maxDelayMs: number;
}

export function retryPolicy(node: Node, task: TaskTemplate | undefined): RetryPolicy {
  const strategy: RetryStrategy | undefined = node.metadata?.retries ?? task?.metadata?.retries;
  return {
    userAttempts: (strategy?.retries ?? 0) + 1,
    initialDelayMs: durationMs(strategy?.initialDelay),
    multiplier: strategy && strategy.multiplier > 0 ? strategy.multiplier : 1,
    maxDelayMs: durationMs(strategy?.maxDelay),
  };
}

/** Delay before retry number `n` (1 for the first retry): initial × multiplier^(n-1), capped. */
export function retryDelayMs(policy: RetryPolicy, n: number): number {
  if (policy.initialDelayMs <= 0) return 0;
  const raw = policy.initialDelayMs * policy.multiplier ** Math.max(0, n - 1);
  const capped = policy.maxDelayMs > 0 ? Math.min(raw, policy.maxDelayMs) : raw;
  return Math.min(Math.round(capped), Number.MAX_SAFE_INTEGER);
}

/** Per-attempt timeout in ms; 0 = none. */
export function attemptTimeoutMs(node: Node, task: TaskTemplate | undefined): number {
  const own = durationMs(node.metadata?.timeout);
  return own > 0 ? own : durationMs(task?.metadata?.timeout);
}

/** Whether outputs are looked up in and written to the cache, and under which version. */
export interface CacheSettings {
  readonly enabled: boolean;
  /** Look up before running (false when overwriting: the result is still written). */
  readonly lookup: boolean;
  readonly version: string;
}

export function cacheSettings(node: Node, task: TaskTemplate | undefined, overwrite: boolean): CacheSettings {
  const meta = node.metadata;
  const enabled = meta?.cacheableValue.case === "cacheable" ? meta.cacheableValue.value : (task?.metadata?.discoverable ?? false);
  const version = meta?.cacheVersionValue.case === "cacheVersion" ? meta.cacheVersionValue.value : (task?.metadata?.discoveryVersion ?? "");
  return { enabled, lookup: enabled && !overwrite, version };
}
