// Network calls per second while the QR shows: every request the simulator's RP API received
// while one order's QR stayed on screen (nobody scanning it), over --qr-seconds of real time.
import { fmt, verdictFor } from '../lib/stats'
import { watchQr } from '../lib/qr-watch'
import type { Metric, MetricResult } from '../lib/types'

const BUDGET_PER_S = 0.5
/** The collect interval may be 2.0 s ± 0.1 (§7), so a steady rate up to 1/1.9 s is still "0.5 per second". */
const TOLERANCE_PER_S = 1 / 1.9

/** The simulator refuses to let an unscanned QR order live longer than this (BankID: 30 s). */
const START_WINDOW_S = 30

export const qrNetwork: Metric = {
  id: 'qr-network',
  title: 'Network calls per second while the QR shows',
  live: true,
  async run(context): Promise<MetricResult> {
    const watch = await watchQr(context)
    const seconds = (watch.to - watch.from) / 1000
    const requests = watch.inWindow
    const byEndpoint = new Map<string, number>()
    for (const record of requests) byEndpoint.set(record.endpoint, (byEndpoint.get(record.endpoint) ?? 0) + 1)
    const others = requests.filter((record) => record.endpoint !== 'collect')
    // Steady rate: requests after the first, over the time from the first to the last.
    const span = requests.length > 1 ? (requests[requests.length - 1]!.at - requests[0]!.at) / 1000 : Number.NaN
    const steady = requests.length > 1 ? (requests.length - 1) / span : Number.NaN
    const windowed = requests.length / seconds
    const rate = Number.isFinite(steady) ? steady : windowed
    const withinRate = rate <= TOLERANCE_PER_S
    const verdict = withinRate && others.length === 0 ? verdictFor(BUDGET_PER_S, BUDGET_PER_S, BUDGET_PER_S) : 'over'
    return {
      id: this.id,
      title: this.title,
      budget: BUDGET_PER_S,
      goal: BUDGET_PER_S,
      unit: '/s',
      budgetText: '0.5 /s (collect only)',
      goalText: '0.5 /s',
      samples: [rate],
      median: rate,
      p95: rate,
      medianText: fmt(rate, 3),
      p95Text: fmt(rate, 3),
      verdict,
      judgedBy: 'value',
      runsText: `1 window of ${fmt(seconds, 0)} s`,
      notes: [
        `One order's QR watched for ${fmt(seconds, 1)} s of real time from the moment it was painted: ${requests.length} RP requests ` +
          `(${[...byEndpoint].map(([endpoint, count]) => `${count} ${endpoint}`).join(', ') || 'none'}), ` +
          `${fmt(windowed, 3)} per second over the window; ${fmt(rate, 3)} per second from the first to the last ` +
          `(${requests.length - 1} gaps over ${fmt(span, 2)} s, the value judged; a 2.0 ± 0.1 s cadence counts as 0.5).`,
        others.length === 0
          ? 'Collect only: no /auth, /cancel or other request while the QR showed.'
          : `✗ not only collect: ${others.map((record) => record.endpoint).join(', ')}`,
        `The session showed “${watch.screenAtEnd}” at the end of the watch.`,
        ...(context.options.qrSeconds < START_WINDOW_S
          ? [
              `The window is shorter than BankID's ${START_WINDOW_S}-s start window: an unscanned order ends with startFailed ` +
                'after 30 s and the session silently starts a new one (one /auth more per 30 s of QR). ' +
                'Run with --qr-seconds 65 to include that.',
            ]
          : []),
      ],
    }
  },
}
