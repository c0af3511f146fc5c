import type { Duration } from "@bufbuild/protobuf/wkt";
import type { RetryStrategy } from "@skein/idl";

/** More retries than this is taken for a mistake (a retry count meant as a delay, say). */
export const MAX_RETRIES = 100;

/** A protobuf duration in milliseconds (fractional). */
export function durationMs(d: Duration): number {
  return Number(d.seconds) * 1000 + d.nanos / 1e6;
}

/** What is wrong with a retry strategy; empty when it is sound. */
export function retryProblems(retry: RetryStrategy): string[] {
  const problems: string[] = [];
  if (retry.retries > MAX_RETRIES) problems.push(`retries is ${retry.retries}; at most ${MAX_RETRIES} are allowed`);
  if (retry.multiplier !== 0 && !(Number.isFinite(retry.multiplier) && retry.multiplier >= 1)) {
    problems.push(`multiplier must be 0 (constant delay) or a finite number of at least 1, not ${retry.multiplier}`);
  }
  const initial = retry.initialDelay ? durationMs(retry.initialDelay) : undefined;
  const max = retry.maxDelay ? durationMs(retry.maxDelay) : undefined;
  if (initial !== undefined && initial < 0) problems.push(`initial_delay is negative (${initial} ms)`);
  if (max !== undefined && max < 0) problems.push(`max_delay is negative (${max} ms)`);
  if (initial !== undefined && max !== undefined && max < initial) {
    problems.push(`max_delay (${max} ms) is below initial_delay (${initial} ms)`);
  }
  return problems;
}

/** What is wrong with a timeout; undefined when it is unset or sound. */
export function timeoutProblem(timeout: Duration | undefined): string | undefined {
  if (!timeout) return undefined;
  const ms = durationMs(timeout);
  return ms < 0 ? `timeout is negative (${ms} ms)` : undefined;
}
