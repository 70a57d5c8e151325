// What every benchmark module returns, and what it is given to run.
import type { Browser } from '@playwright/test'
import type { Kiosk } from './kiosk'

export type Verdict = 'goal' | 'budget' | 'over'

/** Which statistic a metric's verdict is judged on (product.md §7 says p95 for most timings). */
export type JudgedBy = 'median' | 'p95' | 'max' | 'value' | 'every sample'

export interface MetricResult {
  id: string
  title: string
  /** Limits, in `unit`; lower is better unless the metric says otherwise in budgetText. */
  budget: number
  goal: number
  unit: string
  samples: number[]
  median: number
  p95: number
  verdict: Verdict
  notes: string[]
  /** Optional: how the limits read in the table when a plain "≤ n unit" does not say it ("2.0 s ± 0.1"). */
  budgetText?: string
  goalText?: string
  judgedBy?: JudgedBy
  /** Optional: how the median and p95 read when a number alone would mislead ("< 16"). */
  medianText?: string
  p95Text?: string
  /** Optional: how each sample reads in the samples list (same order as samples). */
  sampleTexts?: string[]
  /** Optional: what the runs column says when it is not the number of samples ("static"). */
  runsText?: string
  /** Optional extra tables for the markdown (per-file sizes, breakdowns); rows of cells. */
  details?: { title: string; header: string[]; rows: string[][] }[]
}

export interface BenchOptions {
  /** --runs N: overrides each metric's default number of runs (taps, page loads, orders). */
  runs: number | null
  /** --qr-seconds N: how long the QR is watched for the network metrics (default 20). */
  qrSeconds: number
  strict: boolean
}

export interface BenchContext {
  options: BenchOptions
  /** The kiosk (runtime + browser host + simulator), started on first use and shared. */
  kiosk(): Promise<Kiosk>
  /** Headless Chromium, launched on first use and shared; every run opens its own context. */
  browser(): Promise<Browser>
  /** A place for measurements two metrics share (the QR watch feeds two rows). */
  shared: Map<string, Promise<unknown>>
  log(line: string): void
}

export interface Metric {
  id: string
  title: string
  /** Whether it needs the browser and the kiosk (the static ones do not). */
  live: boolean
  run(context: BenchContext): Promise<MetricResult>
}
