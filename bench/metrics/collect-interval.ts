// The collect interval: the time between one /collect and the next for the same order, as the
// simulator logged them (its clock: Node's monotonic performance.now()), while the QR showed.
import { fmt, max, median, min, p95 } from '../lib/stats'
import { watchQr } from '../lib/qr-watch'
import type { Metric, MetricResult } from '../lib/types'

const TARGET_S = 2.0
const TOLERANCE_S = 0.1
const FLOOR_S = 1.0

export const collectInterval: Metric = {
  id: 'collect-interval',
  title: 'Collect interval',
  live: true,
  async run(context): Promise<MetricResult> {
    const watch = await watchQr(context)
    const samples: number[] = []
    const firstAfterAuth: number[] = []
    for (const orderRef of watch.orderRefs) {
      const mine = watch.records.filter((record) => record.orderRef === orderRef && record.at <= watch.to)
      const collects = mine.filter((record) => record.endpoint === 'collect')
      for (let i = 1; i < collects.length; i++) samples.push((collects[i]!.at - collects[i - 1]!.at) / 1000)
      const auth = mine.find((record) => record.endpoint === 'auth')
      if (auth && collects[0]) firstAfterAuth.push((collects[0].at - auth.at) / 1000)
    }
    const outside = samples.filter((interval) => Math.abs(interval - TARGET_S) > TOLERANCE_S + 1e-9)
    const tooShort = samples.filter((interval) => interval < FLOOR_S)
    const ok = samples.length > 0 && outside.length === 0 && tooShort.length === 0 && watch.overlapping === 0
    return {
      id: this.id,
      title: this.title,
      budget: TARGET_S + TOLERANCE_S,
      goal: TARGET_S + TOLERANCE_S,
      unit: 's',
      budgetText: '2.0 s ± 0.1, never < 1 s, never overlapping',
      goalText: 'same',
      samples,
      median: median(samples),
      p95: p95(samples),
      medianText: fmt(median(samples), 3),
      p95Text: fmt(p95(samples), 3),
      verdict: ok ? 'goal' : 'over',
      judgedBy: 'every sample',
      notes: [
        `${samples.length} intervals between consecutive collects of ${watch.orderRefs.length} order(s): ` +
          `min ${fmt(min(samples), 3)} s, median ${fmt(median(samples), 3)} s, p95 ${fmt(p95(samples), 3)} s, max ${fmt(max(samples), 3)} s.`,
        outside.length === 0
          ? `All within ${TARGET_S} ± ${TOLERANCE_S} s.`
          : `✗ outside ${TARGET_S} ± ${TOLERANCE_S} s: ${outside.map((interval) => fmt(interval, 3)).join(', ')}`,
        tooShort.length === 0 ? 'None shorter than 1 s.' : `✗ shorter than 1 s: ${tooShort.map((interval) => fmt(interval, 3)).join(', ')}`,
        watch.overlapping === 0
          ? 'No request arrived while another for the same order was unanswered (checked at each arrival in the simulator).'
          : `✗ ${watch.overlapping} request(s) arrived while another for the same order was still unanswered.`,
        `/auth → first collect: ${firstAfterAuth.map((seconds) => `${fmt(seconds, 3)} s`).join(', ') || '—'} (not counted as an interval).`,
      ],
    }
  },
}
