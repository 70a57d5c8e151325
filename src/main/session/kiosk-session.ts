// The parent's session, owned by the main process: screens, the BankID order, the QR frames and
// every timer. The renderer sees snapshots and sends intents; nothing else crosses.
//
// One rule shapes this file: every way out of a login (cancel, idle, failure, quit, renderer
// gone) goes through #endAttempt, which cancels a pending BankID order and forgets the
// personnummer and name before the next screen is published.
//
// With a hand-off (product.md §5) the attempt lasts until the school's service has answered: BankID's
// completion is held only while it is being POSTed, and #endAttempt (success or handoff-failed, or
// abandoned, which aborts the POST) drops it the moment the POST is over.
import { randomUUID } from 'node:crypto'
import type { CollectResponse } from '../bankid/api-types'
import type { BankIdClient, StartedOrder } from '../bankid/client'
import { encodeUserVisibleData } from '../bankid/client'
import type { BankIdFailure } from '../bankid/failure'
import { describeFailure } from '../bankid/failure'
import { AnimatedQr } from '../bankid/qr'
import { messageForFailedHint, messageForFailure, messageForPendingHint } from '../bankid/user-messages'
import type { SessionOutcome } from '../counters/outcome-counters'
import type { HandoffCompletion, HandoffResult } from '../handoff/client'
import type { Scheduler, TimerHandle } from '../scheduler'
import type { BankIdMessageKey } from '../../shared/bankid-messages'
import type { FailureCause, FlowMode, Intent, Screen, Snapshot } from '../../shared/contract'
import type { Language } from '../../shared/languages'
import type { CalendarDate } from '../../shared/personnummer'
import { maskPersonnummer, parsePersonnummer } from '../../shared/personnummer'
import { staffReference } from '../../shared/staff-reference'

export type BankIdPort = Pick<BankIdClient, 'auth' | 'collect' | 'cancel'>

export interface SessionTiming {
  collectIntervalMs: number
  qrRestartWindowMs: number
  orderTimeoutMs: number
  idleMs: number
  waitingIdleMs: number
  idleWarningMs: number
  loggedInMs: number
  outOfServiceRetryMs: number
  serviceFailuresBeforeOutOfService: number
  /** How long a best-effort cancel may take before we stop waiting for it. */
  cancelTimeoutMs: number
  requestTimeoutMs: number
}

export interface SessionSettings {
  mode: FlowMode
  languages: readonly Language[]
  defaultLanguage: Language
  schoolName: string
  endUserIp: string
  /** Shown in the BankID app, so the parent sees what they are identifying for. */
  intentText: string
  certificatePolicies?: string[]
  branding: { primaryColor: string; accentColor: string }
  banks: readonly string[]
  /** The QR on the guide screen that opens BankID's install page (rendered once at start). */
  installQrSvg: string
  timing: SessionTiming
}


export interface SessionEvents {
  log(level: 'info' | 'warn' | 'error' | 'debug', event: string, fields?: Record<string, unknown>): void
  outcome(outcome: SessionOutcome): void
}

/** The school's service (product.md §5): given the completion, it answers with a message, a page or a failure. */
export interface HandoffPort {
  deliver(completion: HandoffCompletion, options: { signal: AbortSignal }): Promise<HandoffResult>
  /** How long a message from the service stays up (handoff.messageSeconds). */
  readonly messageMs: number
}

export interface SessionDependencies {
  bankId: BankIdPort
  /** Absent: no hand-off, the kiosk is a check-in point. */
  handoff?: HandoffPort
  scheduler: Scheduler
  renderQr: (payload: string) => Promise<string>
  settings: SessionSettings
  events: SessionEvents
  today: () => CalendarDate
  hashOrderRef: (orderRef: string) => string
}

interface Order {
  orderRef: string
  /** Monotonic time the order's answer arrived: QR second 0. */
  startedAt: number
  qr: AnimatedQr
  pickedUp: boolean
  final: boolean
}

/** One parent's attempt to log in; dropped (and with it the personnummer) when it ends. */
interface Attempt {
  id: number
  personnummer: string | null
  order: Order | null
  restarts: number
  startedAt: number
  /** Until when an unscanned QR is silently restarted. */
  windowEndsAt: number
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

type ScreenState =
  | { name: 'welcome' | 'faq' | 'guide' }
  | { name: 'keypad'; fault: Extract<Screen, { name: 'keypad' }>['fault'] }
  | { name: 'starting' }
  | { name: 'waiting' }
  | { name: 'logged-in'; givenName: string; until: number }
  | { name: 'handing-off'; givenName: string }
  | { name: 'handoff-message'; givenName: string; message: string; until: number }
  | { name: 'handoff-view'; url: string }
  | { name: 'failure'; cause: FailureCause; messageKey: BankIdMessageKey | null; reference: string }
  | { name: 'out-of-service'; reference: string; staffMessage: string; retryAt: number | null }

/** Screens on which "Avbryt" means nothing: nothing to cancel, or past the point of cancelling. */
const NOT_CANCELLABLE: ReadonlySet<ScreenState['name']> = new Set([
  'welcome',
  'out-of-service',
  'logged-in',
  'handing-off',
  'handoff-message',
  'handoff-view',
])

/**
 * Screens without "Are you still there?": they end by themselves (a countdown, the hand-off's
 * bounded POST) or only staff can end them. The locked view is not among them: a parent who walks
 * away from the school's page must not leave it open for the next one.
 */
const NO_IDLE: ReadonlySet<ScreenState['name']> = new Set(['out-of-service', 'logged-in', 'handing-off', 'handoff-message'])

/** Pending hint codes that mean the parent's app has the order: the QR must go. */
const PICKED_UP_HINTS: ReadonlySet<string> = new Set(['started', 'userMrtd', 'userSign', 'userCallConfirm'])

export class KioskSession {
  readonly #deps: SessionDependencies
  readonly #timing: SessionTiming
  readonly #listeners = new Set<(snapshot: Snapshot) => void>()
  readonly #inflight = new Set<Promise<unknown>>()
  #screen: ScreenState = { name: 'welcome' }
  #attempt: Attempt | null = null
  #nextAttemptId = 1
  #language: Language
  #lowReach = false
  #sequence = 0
  #lastActivity: number
  #idleTimer: TimerHandle | null = null
  #warningDeadline: number | null = null
  #warningTimer: TimerHandle | null = null
  #screenTimer: TimerHandle | null = null
  #serviceFailures = 0
  #disposed = false
  /** Orders whose cancel did not reach BankID, by orderRef: tried again until BankID answers. */
  #unconfirmedCancels = new Map<string, UnconfirmedCancel>()

  constructor(deps: SessionDependencies) {
    this.#deps = deps
    this.#timing = deps.settings.timing
    this.#language = deps.settings.defaultLanguage
    this.#lastActivity = deps.scheduler.now()
  }

  // ---- the outside world -------------------------------------------------------------------

  subscribe(listener: (snapshot: Snapshot) => void): () => void {
    this.#listeners.add(listener)
    listener(this.snapshot())
    return () => this.#listeners.delete(listener)
  }

  snapshot(): Snapshot {
    return {
      sequence: this.#sequence,
      screen: this.#publicScreen(),
      idleWarning:
        this.#warningDeadline === null ? null : { secondsLeft: this.#secondsUntil(this.#warningDeadline) },
      language: this.#language,
      languages: this.#deps.settings.languages,
      lowReach: this.#lowReach,
      mode: this.#deps.settings.mode,
      schoolName: this.#deps.settings.schoolName,
      branding: this.#deps.settings.branding,
      banks: this.#deps.settings.banks,
      staff: null,
    }
  }

  /** An intent from the renderer, already validated against the contract's schema. */
  dispatch(intent: Intent): void {
    if (this.#disposed) return
    this.#touch()
    const screen = this.#screen.name
    switch (intent.type) {
      case 'activity':
        return this.#emit()
      case 'still-here':
        return this.#emit()
      case 'set-language':
        if (this.#deps.settings.languages.includes(intent.language)) this.#language = intent.language
        return this.#emit()
      case 'set-low-reach':
        this.#lowReach = intent.on
        return this.#emit()
      case 'begin':
        if (screen !== 'welcome') return this.#ignored(intent)
        if (this.#deps.settings.mode === 'qr') return this.#startAttempt(null)
        return this.#show({ name: 'keypad', fault: null })
      case 'start':
        return this.#onStart(intent.personnummer)
      case 'cancel':
        if (NOT_CANCELLABLE.has(screen)) return this.#ignored(intent)
        return this.#finish('cancelled', { name: 'welcome' })
      case 'open-faq':
      case 'open-guide':
        if (!['welcome', 'keypad', 'failure', 'faq', 'guide'].includes(screen)) return this.#ignored(intent)
        return this.#show({ name: intent.type === 'open-faq' ? 'faq' : 'guide' })
      case 'back':
        if (!['keypad', 'faq', 'guide'].includes(screen)) return this.#ignored(intent)
        return this.#show({ name: 'welcome' })
      case 'retry':
        if (screen !== 'failure') return this.#ignored(intent)
        if (this.#deps.settings.mode === 'qr') return this.#startAttempt(null)
        return this.#show({ name: 'keypad', fault: null })
      case 'done':
        if (screen !== 'logged-in' && screen !== 'handoff-message') return this.#ignored(intent)
        return this.#returnToWelcome()
      case 'logout':
        if (screen !== 'handoff-view') return this.#ignored(intent)
        this.#log('info', 'handoff.logout')
        return this.#returnToWelcome()
      default:
        // Intents for the staff screen are the staff desk's, around the session.
        return this.#ignored(intent)
    }
  }

  /** The renderer crashed or was reloaded: nothing on screen belongs to the parent any more. */
  rendererGone(): void {
    // Out of service stays out of service: a reloaded screen must not hide that BankID is down.
    if (this.#screen.name === 'out-of-service') return this.#emit()
    this.#finish('abandoned', { name: 'welcome' }, true)
  }

  /** Resolves when no BankID request, QR render or cancel started by the session is still running. */
  async whenIdle(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight])
  }

  /** Quit: cancels a pending order (bounded in time), stops every timer. */
  async dispose(): Promise<void> {
    if (this.#disposed) return
    if (this.#attempt) this.#endAttempt(this.#screen.name === 'logged-in' ? 'success' : 'abandoned')
    this.#disposed = true
    this.#clearWarning()
    this.#deps.scheduler.clearTimeout(this.#idleTimer)
    this.#deps.scheduler.clearTimeout(this.#screenTimer)
    this.#listeners.clear()
    // One last try for every cancel BankID has not confirmed, then no more timers.
    await Promise.allSettled(this.#retryCancelsNow())
    await this.whenIdle()
  }

  // ---- starting a login --------------------------------------------------------------------

  #onStart(typed: string | undefined): void {
    const screen = this.#screen.name
    if (this.#deps.settings.mode === 'qr') {
      if (screen !== 'welcome' && screen !== 'failure') return this.#ignored({ type: 'start' })
      return this.#startAttempt(null)
    }
    if (screen !== 'keypad') return this.#ignored({ type: 'start' })
    // The keypad validated this already; main checks again because it trusts nothing it is sent.
    const parsed = parsePersonnummer(typed ?? '', this.#deps.today())
    if (!parsed.ok) return this.#show({ name: 'keypad', fault: parsed.error.kind })
    this.#startAttempt(parsed.value.normalized)
  }

  #startAttempt(personnummer: string | null): void {
    const now = this.#deps.scheduler.now()
    const attempt: Attempt = {
      id: this.#nextAttemptId++,
      personnummer,
      order: null,
      restarts: 0,
      startedAt: now,
      windowEndsAt: now + this.#timing.qrRestartWindowMs,
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
    this.#attempt = attempt
    this.#log('info', 'session.start', { attempt: attempt.id, mode: personnummer ? 'personnummer' : 'qr' })
    this.#show({ name: 'starting' })
    attempt.limitTimer = this.#deps.scheduler.setTimeout(() => this.#onWindowOver(attempt), this.#timing.qrRestartWindowMs)
    // A previous parent's order that BankID never confirmed cancelled would meet this one as
    // alreadyInProgress if it is the same person: try those cancels first (each bounded in time).
    const retries = this.#retryCancelsNow()
    if (retries.length === 0) return this.#order(attempt)
    void this.#track(
      Promise.allSettled(retries).then(() => {
        if (!attempt.ended) this.#order(attempt)
      }),
    )
  }

  /** Starts a BankID order for the attempt (first time, or a silent restart after startFailed). */
  #order(attempt: Attempt): void {
    const request = {
      endUserIp: this.#deps.settings.endUserIp,
      userVisibleData: encodeUserVisibleData(this.#deps.settings.intentText),
      userVisibleDataFormat: 'plaintext' as const,
      ...(attempt.personnummer || this.#deps.settings.certificatePolicies
        ? {
            requirement: {
              ...(attempt.personnummer ? { personalNumber: attempt.personnummer } : {}),
              ...(this.#deps.settings.certificatePolicies
                ? { certificatePolicies: this.#deps.settings.certificatePolicies }
                : {}),
            },
          }
        : {}),
    }
    this.#track(this.#deps.bankId.auth(request, { timeoutMs: this.#timing.requestTimeoutMs })).then((result) => {
      if (attempt.ended) {
        // The parent left while BankID was creating the order: it must not outlive them.
        if (result.ok) void this.#cancelOrder(result.value.response.orderRef)
        return
      }
      if (!result.ok) return this.#fail(attempt, this.#causeOf(result.error), result.error)
      this.#serviceFailures = 0
      this.#onOrderStarted(attempt, result.value)
    })
  }

  #onOrderStarted(attempt: Attempt, started: StartedOrder): void {
    const { orderRef } = started.response
    attempt.order = {
      orderRef,
      startedAt: started.receivedAt,
      qr: new AnimatedQr(started.response, started.receivedAt, this.#deps.scheduler),
      pickedUp: false,
      final: false,
    }
    attempt.messageKey = 'bankid.rfa1'
    this.#log('info', 'order.started', { attempt: attempt.id, orderRefHash: this.#deps.hashOrderRef(orderRef), restarts: attempt.restarts })
    this.#renderFrame(attempt, true)
    this.#scheduleSecond(attempt)
    this.#scheduleCollect(attempt, this.#timing.collectIntervalMs)
  }

  // ---- while waiting -----------------------------------------------------------------------

  /** One tick a second, on the order's own second boundaries: a new QR frame, a new countdown. */
  #scheduleSecond(attempt: Attempt): void {
    const order = attempt.order
    if (!order) return
    const elapsed = this.#deps.scheduler.now() - order.startedAt
    const delay = 1000 - (((elapsed % 1000) + 1000) % 1000)
    attempt.secondTimer = this.#deps.scheduler.setTimeout(() => {
      if (attempt.ended || attempt.order !== order) return
      if (order.pickedUp) this.#emit()
      else this.#renderFrame(attempt, false)
      this.#scheduleSecond(attempt)
    }, delay)
  }

  #renderFrame(attempt: Attempt, first: boolean): void {
    const order = attempt.order
    if (!order || order.pickedUp) return
    const frame = order.qr.frame()
    this.#track(this.#deps.renderQr(frame.payload)).then(
      (svg) => {
        // A frame that arrives after pickup, after the end or after a newer frame is dropped.
        if (attempt.ended || attempt.order !== order || order.pickedUp || order.qr.secondsElapsed() !== frame.seconds) return
        attempt.qrSvg = svg
        if (first) this.#show({ name: 'waiting' })
        else this.#emit()
      },
      (error: unknown) => this.#fail(attempt, 'unknown', undefined, `QR-${error instanceof Error ? error.name : 'render'}`),
    )
  }

  #scheduleCollect(attempt: Attempt, delay: number): void {
    attempt.collectTimer = this.#deps.scheduler.setTimeout(() => this.#collect(attempt), delay)
  }

  #collect(attempt: Attempt): void {
    const order = attempt.order
    if (attempt.ended || !order || order.final) return
    const started = this.#deps.scheduler.now()
    attempt.collecting = new AbortController()
    const options = { timeoutMs: this.#timing.requestTimeoutMs, signal: attempt.collecting.signal }
    this.#track(this.#deps.bankId.collect(order.orderRef, options)).then((result) => {
      attempt.collecting = null
      if (attempt.ended || attempt.order !== order) return
      if (!result.ok) {
        order.final = result.error.kind === 'order-finished'
        return this.#fail(attempt, this.#causeOf(result.error), result.error)
      }
      this.#serviceFailures = 0
      this.#onCollected(attempt, order, result.value)
      if (!attempt.ended && attempt.order === order && !order.final) {
        // Every interval from the start of the last collect, and never two at once.
        const spent = this.#deps.scheduler.now() - started
        this.#scheduleCollect(attempt, Math.max(0, this.#timing.collectIntervalMs - spent))
      }
    })
  }

  #onCollected(attempt: Attempt, order: Order, response: CollectResponse): void {
    switch (response.status) {
      case 'pending': {
        const hint = response.hintCode ?? ''
        attempt.messageKey = messageForPendingHint(hint)
        if (!order.pickedUp && PICKED_UP_HINTS.has(hint)) this.#onPickedUp(attempt, order)
        this.#log('debug', 'order.pending', { attempt: attempt.id, hint: hint.slice(0, 64) })
        return this.#emit()
      }
      case 'failed': {
        order.final = true
        const hint = response.hintCode
        this.#log('info', 'order.failed', { attempt: attempt.id, orderRefHash: this.#deps.hashOrderRef(order.orderRef), hint })
        const now = this.#deps.scheduler.now()
        if (hint === 'startFailed' && !order.pickedUp && now < attempt.windowEndsAt) return this.#restart(attempt)
        return this.#fail(attempt, causeOfHint(hint), undefined, `H-${sanitize(hint)}`, messageForFailedHint(hint))
      }
      case 'complete': {
        order.final = true
        const user = response.completionData.user
        // Only the person whose number was typed may log in (requirement.personalNumber already
        // says so to BankID; this makes sure of it).
        if (attempt.personnummer !== null && user.personalNumber !== attempt.personnummer) {
          return this.#fail(attempt, 'unknown', undefined, 'C-PERSON-MISMATCH')
        }
        this.#log('info', 'order.complete', { attempt: attempt.id, orderRefHash: this.#deps.hashOrderRef(order.orderRef) })
        if (this.#deps.handoff) {
          const completion = { orderRef: order.orderRef, completionData: response.completionData }
          return this.#handOff(attempt, this.#deps.handoff, 'handoff' in response ? { ...completion, gatewayAnswer: response.handoff } : completion)
        }
        return this.#succeed(user.givenName)
      }
    }
  }

  #onPickedUp(attempt: Attempt, order: Order): void {
    order.pickedUp = true
    // Scanning is using the kiosk: the parent is evidently there.
    this.#touch()
    attempt.qrSvg = null
    attempt.deadline = this.#deps.scheduler.now() + this.#timing.orderTimeoutMs
    this.#deps.scheduler.clearTimeout(attempt.limitTimer)
    attempt.limitTimer = this.#deps.scheduler.setTimeout(
      () => this.#fail(attempt, 'timeout', undefined, 'T-LIMIT', 'bankid.rfa8'),
      this.#timing.orderTimeoutMs,
    )
    this.#log('info', 'order.picked-up', { attempt: attempt.id })
  }

  /** startFailed within the window: a fresh order and QR, without troubling the parent. */
  #restart(attempt: Attempt): void {
    attempt.restarts += 1
    this.#clearOrderTimers(attempt)
    attempt.order = null
    this.#log('info', 'order.restart', { attempt: attempt.id, restarts: attempt.restarts })
    this.#order(attempt)
  }

  /** The restart window ran out with the QR still unscanned. */
  #onWindowOver(attempt: Attempt): void {
    if (attempt.ended || attempt.order?.pickedUp) return
    this.#fail(attempt, 'scan-failed', undefined, 'T-WINDOW', 'bankid.rfa17b')
    // Nobody may be there any more (product.md §2.3): ask before leaving the screen up.
    this.#startWarning()
    this.#emit()
  }

  // ---- endings -----------------------------------------------------------------------------

  #succeed(givenName: string): void {
    this.#endAttempt('success')
    // Whoever finished in the app is standing here.
    this.#clearWarning()
    const until = this.#deps.scheduler.now() + this.#timing.loggedInMs
    this.#show({ name: 'logged-in', givenName, until })
  }

  /** BankID said complete: the school's service is told, and the parent sees what it answers. */
  #handOff(attempt: Attempt, handoff: HandoffPort, completion: HandoffCompletion): void {
    this.#clearOrderTimers(attempt)
    this.#deps.scheduler.clearTimeout(attempt.limitTimer)
    attempt.limitTimer = null
    attempt.completion = completion
    attempt.handingOff = new AbortController()
    const givenName = completion.completionData.user.givenName
    // Whoever finished in the app is standing here.
    this.#clearWarning()
    this.#show({ name: 'handing-off', givenName })
    this.#track(handoff.deliver(attempt.completion, { signal: attempt.handingOff.signal })).then(
      (result) => this.#onHandedOff(attempt, handoff, givenName, result),
      () => this.#onHandedOff(attempt, handoff, givenName, { ok: false, reference: 'HO-INTERNAL', status: null, tries: 0, latencyMs: 0 }),
    )
  }

  #onHandedOff(attempt: Attempt, handoff: HandoffPort, givenName: string, result: HandoffResult): void {
    // Abandoned meanwhile (renderer gone, quit): #endAttempt has already dropped everything.
    if (attempt.ended) return
    attempt.completion = null
    attempt.handingOff = null
    const fields = { attempt: attempt.id, status: result.status, tries: result.tries, latencyMs: result.latencyMs }
    if (!result.ok) {
      this.#log('warn', 'handoff.failed', { ...fields, reference: result.reference, staffReference: staffReference(result.reference) })
      return this.#fail(attempt, 'handoff-failed', undefined, result.reference)
    }
    this.#endAttempt('success')
    if (result.answer.kind === 'message') {
      this.#log('info', 'handoff.message', fields)
      const until = this.#deps.scheduler.now() + handoff.messageMs
      return this.#show({ name: 'handoff-message', givenName, message: result.answer.message, until })
    }
    // Only the origin: a page's path or query may carry a session token.
    this.#log('info', 'handoff.view', { ...fields, origin: new URL(result.answer.url).origin })
    this.#show({ name: 'handoff-view', url: result.answer.url })
  }

  #fail(
    attempt: Attempt,
    cause: FailureCause,
    failure?: BankIdFailure,
    reference?: string,
    messageKey?: BankIdMessageKey,
  ): void {
    if (attempt.ended) return
    const ref = reference ?? (failure ? referenceFor(failure) : 'U-UNKNOWN')
    // The parent reads only staffReference(ref); the log and the staff screen carry both.
    const references = { reference: ref, staffReference: staffReference(ref) }
    if (failure) this.#log('warn', 'bankid.failure', { attempt: attempt.id, cause, failure: describeFailure(failure), ...references })
    const isService = cause === 'bankid-unavailable' || cause === 'network' || cause === 'tls'
    this.#serviceFailures = isService ? this.#serviceFailures + 1 : 0
    if (isService && this.#serviceFailures >= this.#timing.serviceFailuresBeforeOutOfService) {
      this.#endAttempt(cause)
      return this.#enterOutOfService(ref, failure ? describeFailure(failure) : cause)
    }
    this.#endAttempt(cause)
    this.#log('info', 'failure.shown', { attempt: attempt.id, cause, ...references })
    this.#show({
      name: 'failure',
      cause,
      messageKey: messageKey ?? (failure ? messageForFailure(failure) : null),
      reference: ref,
    })
  }

  /** Ends a login from any screen and shows `next`. */
  #finish(outcome: SessionOutcome, next: ScreenState, resetLanguage = false): void {
    // Only a started login has an outcome to count; leaving the keypad or FAQ is not one.
    if (this.#attempt) this.#endAttempt(outcome)
    if (resetLanguage) this.#resetPreferences()
    this.#clearWarning()
    this.#show(next)
  }

  #returnToWelcome(): void {
    this.#resetPreferences()
    this.#clearWarning()
    this.#show({ name: 'welcome' })
  }

  /**
   * The one exit of every attempt: stops its timers and requests, cancels a pending order
   * (best effort, bounded, errors swallowed) and forgets the personnummer.
   */
  #endAttempt(outcome: SessionOutcome): void {
    const attempt = this.#attempt
    if (!attempt || attempt.ended) return
    attempt.ended = true
    this.#clearOrderTimers(attempt)
    this.#deps.scheduler.clearTimeout(attempt.limitTimer)
    if (attempt.order && !attempt.order.final) void this.#cancelOrder(attempt.order.orderRef)
    // A hand-off still running is abandoned: its answer could only reach the wrong parent.
    attempt.handingOff?.abort()
    attempt.handingOff = null
    attempt.completion = null
    attempt.personnummer = null
    attempt.order = null
    attempt.qrSvg = null
    this.#attempt = null
    const seconds = Math.round((this.#deps.scheduler.now() - attempt.startedAt) / 1000)
    this.#log('info', 'session.end', { attempt: attempt.id, outcome, seconds, restarts: attempt.restarts })
    this.#deps.events.outcome(outcome)
  }

  /** The next parent starts with the administrator's language and the normal layout. */
  #resetPreferences(): void {
    this.#language = this.#deps.settings.defaultLanguage
    this.#lowReach = false
  }

  /**
   * Cancels an order, best effort and bounded in time. When BankID cannot be reached the cancel is
   * tried again (5, 10, 20, 30, 30… s) until it answers or the order must have expired there, so a
   * parent who walked away never leaves an order open behind them.
   */
  #cancelOrder(orderRef: string): Promise<void> {
    const orderRefHash = this.#deps.hashOrderRef(orderRef)
    const pending = this.#unconfirmedCancels.get(orderRef)
    if (pending) this.#deps.scheduler.clearTimeout(pending.timer)
    const tries = (pending?.tries ?? 0) + 1
    const giveUpAt = pending?.giveUpAt ?? this.#deps.scheduler.now() + CANCEL_RETRY_LIMIT_MS
    this.#unconfirmedCancels.set(orderRef, { tries, giveUpAt, timer: null })
    const cancelling = this.#deps.bankId.cancel(orderRef, { timeoutMs: this.#timing.cancelTimeoutMs })
    return this.#track(cancelling).then((result) => {
      if (result.ok) {
        this.#unconfirmedCancels.delete(orderRef)
        return this.#log('info', 'order.cancelled', { orderRefHash, tries })
      }
      const failure = result.error
      if (failure.kind === 'bankid-error' && failure.errorCode === 'invalidParameters' && tries > 1) {
        // After an earlier try went unanswered: BankID no longer knows the order, which is what we wanted.
        this.#unconfirmedCancels.delete(orderRef)
        return this.#log('info', 'order.cancel-unneeded', { orderRefHash, tries })
      }
      const retryIn = Math.min(CANCEL_RETRY_FIRST_MS * 2 ** (tries - 1), CANCEL_RETRY_MAX_MS)
      const willRetry =
        isUnanswered(failure) && !this.#disposed && this.#deps.scheduler.now() + retryIn < giveUpAt
      this.#log('warn', 'order.cancel-failed', { orderRefHash, failure: describeFailure(failure), tries, willRetry })
      if (!willRetry) {
        this.#unconfirmedCancels.delete(orderRef)
        return
      }
      const timer = this.#deps.scheduler.setTimeout(() => void this.#cancelOrder(orderRef), retryIn)
      this.#unconfirmedCancels.set(orderRef, { tries, giveUpAt, timer })
    })
  }

  /** Every unconfirmed cancel, tried now instead of at its timer. */
  #retryCancelsNow(): Promise<void>[] {
    return [...this.#unconfirmedCancels.entries()]
      .filter(([, pending]) => pending.timer !== null)
      .map(([orderRef]) => this.#cancelOrder(orderRef))
  }

  #clearOrderTimers(attempt: Attempt): void {
    this.#deps.scheduler.clearTimeout(attempt.collectTimer)
    this.#deps.scheduler.clearTimeout(attempt.secondTimer)
    attempt.collectTimer = null
    attempt.secondTimer = null
    attempt.collecting?.abort()
    attempt.collecting = null
  }

  // ---- out of service ----------------------------------------------------------------------

  #enterOutOfService(reference: string, staffMessage: string): void {
    const retryAt = this.#deps.scheduler.now() + this.#timing.outOfServiceRetryMs
    this.#log('error', 'service.out', { reference, staffReference: staffReference(reference), staffMessage })
    this.#clearWarning()
    this.#show({ name: 'out-of-service', reference, staffMessage, retryAt })
  }

  /** Asks BankID about an order that cannot exist: "No such order" proves it is reachable and trusts us. */
  #probe(): void {
    this.#track(this.#deps.bankId.collect(randomUUID(), { timeoutMs: this.#timing.requestTimeoutMs })).then((result) => {
      if (this.#disposed || this.#screen.name !== 'out-of-service') return
      const reachable =
        !result.ok && result.error.kind === 'bankid-error' && result.error.errorCode === 'invalidParameters'
      if (reachable) {
        this.#serviceFailures = 0
        this.#log('info', 'service.back')
        return this.#returnToWelcome()
      }
      const failure = result.ok ? 'unexpected answer' : describeFailure(result.error)
      this.#enterOutOfService(result.ok ? 'P-UNEXPECTED' : referenceFor(result.error), failure)
    })
  }

  // ---- idle --------------------------------------------------------------------------------

  #touch(): void {
    this.#lastActivity = this.#deps.scheduler.now()
    this.#clearWarning()
    this.#scheduleIdle()
  }

  #scheduleIdle(): void {
    this.#deps.scheduler.clearTimeout(this.#idleTimer)
    this.#idleTimer = null
    const screen = this.#screen.name
    if (NO_IDLE.has(screen) || this.#disposed) return
    const limit = screen === 'waiting' || screen === 'starting' ? this.#timing.waitingIdleMs : this.#timing.idleMs
    const due = this.#lastActivity + limit
    this.#idleTimer = this.#deps.scheduler.setTimeout(() => this.#onIdle(), due - this.#deps.scheduler.now())
  }

  #onIdle(): void {
    if (this.#screen.name === 'welcome') {
      // Nobody is using the kiosk: quietly put the language back for the next parent.
      if (this.#language !== this.#deps.settings.defaultLanguage || this.#lowReach) {
        this.#resetPreferences()
        this.#emit()
      }
      return
    }
    this.#startWarning()
    this.#emit()
  }

  #startWarning(): void {
    if (this.#warningDeadline !== null) return
    this.#warningDeadline = this.#deps.scheduler.now() + this.#timing.idleWarningMs
    this.#log('info', 'idle.warning', { screen: this.#screen.name })
    this.#tickWarning()
  }

  #tickWarning(): void {
    const deadline = this.#warningDeadline
    if (deadline === null) return
    const now = this.#deps.scheduler.now()
    if (now >= deadline) {
      this.#warningDeadline = null
      this.#log('info', 'idle.timeout', { screen: this.#screen.name })
      return this.#finish('abandoned', { name: 'welcome' }, true)
    }
    const untilNextSecond = ((deadline - now) % 1000) || 1000
    this.#warningTimer = this.#deps.scheduler.setTimeout(() => {
      this.#tickWarning()
      if (this.#warningDeadline !== null) this.#emit()
    }, untilNextSecond)
  }

  #clearWarning(): void {
    this.#warningDeadline = null
    this.#deps.scheduler.clearTimeout(this.#warningTimer)
    this.#warningTimer = null
  }

  // ---- publishing --------------------------------------------------------------------------

  #show(screen: ScreenState): void {
    // After dispose() nothing may arm a timer again (a late answer would otherwise revive the screens).
    if (this.#disposed) return
    // A new screen gets a full idle period of its own: a parent needs time to read a failure
    // that arrives long after they last touched the kiosk.
    if (screen.name !== this.#screen.name) this.#lastActivity = this.#deps.scheduler.now()
    this.#screen = screen
    this.#deps.scheduler.clearTimeout(this.#screenTimer)
    this.#screenTimer = null
    if (screen.name === 'logged-in' || screen.name === 'handoff-message') {
      this.#screenTimer = this.#deps.scheduler.setTimeout(() => this.#tickLoggedIn(), 1000)
    } else if (screen.name === 'out-of-service' && screen.retryAt !== null) {
      this.#screenTimer = this.#deps.scheduler.setTimeout(() => this.#tickOutOfService(), 1000)
    }
    this.#scheduleIdle()
    this.#emit()
  }

  /** The countdown of "logged in" and of the service's message, back to welcome at 0. */
  #tickLoggedIn(): void {
    if (this.#screen.name !== 'logged-in' && this.#screen.name !== 'handoff-message') return
    if (this.#deps.scheduler.now() >= this.#screen.until) return this.#returnToWelcome()
    this.#screenTimer = this.#deps.scheduler.setTimeout(() => this.#tickLoggedIn(), 1000)
    this.#emit()
  }

  #tickOutOfService(): void {
    const screen = this.#screen
    if (screen.name !== 'out-of-service' || screen.retryAt === null) return
    if (this.#deps.scheduler.now() >= screen.retryAt) {
      // Retrying now: 0 seconds to go until the probe answers (null means no retry at all).
      this.#screen = { ...screen, retryAt: this.#deps.scheduler.now() }
      this.#emit()
      return this.#probe()
    }
    this.#screenTimer = this.#deps.scheduler.setTimeout(() => this.#tickOutOfService(), 1000)
    this.#emit()
  }

  #emit(): void {
    if (this.#disposed) return
    this.#sequence += 1
    const snapshot = this.snapshot()
    for (const listener of this.#listeners) listener(snapshot)
  }

  #publicScreen(): Screen {
    const screen = this.#screen
    const attempt = this.#attempt
    const masked = attempt?.personnummer ? maskPersonnummer(attempt.personnummer) : null
    switch (screen.name) {
      case 'welcome':
      case 'faq':
        return { name: screen.name }
      case 'guide':
        return { name: 'guide', installQrSvg: this.#deps.settings.installQrSvg }
      case 'keypad':
        return { name: 'keypad', fault: screen.fault }
      case 'starting':
        return { name: 'starting', maskedPersonnummer: masked }
      case 'waiting': {
        const limit = attempt?.deadline ?? attempt?.windowEndsAt ?? this.#deps.scheduler.now()
        return {
          name: 'waiting',
          qrSvg: attempt?.qrSvg ?? null,
          messageKey: attempt?.messageKey ?? 'bankid.rfa1',
          secondsLeft: this.#secondsUntil(limit),
          maskedPersonnummer: masked,
        }
      }
      case 'logged-in':
        return {
          name: 'logged-in',
          givenName: screen.givenName,
          secondsLeft: this.#secondsUntil(screen.until),
          secondsTotal: Math.ceil(this.#timing.loggedInMs / 1000),
        }
      case 'handing-off':
        return { name: 'handing-off', givenName: screen.givenName }
      case 'handoff-message':
        return {
          name: 'handoff-message',
          givenName: screen.givenName,
          message: screen.message,
          secondsLeft: this.#secondsUntil(screen.until),
        }
      case 'handoff-view':
        return { name: 'handoff-view', url: screen.url }
      case 'failure':
        return { name: 'failure', cause: screen.cause, messageKey: screen.messageKey, reference: screen.reference }
      case 'out-of-service':
        return {
          name: 'out-of-service',
          reference: screen.reference,
          staffMessage: screen.staffMessage,
          secondsToRetry: screen.retryAt === null ? null : this.#secondsUntil(screen.retryAt),
        }
    }
  }

  // ---- helpers -----------------------------------------------------------------------------

  #secondsUntil(at: number): number {
    return Math.max(0, Math.ceil((at - this.#deps.scheduler.now()) / 1000))
  }

  #causeOf(failure: BankIdFailure): FailureCause {
    switch (failure.kind) {
      case 'bankid-error':
        if (failure.errorCode === 'alreadyInProgress') return 'already-in-progress'
        if (['internalError', 'maintenance', 'requestTimeout'].includes(failure.errorCode)) return 'bankid-unavailable'
        return 'unknown'
      case 'network':
      case 'timeout':
        return 'network'
      case 'tls':
        return 'tls'
      default:
        return 'unknown'
    }
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#inflight.add(promise)
    void promise.finally(() => this.#inflight.delete(promise)).catch(() => undefined)
    return promise
  }

  #ignored(intent: Intent): void {
    this.#log('debug', 'intent.ignored', { intent: intent.type, screen: this.#screen.name })
  }

  #log(level: 'info' | 'warn' | 'error' | 'debug', event: string, fields?: Record<string, unknown>): void {
    this.#deps.events.log(level, event, fields)
  }
}

interface UnconfirmedCancel {
  tries: number
  /** Scheduler time after which BankID has expired the order by itself. */
  giveUpAt: number
  timer: TimerHandle | null
}

const CANCEL_RETRY_FIRST_MS = 5_000
const CANCEL_RETRY_MAX_MS = 30_000
/** BankID ends an order by itself within minutes (product.md §7: 3-minute collect window, 5 with signing). */
const CANCEL_RETRY_LIMIT_MS = 6 * 60_000

/** A failure after which BankID may never have seen the cancel, or could not act on it: worth trying again. */
function isUnanswered(failure: BankIdFailure): boolean {
  if (failure.kind === 'network' || failure.kind === 'timeout' || failure.kind === 'malformed-response') return true
  return failure.kind === 'bankid-error' && ['internalError', 'maintenance', 'requestTimeout'].includes(failure.errorCode)
}

/** Failed hint code → failure screen. Unknown codes get the generic screen. */
function causeOfHint(hint: string): FailureCause {
  switch (hint) {
    case 'expiredTransaction':
      return 'timeout'
    case 'userCancel':
      return 'cancelled-in-app'
    case 'cancelled':
      return 'cancelled-new-order'
    case 'certificateErr':
      return 'blocked'
    case 'startFailed':
      return 'scan-failed'
    case 'notSupportedByUserApp':
      return 'app-too-old'
    case 'transactionRiskBlocked':
      return 'risk-blocked'
    default:
      return 'unknown'
  }
}

const sanitize = (text: string) => text.replace(/[^A-Za-z0-9_]/g, '').slice(0, 40) || 'none'

/**
 * A short code for staff to look up in the log and the docs. The parent's screen shows only its
 * neutral staffReference (src/shared/staff-reference.ts); the snapshot and the log carry this code.
 */
export function referenceFor(failure: BankIdFailure): string {
  switch (failure.kind) {
    case 'bankid-error':
    case 'unknown-error-code':
      return `B-${failure.httpStatus}-${sanitize(failure.errorCode)}`
    case 'network':
      return `N-${sanitize(failure.code)}`
    case 'timeout':
      return 'N-TIMEOUT'
    case 'tls':
      return `TLS-${sanitize(failure.code)}`
    case 'malformed-response':
      return `M-${failure.httpStatus}`
    case 'invalid-request':
      return `R-${sanitize(failure.field)}`
    case 'order-finished':
      return 'R-FINISHED'
    case 'aborted':
      return 'R-ABORTED'
  }
}
