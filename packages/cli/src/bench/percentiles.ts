import type { Summary } from "@skein/testing";

export { summarize, type Summary } from "@skein/testing";

export function formatSummary(label: string, s: Summary, target?: number): string {
  const verdict = target === undefined ? "" : `  target ${target} ms: p50 is ${(s.p50 / target).toFixed(2)}x of target`;
  return `${label}: runs=${s.runs} p50=${s.p50.toFixed(0)}ms p90=${s.p90.toFixed(0)}ms p99=${s.p99.toFixed(0)}ms min=${s.min.toFixed(0)}ms max=${s.max.toFixed(0)}ms${verdict}`;
}
