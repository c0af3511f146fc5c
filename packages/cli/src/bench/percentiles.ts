/** Summary of a sample of durations in milliseconds. */
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

export function formatSummary(label: string, s: Summary, target?: number): string {
  const verdict = target === undefined ? "" : `  target ${target} ms: p50 is ${(s.p50 / target).toFixed(2)}x of target`;
  return `${label}: runs=${s.runs} p50=${s.p50.toFixed(0)}ms p90=${s.p90.toFixed(0)}ms p99=${s.p99.toFixed(0)}ms min=${s.min.toFixed(0)}ms max=${s.max.toFixed(0)}ms${verdict}`;
}
