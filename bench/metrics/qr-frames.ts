// QR frame k shown within this long after second k of the order. One kiosk page is taken to the
// QR (as next-qr does) and left there, unscanned, for 65 s of real time (or --qr-seconds, if
// longer): BankID ends an unscanned order after 30 s (startFailed) and the session silently starts
// a new one, so the watch spans at least one restart. Each order is judged on its own.
//
// Second k of an order is main's: frame k = `bankid.<qrStartToken>.<k>.<hmac>`, k = whole seconds
// since the /auth answer arrived, on main's monotonic clock. That clock reading is not exposed;
// the origin used here is the simulator's log time of the /auth request (`at`, read right before
// the order is created and the answer is written, with the same clock: the runtime's scheduler,
// i.e. this process's performance.now()). The answer reaches the session a little later (loopback,
// TLS, JSON parse and validation: sub-ms to a few ms), so the origin is early by that much and
// every delay is overstated by the same amount (pessimistic, never flattering).
//
// The page side (an init script next to bench/lib/probe.ts's): a MutationObserver sees every
// change of img.qr's src; the frame counts as shown when the image is loaded (complete and
// naturalWidth > 0 at the change, else its load event) and the first requestAnimationFrame after
// that plus the task after that frame have run ("painted", as in probe.ts). The srcs are decoded
// in Node afterwards (data: URL → SVG → modules → jsQR) to get each frame's qrStartToken and k.
//
// Clocks: paint times are the page's performance.timeOrigin + performance.now() (epoch ms),
// Node's are performance.timeOrigin + performance.now() of this process. Both map a monotonic
// clock to the wall clock once (at process start / navigation), so they can disagree if the wall
// clock was stepped or slewed in between; a round-trip calibration (page.evaluate bracketed by
// Node readings, best of 25) measures that disagreement before and after the watch, and the
// notes say whether it is within the calibration's own uncertainty.
import type { Page } from '@playwright/test'
import { decodeQrSvg } from '../../test/support/qr-decode'
import type { Snapshot } from '../../src/shared/contract'
import { openKioskPage, showQr, sleep } from '../lib/kiosk'
import { personnummerSource } from '../lib/personnummer'
import { fmt, max, median, p95, verdictFor } from '../lib/stats'
import type { Metric, MetricResult } from '../lib/types'

const BUDGET_MS = 250
const GOAL_MS = 50
/** Real time the QR is watched for, from its first paint: two 30-s orders and the start of a third. */
const WATCH_S = 65
const CALIBRATION_ROUNDS = 25
const DATA_URL_PREFIX = 'data:image/svg+xml;charset=utf-8,'
const PAYLOAD = /^bankid\.([^.]+)\.(\d+)\.([0-9a-f]{64})$/

/** One src img.qr had, in the page's performance.now(). */
interface PageFrame {
  src: string
  /** The MutationObserver saw the new src. */
  dom: number
  /** The image was already decoded/complete when the change was seen (data: URLs load synchronously). */
  completeAtDom: boolean
  /** complete (at the change) or its load event. */
  loaded: number | null
  /** First requestAnimationFrame after loaded, and the task after that frame ("painted"). */
  frame: number | null
  painted: number | null
  /** The src changed again before this one was painted. */
  replaced: boolean
}

interface FrameWatchState {
  timeOrigin: number
  frames: PageFrame[]
  errors: string[]
}

// The little of the DOM the page side uses (the Node project has no DOM library).
interface WatchImage {
  readonly complete: boolean
  readonly naturalWidth: number
  getAttribute(name: string): string | null
  matches(selector: string): boolean
}
interface WatchWindow {
  __qrFrames?: FrameWatchState
  document: {
    querySelector(selector: string): WatchImage | null
    addEventListener(type: string, listener: (event: { target: unknown }) => void, capture: boolean): void
  }
  performance: { now(): number; readonly timeOrigin: number }
  requestAnimationFrame(callback: () => void): number
  MessageChannel: new () => {
    port1: { onmessage: (() => void) | null; close(): void }
    port2: { postMessage(message: unknown): void; close(): void }
  }
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: Record<string, unknown>): void }
}

/** Runs in the page before its scripts (after NAME_SHIM). Must not reference anything outside itself. */
function installFrameWatch(): void {
  const w = globalThis as unknown as WatchWindow
  if (w.__qrFrames) return
  const doc = w.document
  const now = () => w.performance.now()
  const state: FrameWatchState = { timeOrigin: w.performance.timeOrigin, frames: [], errors: [] }
  w.__qrFrames = state
  let lastSrc: string | null = null
  let last: PageFrame | null = null

  const afterFrame = (record: PageFrame) => {
    w.requestAnimationFrame(() => {
      record.frame = now()
      const channel = new w.MessageChannel()
      channel.port1.onmessage = () => {
        record.painted = now()
        channel.port1.close()
        channel.port2.close()
      }
      channel.port2.postMessage(null)
    })
  }
  const markLoaded = (record: PageFrame, at: number) => {
    if (record.loaded !== null) return
    record.loaded = at
    afterFrame(record)
  }

  const check = () => {
    try {
      const img = doc.querySelector('img.qr')
      const src = img?.getAttribute('src') ?? null
      if (src === lastSrc) return
      lastSrc = src
      if (last && last.painted === null) last.replaced = true
      last = null
      if (!img || !src) return
      const complete = img.complete && img.naturalWidth > 0
      const record: PageFrame = { src, dom: now(), completeAtDom: complete, loaded: null, frame: null, painted: null, replaced: false }
      state.frames.push(record)
      last = record
      if (complete) markLoaded(record, record.dom)
    } catch (error) {
      state.errors.push(String(error))
    }
  }

  new w.MutationObserver(check).observe(doc, { subtree: true, childList: true, attributes: true, attributeFilter: ['src'] })
  // load does not bubble; capture sees it. Only the newest src can still be loading.
  doc.addEventListener(
    'load',
    (event) => {
      const img = event.target as WatchImage | null
      if (!img || typeof img.matches !== 'function' || !img.matches('img.qr')) return
      if (last && img.getAttribute('src') === last.src) markLoaded(last, now())
    },
    true,
  )
}

/** page epoch − Node epoch, from the round trip with the smallest spread. */
interface Calibration {
  offset: number
  /** Half the best round trip: the offset is known to ± this. */
  uncertainty: number
}

const nodeEpoch = (nodeMs: number) => performance.timeOrigin + nodeMs

async function calibrate(page: Page): Promise<Calibration> {
  let best: Calibration | null = null
  for (let i = 0; i < CALIBRATION_ROUNDS; i++) {
    const before = performance.now()
    const pageEpoch = await page.evaluate(() => {
      const p = (globalThis as unknown as WatchWindow).performance
      return p.timeOrigin + p.now()
    })
    const after = performance.now()
    const sample = { offset: pageEpoch - nodeEpoch((before + after) / 2), uncertainty: (after - before) / 2 }
    if (!best || sample.uncertainty < best.uncertainty) best = sample
  }
  return best!
}

interface EmittedFrame {
  svg: string
  /** Node clock: the session emitted the snapshot carrying this SVG for the first time. */
  at: number
}

interface OrderInfo {
  orderRef: string
  qrStartToken: string
  /** Node clock: the simulator logged the /auth request that created it (the origin of second 0). */
  authAt: number
  /** Node clock: when the session stopped showing it (its last collect, before the restart; or the end of the watch). */
  end: number
  restarted: boolean
}

/** One frame as measured: page paint vs. main's second k. */
interface FrameResult {
  order: number
  k: number
  /** ms after second k of the order: the metric. */
  delay: number
  /** Main's side (Node clock): second k → the snapshot with frame k emitted. Null if not seen in Node. */
  emitted: number | null
  /** Page clock deltas from the src change. */
  dom: number
  loaded: number
  painted: number
  completeAtDom: boolean
}

const svgOf = (src: string): string | null =>
  src.startsWith(DATA_URL_PREFIX) ? decodeURIComponent(src.slice(DATA_URL_PREFIX.length)) : null

interface Stats {
  median: number
  p95: number
  max: number
}
const statsOf = (values: number[]): Stats => ({ median: median(values), p95: p95(values), max: max(values) })
const statCells = (s: Stats) => [fmt(s.median), fmt(s.p95), fmt(s.max)]

export const qrFrames: Metric = {
  id: 'qr-frames',
  title: 'QR frame k shown after second k of the order',
  live: true,
  async run(context): Promise<MetricResult> {
    const kiosk = await context.kiosk()
    const watchSeconds = Math.max(WATCH_S, context.options.qrSeconds)

    // Which qrStartToken each order has (the simulator's own answer), keyed by orderRef.
    const tokens = new Map<string, string>()
    const orders = kiosk.simulator.orders
    const create = orders.create
    orders.create = function (this: typeof orders, ...args: Parameters<typeof create>) {
      const result = create.apply(this, args)
      if (result.ok) tokens.set(result.value.orderRef, result.value.qrStartToken)
      return result
    }
    // Every distinct QR SVG the session emitted, when (Node clock).
    const emitted = new Map<string, EmittedFrame>()
    const unsubscribe = kiosk.runtime.session.subscribe((snapshot: Snapshot) => {
      const screen = snapshot.screen
      if (screen.name === 'waiting' && screen.qrSvg && !emitted.has(screen.qrSvg)) {
        emitted.set(screen.qrSvg, { svg: screen.qrSvg, at: performance.now() })
      }
    })

    const since = performance.now()
    const kp = await openKioskPage(await context.browser(), kiosk)
    let watchEnd: number
    let state: FrameWatchState
    let before: Calibration
    let after: Calibration
    let screenAtEnd: string
    try {
      await kp.context.addInitScript(installFrameWatch)
      await showQr(kp, kiosk, personnummerSource()())
      before = await calibrate(kp.page)
      context.log(`  watching the QR frames for ${watchSeconds} s (real time, across order restarts)…`)
      await sleep(watchSeconds * 1000)
      watchEnd = performance.now()
      screenAtEnd = kiosk.runtime.session.snapshot().screen.name
      // Frames due up to BUDGET_MS before watchEnd are judged: give a late one time to be painted.
      await sleep(2 * BUDGET_MS)
      after = await calibrate(kp.page)
      state = await kp.page.evaluate(() => {
        const s = (globalThis as unknown as WatchWindow).__qrFrames!
        return { timeOrigin: s.timeOrigin, frames: s.frames, errors: s.errors }
      })
    } finally {
      unsubscribe()
      orders.create = create
      await kp.close()
    }
    if (kp.problems.length) throw new Error(`the page reported errors: ${kp.problems.join('; ')}`)
    if (state.errors.length) throw new Error(`the frame watch failed in the page: ${state.errors.join('; ')}`)

    // The orders, oldest first, with their origin and end (Node clock).
    const log = kiosk.simulator.log.list().filter((record) => record.at >= since)
    const auths = log.filter((record) => record.endpoint === 'auth' && record.orderRef !== null && tokens.has(record.orderRef))
    const orderInfos: OrderInfo[] = auths.map((auth, i) => {
      const orderRef = auth.orderRef!
      const next = auths[i + 1]
      const collects = log.filter((record) => record.endpoint === 'collect' && record.orderRef === orderRef)
      const end = next ? (collects[collects.length - 1]?.at ?? next.at) : watchEnd
      return { orderRef, qrStartToken: tokens.get(orderRef)!, authAt: auth.at, end, restarted: next !== undefined }
    })
    if (orderInfos.length === 0) throw new Error('no /auth order was created during the watch')
    const orderOfToken = new Map(orderInfos.map((order, i) => [order.qrStartToken, i]))

    // Decode every SVG once (page srcs and main's snapshots are the same strings).
    const decoded = new Map<string, { order: number; k: number } | null>()
    const decode = (svg: string) => {
      if (!decoded.has(svg)) {
        const match = PAYLOAD.exec(decodeQrSvg(svg) ?? '')
        const order = match ? orderOfToken.get(match[1]!) : undefined
        decoded.set(svg, match && order !== undefined ? { order, k: Number(match[2]) } : null)
      }
      return decoded.get(svg)!
    }
    const key = (order: number, k: number) => `${order}:${k}`

    // What main emitted ("order:k" → Node time).
    const emittedAt = new Map<string, number>()
    for (const frame of emitted.values()) {
      const payload = decode(frame.svg)
      if (payload) emittedAt.set(key(payload.order, payload.k), frame.at)
    }

    // What the page showed: each src change, measured at the first showing of its k.
    const shows = new Map<string, number>() // "order:k" → times its src was set
    const unpainted = new Set<string>()
    const results: FrameResult[] = []
    let undecodable = 0
    for (const frame of state.frames) {
      const svg = svgOf(frame.src)
      const payload = svg === null ? null : decode(svg)
      if (svg === null || !payload) {
        undecodable++
        continue
      }
      const { order, k } = payload
      shows.set(key(order, k), (shows.get(key(order, k)) ?? 0) + 1)
      if (results.some((result) => result.order === order && result.k === k)) continue
      if (frame.painted === null || frame.loaded === null) {
        unpainted.add(key(order, k))
        continue
      }
      unpainted.delete(key(order, k))
      const dueNode = orderInfos[order]!.authAt + k * 1000
      const emit = emittedAt.get(key(order, k))
      results.push({
        order,
        k,
        delay: state.timeOrigin + frame.painted - nodeEpoch(dueNode),
        emitted: emit === undefined ? null : emit - dueNode,
        dom: frame.dom,
        loaded: frame.loaded,
        painted: frame.painted,
        completeAtDom: frame.completeAtDom,
      })
    }
    if (undecodable) throw new Error(`${undecodable} QR src(s) did not decode to a frame of an order of this watch`)
    results.sort((a, b) => a.order - b.order || a.k - b.k)

    // Per order: the seconds due early enough to be judged (≥ BUDGET_MS before the order ended),
    // which of them never appeared, and why.
    const perOrder = orderInfos.map((info, order) => {
      const frames = results.filter((result) => result.order === order)
      const lastDue = Math.floor((info.end - BUDGET_MS - info.authAt) / 1000)
      const missing: number[] = []
      for (let k = 0; k <= lastDue; k++) if (!frames.some((frame) => frame.k === k)) missing.push(k)
      const notEmitted = missing.filter((k) => !emittedAt.has(key(order, k)))
      const twice = [...shows].filter(([id, count]) => id.startsWith(`${order}:`) && count > 1).map(([id]) => Number(id.split(':')[1]))
      return { info, frames, lastDue, missing, notEmitted, twice, first: frames.find((frame) => frame.k === 0) ?? null }
    })
    const missing = perOrder.flatMap((entry, order) => entry.missing.map((k) => ({ order, k })))
    const notEmitted = perOrder.reduce((sum, entry) => sum + entry.notEmitted.length, 0)
    const twice = perOrder.flatMap((entry, order) => entry.twice.map((k) => ({ order, k })))
    const name = (frame: { order: number; k: number }) => `order ${frame.order + 1} k=${frame.k}`

    // The judged statistics: every frame shown, and every judged frame never shown as "never".
    const samples = results.map((result) => result.delay)
    const judgedSamples = [...samples, ...missing.map(() => Number.POSITIVE_INFINITY)]
    const value = p95(judgedSamples)
    const middle = median(judgedSamples)
    const later = results.filter((result) => result.k > 0).map((result) => result.delay)
    const firsts = results.filter((result) => result.k === 0)

    // The origin is early by the /auth answer's transit. Main's timer for frame k ≥ 1 cannot emit
    // before main's own second k, so (emitted − the simulator's second k) bounds that transit.
    const emittedLater = results.flatMap((result) => (result.k > 0 && result.emitted !== null ? [result.emitted] : []))
    const transitBound = emittedLater.length ? Math.min(...emittedLater) : Number.NaN
    const offset = (before.offset + after.offset) / 2
    const agree = Math.abs(offset) <= Math.max(before.uncertainty, after.uncertainty)
    const calibrated = (c: Calibration) => `${fmt(c.offset, 2)} ± ${fmt(c.uncertainty, 2)} ms`
    const never = (n: number) => `${n} of ${judgedSamples.length} frames never shown: > ${fmt(BUDGET_MS)}`

    const orderRow = (label: string, frames: FrameResult[], judgedKs: string, missingText: string, twiceText: string, first: string) => {
      const all = statsOf(frames.map((frame) => frame.delay))
      const rest = statsOf(frames.filter((frame) => frame.k > 0).map((frame) => frame.delay))
      return [label, judgedKs, String(frames.length), missingText, twiceText, first, ...statCells(all), ...statCells(rest)]
    }
    const part = (label: string, values: number[]) => [label, ...statCells(statsOf(values))]
    const sinceSecond = (pick: (frame: FrameResult) => number) => results.map((frame) => frame.delay - (frame.painted - pick(frame)))

    return {
      id: this.id,
      title: this.title,
      budget: BUDGET_MS,
      goal: GOAL_MS,
      unit: 'ms',
      samples: judgedSamples,
      median: middle,
      p95: value,
      ...(Number.isFinite(middle) ? {} : { medianText: never(missing.length) }),
      ...(Number.isFinite(value) ? {} : { p95Text: never(missing.length) }),
      verdict: verdictFor(value, BUDGET_MS, GOAL_MS),
      judgedBy: 'p95',
      runsText: `${judgedSamples.length} frames of ${orderInfos.length} orders${missing.length ? ` (${missing.length} never shown)` : ''}`,
      notes: [
        `One QR left unscanned for ${fmt(watchSeconds, 0)} s of real time from its first paint: ${orderInfos.length} orders ` +
          `(${orderInfos.filter((order) => order.restarted).length} ended by BankID's startFailed and silently restarted; ` +
          `the session showed “${screenAtEnd}” at the end). Each order is measured from its own second 0. ` +
          `Every frame shown is a sample, k = 0 included, and so is every frame due ≥ ${BUDGET_MS} ms before its order ended ` +
          '(its last collect, or the end of the watch) that never appeared, as “never”: the p95 is over both.',
        'delay_k = paint time in the page (performance.timeOrigin + performance.now()) − (the simulator’s log time of the order’s ' +
          '/auth request in Node (performance.timeOrigin + performance.now()) + k × 1000 ms). Painted = the new src seen by a ' +
          'MutationObserver, the image loaded, then the next requestAnimationFrame and the task after it (as in bench/lib/probe.ts). ' +
          'k comes from decoding each src’s QR (test/support/qr-decode.ts).',
        `Frames shown: ${results.length}; median ${fmt(median(samples))}, p95 ${fmt(p95(samples))}, max ${fmt(max(samples))} ms. ` +
          `k ≥ 1 only: median ${fmt(median(later))}, p95 ${fmt(p95(later))}, max ${fmt(max(later))} ms.`,
        `First frames (k = 0: the /auth answer's transit and parse, the first SVG render and, for the first order, the switch from ` +
          `the “starting” screen; for a restart, a src change on the waiting screen): ` +
          `${firsts.map((r) => `order ${r.order + 1} ${fmt(r.delay)} ms`).join(', ') || 'none shown'}.`,
        missing.length === 0
          ? `No frame missing: every k due ≥ ${BUDGET_MS} ms before its order ended was painted.`
          : `✗ ${missing.length} frame(s) never shown: ${missing.map(name).join(', ')}. ` +
            `${notEmitted} of them were never emitted by the session at all (main skipped that second; ` +
            `its snapshot never carried frame k), ${missing.length - notEmitted} were emitted but never painted in the page.`,
        twice.length === 0
          ? 'No frame shown twice (every src change brought a new k).'
          : `${twice.length} frame(s) shown twice: ${twice.map(name).join(', ')}.`,
        ...(unpainted.size ? [`${unpainted.size} src change(s) were replaced before they were painted.`] : []),
        `Origin bias: second 0 here is the simulator's log time of the /auth request, read just before it creates the order and ` +
          `writes the answer; main starts counting when that answer has crossed loopback TLS and been parsed, a little later. ` +
          `So every delay here is overstated by that transit (pessimistic, never flattering). From the frames: main emitted ` +
          `frame k ≥ 1 at least ${fmt(transitBound, 2)} ms after the simulator's second k, and that includes its timer and ` +
          'the SVG render, so the transit is less than that.',
        `Clock alignment (page epoch − Node epoch, best of ${CALIBRATION_ROUNDS} page.evaluate round trips each): ` +
          `${calibrated(before)} before the watch, ${calibrated(after)} after. ` +
          (agree
            ? 'Zero within the calibration’s own uncertainty: the two timeOrigins agree, no correction applied.'
            : `Not zero within its uncertainty: the page clock reads ${fmt(Math.abs(offset), 2)} ms ` +
              `${offset > 0 ? 'ahead, so delays are overstated' : 'behind, so delays are understated'} by about that (not corrected).`),
        `${results.filter((r) => r.completeAtDom).length} of ${results.length} frames were complete already when the src change ` +
          'was seen; the others were counted from their load event (Chromium decodes the data: URL asynchronously).',
      ],
      details: [
        {
          title: `Per order (ms after second k; “judged k” = the seconds due ≥ ${BUDGET_MS} ms before the order ended)`,
          header: ['order', 'judged k', 'shown', 'missing k', 'shown twice', 'k = 0', 'median', 'p95', 'max', 'median k ≥ 1', 'p95 k ≥ 1', 'max k ≥ 1'],
          rows: [
            ...perOrder.map((entry, i) =>
              orderRow(
                `${i + 1}${entry.info.restarted ? ' (startFailed → restart)' : ' (watch ended)'}`,
                entry.frames,
                entry.lastDue >= 0 ? `0–${entry.lastDue}` : 'none',
                entry.missing.length ? entry.missing.join(', ') : '—',
                entry.twice.length ? entry.twice.join(', ') : '—',
                entry.first ? fmt(entry.first.delay) : 'not shown',
              ),
            ),
            orderRow('all', results, '', String(missing.length), String(twice.length), firsts.map((r) => fmt(r.delay)).join(', ')),
          ],
        },
        {
          title: 'Where the time goes, frames shown (ms after second k; main’s step in Node’s clock, the page’s in its own, joined by the epoch alignment)',
          header: ['step', 'median', 'p95', 'max'],
          rows: [
            part(
              'snapshot with frame k emitted by the session (its timer, HMAC, SVG render)',
              results.flatMap((r) => (r.emitted === null ? [] : [r.emitted])),
            ),
            part('new src seen in the page’s DOM (WebSocket, JSON, Svelte update)', sinceSecond((r) => r.dom)),
            part('image loaded (data: URL decoded)', sinceSecond((r) => r.loaded)),
            part('painted (**the metric**)', samples),
          ],
        },
        {
          title: 'Every frame (ms after second k)',
          header: ['order', 'k: delay'],
          rows: perOrder.map((entry, i) => {
            const cells: string[] = []
            const top = Math.max(entry.lastDue, ...entry.frames.map((frame) => frame.k))
            for (let k = 0; k <= top; k++) {
              const frame = entry.frames.find((candidate) => candidate.k === k)
              if (frame) cells.push(`${k}: ${fmt(frame.delay)}`)
              else if (k <= entry.lastDue) cells.push(`${k}: **missing**`)
            }
            return [String(i + 1), cells.join(', ')]
          }),
        },
      ],
    }
  },
}
