// One parent's attempt and its order with BankID: the /auth, the collect loop at BankID's cadence,
// the QR frame a second, pickup, and the silent restart after startFailed. What the answers mean
// for the screens is the session's: it is told through OrderHost.
import type { CollectResponse } from '../bankid/api-types'
import type { StartedOrder } from '../bankid/client'
import { encodeUserVisibleData } from '../bankid/client'
import type { BankIdFailure } from '../bankid/failure'
import { AnimatedQr } from '../bankid/qr'
import { messageForFailedHint, messageForPendingHint } from '../bankid/user-messages'
import type { HandoffCompletion } from '../handoff/client'
import type { Scheduler, TimerHandle } from '../scheduler'
import type { BankIdMessageKey } from '../../shared/bankid-messages'
import type { FailureCause } from '../../shared/contract'
import { causeOf, causeOfHint, sanitize } from './references'
import type { BankIdPort, Log, SessionSettings, SessionTiming, Track } from './session-types'

export interface Order {
  orderRef: string
  /** Monotonic time the order's answer arrived: QR second 0. */
  startedAt: number
  qr: AnimatedQr
  pickedUp: boolean
  final: boolean
}

/** One parent's attempt to log in; dropped (and with it the personnummer) when it ends. */
export interface Attempt {
  id: number
  personnummer: string | null
  order: Order | null
  restarts: number
  startedAt: number
  /** Until when an unscanned QR is silently restarted. */
  windowEndsAt: number
  /** "Are you still there?" is up because the window is ending: an answer shows scan-failed (qr-window.ts). */
  windowAsked: boolean
  /** Set at pickup: our own limit for finishing in the app. */
  deadline: number | null
  messageKey: BankIdMessageKey
  qrSvg: string | null
  ended: boolean
  collectTimer: TimerHandle | null
  secondTimer: TimerHandle | null
  limitTimer: TimerHandle | null
  collecting: AbortController | null
  /** BankID's completion, only while it is being handed off; the POST's abort. */
  completion: HandoffCompletion | null
  handingOff: AbortController | null
}

export function newAttempt(id: number, personnummer: string | null, now: number, timing: SessionTiming): Attempt {
  return {
    id,
    personnummer,
    order: null,
    restarts: 0,
    startedAt: now,
    windowEndsAt: now + timing.qrRestartWindowMs,
    windowAsked: false,
    deadline: null,
    messageKey: 'bankid.rfa1',
    qrSvg: null,
    ended: false,
    collectTimer: null,
    secondTimer: null,
    limitTimer: null,
    collecting: null,
    completion: null,
    handingOff: null,
  }
}

/** Pending hint codes that mean the parent's app has the order: the QR must go. */
const PICKED_UP_HINTS: ReadonlySet<string> = new Set(['started', 'userMrtd', 'userSign', 'userCallConfirm'])

/** BankID: collect "never more often than once a second", retries included. */
export const MIN_COLLECT_GAP_MS = 1_000
/**
 * Node's timers can fire a millisecond or so early (libuv's loop clock counts whole ms and is read
 * once a loop turn). A clock reading this close before a second boundary counts as that second,
 * so a timer aimed at the boundary draws the new frame however early it wakes (a frame 4 ms early
 * is far inside what BankID's app tolerates).
 */
const EARLY_WAKE_MS = 4

/**
 * When the next collect goes out, as a delay from `now` (the answer's arrival): one interval from
 * the start of the last call, and never two at once. The call may have been retried inside the
 * client (503 maintenance), so its last request started at some unknown time before `now`: at
 * least MIN_COLLECT_GAP_MS from the answer keeps even that one a second away.
 */
export function nextCollectDelay(startedAt: number, now: number, intervalMs: number): number {
  return Math.max(startedAt + intervalMs - now, MIN_COLLECT_GAP_MS)
}

export type CompleteResponse = Extract<CollectResponse, { status: 'complete' }>

/** What the order tells the session. */
export interface OrderHost {
  fail(attempt: Attempt, cause: FailureCause, failure?: BankIdFailure, reference?: string, messageKey?: BankIdMessageKey): void
  /** BankID answered as it should: the run of service failures is over. */
  serviceAnswered(): void
  /** The first QR frame is ready: the waiting screen. */
  showWaiting(): void
  /** Something on the waiting screen changed. */
  changed(): void
  /** The parent scanned: they are evidently there. */
  touched(): void
  completed(attempt: Attempt, order: Order, response: CompleteResponse): void
  /** An order that must not outlive its attempt. */
  cancel(orderRef: string): Promise<void>
}

export interface BankIdOrdersOptions {
  bankId: Pick<BankIdPort, 'auth' | 'collect'>
  scheduler: Scheduler
  renderQr: (payload: string) => Promise<string>
  settings: SessionSettings
  hashOrderRef: (orderRef: string) => string
  log: Log
  track: Track
  host: OrderHost
}

export class BankIdOrders {
  readonly #o: BankIdOrdersOptions
  readonly #timing: SessionTiming

  constructor(options: BankIdOrdersOptions) {
    this.#o = options
    this.#timing = options.settings.timing
  }

  /** Starts a BankID order for the attempt (first time, or a silent restart after startFailed). */
  order(attempt: Attempt): void {
    const { settings, host } = this.#o
    const request = {
      endUserIp: settings.endUserIp,
      userVisibleData: encodeUserVisibleData(settings.intentText),
      userVisibleDataFormat: 'plaintext' as const,
      ...(attempt.personnummer || settings.certificatePolicies
        ? {
            requirement: {
              ...(attempt.personnummer ? { personalNumber: attempt.personnummer } : {}),
              ...(settings.certificatePolicies ? { certificatePolicies: settings.certificatePolicies } : {}),
            },
          }
        : {}),
    }
    this.#o.track(this.#o.bankId.auth(request, { timeoutMs: this.#timing.requestTimeoutMs })).then((result) => {
      if (attempt.ended) {
        // The parent left while BankID was creating the order: it must not outlive them.
        if (result.ok) void host.cancel(result.value.response.orderRef)
        return
      }
      if (!result.ok) return host.fail(attempt, causeOf(result.error), result.error)
      host.serviceAnswered()
      this.#onOrderStarted(attempt, result.value)
    })
  }

  /** Stops the order's collect, its QR second and a collect under way. */
  clearTimers(attempt: Attempt): void {
    const { scheduler } = this.#o
    scheduler.clearTimeout(attempt.collectTimer)
    scheduler.clearTimeout(attempt.secondTimer)
    attempt.collectTimer = null
    attempt.secondTimer = null
    attempt.collecting?.abort()
    attempt.collecting = null
  }

  /**
   * The attempt is over: stops its timers and requests, cancels a pending order (best effort,
   * retried by the host) and forgets the personnummer, the name and the QR.
   */
  end(attempt: Attempt): void {
    attempt.ended = true
    this.clearTimers(attempt)
    this.#o.scheduler.clearTimeout(attempt.limitTimer)
    attempt.limitTimer = null
    if (attempt.order && !attempt.order.final) void this.#o.host.cancel(attempt.order.orderRef)
    // A hand-off still running is abandoned: its answer could only reach the wrong parent.
    attempt.handingOff?.abort()
    attempt.handingOff = null
    attempt.completion = null
    attempt.personnummer = null
    attempt.order = null
    attempt.qrSvg = null
  }

  #onOrderStarted(attempt: Attempt, started: StartedOrder): void {
    const { orderRef } = started.response
    attempt.order = {
      orderRef,
      startedAt: started.receivedAt,
      qr: new AnimatedQr(started.response, started.receivedAt, this.#o.scheduler),
      pickedUp: false,
      final: false,
    }
    attempt.messageKey = 'bankid.rfa1'
    this.#o.log('info', 'order.started', { attempt: attempt.id, orderRefHash: this.#o.hashOrderRef(orderRef), restarts: attempt.restarts })
    this.#renderFrame(attempt, true)
    this.#scheduleSecond(attempt)
    this.#scheduleCollect(attempt, this.#timing.collectIntervalMs)
  }

  /**
   * One tick a second, on the order's own second boundaries: a new QR frame, a new countdown.
   * The frame and the next timer come from one clock reading (read early-tolerant, see
   * EARLY_WAKE_MS): a timer that wakes a little early draws the new second, never the old one
   * followed by a whole second's sleep; one that wakes late draws the second it is in and aims at
   * the next boundary, never behind.
   */
  #scheduleSecond(attempt: Attempt, now = this.#o.scheduler.now()): void {
    const order = attempt.order
    if (!order) return
    const elapsed = now + EARLY_WAKE_MS - order.startedAt
    const delay = EARLY_WAKE_MS + 1000 - (((elapsed % 1000) + 1000) % 1000)
    attempt.secondTimer = this.#o.scheduler.setTimeout(() => {
      if (attempt.ended || attempt.order !== order) return
      const at = this.#o.scheduler.now()
      if (order.pickedUp) this.#o.host.changed()
      else this.#renderFrame(attempt, false, at)
      this.#scheduleSecond(attempt, at)
    }, delay)
  }

  #renderFrame(attempt: Attempt, first: boolean, at = this.#o.scheduler.now()): void {
    const order = attempt.order
    if (!order || order.pickedUp) return
    const frame = order.qr.frame(at + EARLY_WAKE_MS)
    const { host } = this.#o
    this.#o.track(this.#o.renderQr(frame.payload)).then(
      (svg) => {
        // A frame that arrives after pickup, after the end or after a newer frame is dropped.
        if (attempt.ended || attempt.order !== order || order.pickedUp || order.qr.secondsElapsed(this.#o.scheduler.now() + EARLY_WAKE_MS) !== frame.seconds) return
        attempt.qrSvg = svg
        if (first) host.showWaiting()
        else host.changed()
      },
      (error: unknown) => host.fail(attempt, 'unknown', undefined, `QR-${error instanceof Error ? error.name : 'render'}`),
    )
  }

  #scheduleCollect(attempt: Attempt, delay: number): void {
    attempt.collectTimer = this.#o.scheduler.setTimeout(() => this.#collect(attempt), delay)
  }

  #collect(attempt: Attempt): void {
    const order = attempt.order
    if (attempt.ended || !order || order.final) return
    const { scheduler, host } = this.#o
    const started = scheduler.now()
    attempt.collecting = new AbortController()
    const options = { timeoutMs: this.#timing.requestTimeoutMs, signal: attempt.collecting.signal }
    this.#o.track(this.#o.bankId.collect(order.orderRef, options)).then((result) => {
      attempt.collecting = null
      if (attempt.ended || attempt.order !== order) return
      if (!result.ok) {
        order.final = result.error.kind === 'order-finished'
        return host.fail(attempt, causeOf(result.error), result.error)
      }
      host.serviceAnswered()
      this.#onCollected(attempt, order, result.value)
      if (!attempt.ended && attempt.order === order && !order.final) {
        this.#scheduleCollect(attempt, nextCollectDelay(started, scheduler.now(), this.#timing.collectIntervalMs))
      }
    })
  }

  #onCollected(attempt: Attempt, order: Order, response: CollectResponse): void {
    const { host } = this.#o
    switch (response.status) {
      case 'pending': {
        const hint = response.hintCode ?? ''
        attempt.messageKey = messageForPendingHint(hint)
        if (!order.pickedUp && PICKED_UP_HINTS.has(hint)) this.#onPickedUp(attempt, order)
        this.#o.log('debug', 'order.pending', { attempt: attempt.id, hint: hint.slice(0, 64) })
        return host.changed()
      }
      case 'failed': {
        order.final = true
        const hint = response.hintCode
        this.#o.log('info', 'order.failed', { attempt: attempt.id, orderRefHash: this.#o.hashOrderRef(order.orderRef), hint })
        const now = this.#o.scheduler.now()
        if (hint === 'startFailed' && !order.pickedUp && now < attempt.windowEndsAt) return this.#restart(attempt)
        return host.fail(attempt, causeOfHint(hint), undefined, `H-${sanitize(hint)}`, messageForFailedHint(hint))
      }
      case 'complete':
        order.final = true
        return host.completed(attempt, order, response)
    }
  }

  #onPickedUp(attempt: Attempt, order: Order): void {
    const { scheduler, host } = this.#o
    order.pickedUp = true
    attempt.windowAsked = false
    // Scanning is using the kiosk: the parent is evidently there.
    host.touched()
    attempt.qrSvg = null
    attempt.deadline = scheduler.now() + this.#timing.orderTimeoutMs
    scheduler.clearTimeout(attempt.limitTimer)
    attempt.limitTimer = scheduler.setTimeout(
      () => host.fail(attempt, 'timeout', undefined, 'T-LIMIT', 'bankid.rfa8'),
      this.#timing.orderTimeoutMs,
    )
    this.#o.log('info', 'order.picked-up', { attempt: attempt.id })
  }

  /** startFailed within the window: a fresh order and QR, without troubling the parent. */
  #restart(attempt: Attempt): void {
    attempt.restarts += 1
    this.clearTimers(attempt)
    attempt.order = null
    this.#o.log('info', 'order.restart', { attempt: attempt.id, restarts: attempt.restarts })
    this.order(attempt)
  }
}
