/** Summary of a sample of durations in milliseconds, for benchmarks. */
export interface Summary {
  readonly runs: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
}

/** Nearest-rank percentiles of `samples` (ms). */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error("no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
  return { runs: sorted.length, p50: rank(50), p90: rank(90), p99: rank(99), min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN };
}
