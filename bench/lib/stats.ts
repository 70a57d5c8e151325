// Small, explicit statistics: the median and nearest-rank percentiles, and the verdict.
import type { JudgedBy, Verdict } from './types'

export function sorted(samples: readonly number[]): number[] {
  return [...samples].sort((a, b) => a - b)
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN
  const s = sorted(samples)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** Nearest-rank percentile: the smallest sample with at least p % of the samples at or below it. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const s = sorted(samples)
  const rank = Math.max(1, Math.ceil((p / 100) * s.length))
  return s[rank - 1]!
}

export const p95 = (samples: readonly number[]): number => percentile(samples, 95)

export function min(samples: readonly number[]): number {
  return samples.length === 0 ? Number.NaN : Math.min(...samples)
}

export function max(samples: readonly number[]): number {
  return samples.length === 0 ? Number.NaN : Math.max(...samples)
}

/** Lower is better: at or under the goal, at or under the budget, or over it. */
export function verdictFor(value: number, budget: number, goal: number): Verdict {
  if (!Number.isFinite(value)) return 'over'
  if (value <= goal) return 'goal'
  if (value <= budget) return 'budget'
  return 'over'
}

export function judged(samples: readonly number[], by: JudgedBy): number {
  switch (by) {
    case 'median':
      return median(samples)
    case 'p95':
      return p95(samples)
    case 'max':
      return max(samples)
    case 'value':
      return samples[0] ?? Number.NaN
    case 'every sample':
      return max(samples)
  }
}

/** A number for the report: integers stay integers, the rest get `digits` decimals. */
export function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return '—'
  return Number.isInteger(value) ? String(value) : value.toFixed(digits)
}
