// "Nästa" → QR visible, with the built-in simulator on loopback. Each run: a fresh browser
// context, welcome → keypad, a fresh valid personnummer typed (keyboard: not measured), then a
// real click on Nästa. The time is the page's clock from Nästa's pointerdown to the task after
// the first frame in which img.qr has loaded (complete, naturalWidth > 0). In between: the intent
// over the bridge, the session's /auth to the simulator (mutual TLS), the QR rendered to SVG in
// Node, the snapshot back, the data: URL decoded by the page.
import { fmt, median, p95, verdictFor } from '../lib/stats'
import { openKioskPage, showQr } from '../lib/kiosk'
import type { QrRun } from '../lib/kiosk'
import { personnummerSource } from '../lib/personnummer'
import type { BenchContext, Metric, MetricResult } from '../lib/types'

const BUDGET_MS = 150
const GOAL_MS = 50
const DEFAULT_RUNS = 20

async function once(context: BenchContext, personnummer: string): Promise<QrRun> {
  const kiosk = await context.kiosk()
  const kp = await openKioskPage(await context.browser(), kiosk)
  try {
    return await showQr(kp, kiosk, personnummer)
  } finally {
    await kp.close() // the session cancels the order before the next run starts
  }
}

export const nextQr: Metric = {
  id: 'next-qr',
  title: '“Nästa” → QR visible (simulator on loopback)',
  live: true,
  async run(context): Promise<MetricResult> {
    const runs = context.options.runs ?? DEFAULT_RUNS
    const numbers = personnummerSource()
    const warmUp = await once(context, numbers())
    const results: QrRun[] = []
    for (let i = 0; i < runs; i++) results.push(await once(context, numbers()))
    const samples = results.map((run) => run.qr.painted! - run.down)
    const value = p95(samples)
    const row = (label: string, values: number[]) => [label, fmt(median(values)), fmt(p95(values))]
    const starting = results.flatMap((run) => (run.starting ? [run.starting.dom - run.down] : []))
    const nodeRows = (label: string, pick: (run: QrRun) => number | null) => {
      const values = results.map(pick).filter((value): value is number => value !== null)
      return values.length ? [row(label, values)] : []
    }
    return {
      id: this.id,
      title: this.title,
      budget: BUDGET_MS,
      goal: GOAL_MS,
      unit: 'ms',
      samples,
      median: median(samples),
      p95: value,
      verdict: verdictFor(value, BUDGET_MS, GOAL_MS),
      judgedBy: 'p95',
      notes: [
        `${results.length} orders, each with its own personnummer and browser context; one warm-up order not counted ` +
          `(it took ${fmt(warmUp.qr.painted! - warmUp.down)} ms: the first /auth also opens the TLS connection).`,
        `The “starting” screen (a spinner) was in the DOM for ${starting.length} of ${results.length} runs before the QR replaced it.`,
      ],
      details: [
        {
          title: 'Where the time goes (page clock, ms from Nästa’s pointerdown)',
          header: ['step', 'median', 'p95'],
          rows: [
            ...(starting.length ? [row('“starting” screen in the DOM (round trip through the session)', starting)] : []),
            row('img.qr in the DOM (/auth answered, QR rendered, snapshot received)', results.map((run) => run.inserted.dom - run.down)),
            row('img.qr loaded (data: URL decoded)', results.map((run) => run.qr.dom - run.down)),
            row('QR frame done (**the metric**)', samples),
          ],
        },
        {
          title: 'The same orders in Node (Node clock, ms from the session showing “starting”, i.e. the intent arriving)',
          header: ['step', 'median', 'p95'],
          rows: [
            ...nodeRows('/auth read by the simulator (HTTPS, mutual TLS; the client’s agent keeps connections alive)', (run) => run.node.authAt),
            ...nodeRows('“waiting” snapshot sent (order created, first QR frame rendered to SVG)', (run) => run.node.waitingEmitted),
          ],
        },
      ],
    }
  },
}
