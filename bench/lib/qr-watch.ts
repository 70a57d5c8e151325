// One order's QR left on screen for a while (real time, nobody scans it), and every request the
// simulator's RP API saw meanwhile: what qr-network and collect-interval are computed from.
//
// Clocks: the simulator logs each request's `at` with the runtime's clock, which is Node's
// performance.now() (monotonic). The watch window is taken with the same clock, in Node, right
// after the page reports the QR painted (a few ms late at most: the page is polled once a frame).
import type { RequestRecord } from '../../src/main/simulator/rp-server'
import { openKioskPage, showQr, sleep } from './kiosk'
import { personnummerSource } from './personnummer'
import type { BenchContext } from './types'

export interface QrWatch {
  /** Node clock (ms): the QR was painted / the watch ended. */
  from: number
  to: number
  /** Every RP request of the run, oldest first, with `at` in the Node clock. */
  records: RequestRecord[]
  /** The requests inside [from, to]. */
  inWindow: RequestRecord[]
  orderRefs: string[]
  /** Requests that arrived while an earlier one for the same order had not been answered yet. */
  overlapping: number
  /** The screen the session showed at the end (still "waiting", or did something end the order?). */
  screenAtEnd: string
}

export function watchQr(context: BenchContext): Promise<QrWatch> {
  const existing = context.shared.get('qr-watch') as Promise<QrWatch> | undefined
  if (existing) return existing
  const started = run(context)
  context.shared.set('qr-watch', started)
  return started
}

async function run(context: BenchContext): Promise<QrWatch> {
  const kiosk = await context.kiosk()
  const log = kiosk.simulator.log
  log.clear()
  // Overlap, as the simulator sees it: a request arrives while another for the same order has
  // not been answered (its status is set when the response has been written).
  let overlapping = 0
  const add = log.add.bind(log)
  log.add = (record) => {
    const busy = log.list().some((earlier) => earlier.status === null && earlier.orderRef !== null && earlier.orderRef === record.orderRef)
    if (busy) overlapping++
    return add(record)
  }
  const kp = await openKioskPage(await context.browser(), kiosk)
  try {
    await showQr(kp, kiosk, personnummerSource()())
    const from = performance.now()
    context.log(`  watching the QR for ${context.options.qrSeconds} s (real time)…`)
    await sleep(context.options.qrSeconds * 1000)
    const to = performance.now()
    const screenAtEnd = kiosk.runtime.session.snapshot().screen.name
    const records = log.list().map((record) => ({ ...record }))
    const inWindow = records.filter((record) => record.at >= from && record.at <= to)
    const orderRefs = [...new Set(records.flatMap((record) => (record.endpoint === 'auth' && record.orderRef ? [record.orderRef] : [])))]
    return { from, to, records, inWindow, orderRefs, overlapping, screenAtEnd }
  } finally {
    await kp.close()
    log.add = add
  }
}
