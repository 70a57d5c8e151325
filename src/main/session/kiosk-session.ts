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
//
// The session coordinates; the parts are its own modules, each given what it needs:
//   bankid-order.ts   the attempt and its BankID order (auth, collect loop, QR frames, restart)
//   cancel-retries.ts cancels that must reach BankID, retried until they do
//   intent-routing.ts which intent means what on which screen
//   parent-timers.ts  idle, "Are you still there?", the screen's own timer
//   screen-state.ts   the screen state and the snapshot built from it
//   handoff-step.ts   the hand-off to the school's service
//   service-watch.ts  service failures in a row, and the probe that finds BankID again
//   out-of-service.ts the out-of-service screen: entered, probed, left
//   qr-window.ts      how long an unscanned QR stays up, and the question before it ends
//   references.ts     reference codes and failure causes
import type { BankIdFailure } from '../bankid/failure'
import type { SessionOutcome } from '../counters/outcome-counters'
import type { BankIdMessageKey } from '../../shared/bankid-messages'
import type { FailureCause, Intent, Snapshot } from '../../shared/contract'
import { parsePersonnummer } from '../../shared/personnummer'
import type { Attempt } from './bankid-order'
import { BankIdOrders, newAttempt } from './bankid-order'
import { CancelRetries } from './cancel-retries'
import { complete } from './handoff-step'
import type { HandoffHost } from './handoff-step'
import { routeIntent } from './intent-routing'
import { OutOfService } from './out-of-service'
import { ParentPreferences } from './preferences'
import { QrWindow } from './qr-window'
import { IdleWatch, ScreenTimer } from './parent-timers'
import { failureReport } from './references'
import { Inflight } from './inflight'
import type { ScreenState } from './screen-state'
import { buildSnapshot, countdownStep, hasCountdown, NO_IDLE } from './screen-state'
import { ServiceWatch } from './service-watch'
import type { LogLevel, SessionDependencies, SessionTiming } from './session-types'

export type {
  BankIdPort,
  HandoffPort,
  SessionDependencies,
  SessionEvents,
  SessionSettings,
  SessionTiming,
} from './session-types'
export { referenceFor } from './references'
export { MIN_COLLECT_GAP_MS, nextCollectDelay } from './bankid-order'

export class KioskSession {
  readonly #deps: SessionDependencies
  readonly #timing: SessionTiming
  readonly #listeners = new Set<(snapshot: Snapshot) => void>()
  readonly #inflight = new Inflight()
  readonly #orders: BankIdOrders
  readonly #cancels: CancelRetries
  readonly #idle: IdleWatch
  readonly #screenTimer: ScreenTimer
  readonly #handoffHost: HandoffHost
  readonly #service: ServiceWatch
  readonly #outOfService: OutOfService
  readonly #window: QrWindow
  #screen: ScreenState = { name: 'welcome' }
  #attempt: Attempt | null = null
  /** The failed attempt's number, only while its failure screen is up: "Försök igen" without retyping. */
  #retryNumber: string | null = null
  #nextAttemptId = 1
  readonly #preferences: ParentPreferences
  #sequence = 0
  #disposed = false

  constructor(deps: SessionDependencies) {
    this.#deps = deps
    this.#timing = deps.settings.timing
    this.#preferences = new ParentPreferences(deps.settings.defaultLanguage)
    const log = (level: LogLevel, event: string, fields?: Record<string, unknown>) => this.#log(level, event, fields)
    const { track } = this.#inflight
    const { scheduler, hashOrderRef } = deps
    // What every part that talks to BankID or the school's service is given.
    const common = { scheduler, hashOrderRef, log, track }
    this.#idle = new IdleWatch({
      scheduler,
      timing: this.#timing,
      log,
      screen: () => this.#screen.name,
      hasIdle: () => !NO_IDLE.has(this.#screen.name) && !this.#disposed,
      // Nobody is using the kiosk: quietly put the language back for the next parent.
      idleOnWelcome: () => this.#preferences.reset() && this.#emit(),
      changed: () => this.#emit(),
      timedOut: () => this.#finish('abandoned', { name: 'welcome' }, true),
    })
    this.#screenTimer = new ScreenTimer(scheduler)
    this.#window = new QrWindow({
      scheduler,
      timing: this.#timing,
      log,
      ask: () => {
        this.#idle.startWarning()
        this.#emit()
      },
      giveUp: (attempt) => this.#fail(attempt, 'scan-failed', undefined, 'T-WINDOW', 'bankid.rfa17b'),
    })
    this.#service = new ServiceWatch({
      bankId: deps.bankId,
      failuresBeforeOut: this.#timing.serviceFailuresBeforeOutOfService,
      requestTimeoutMs: this.#timing.requestTimeoutMs,
    })
    this.#outOfService = new OutOfService({
      ...common,
      service: this.#service,
      retryMs: this.#timing.outOfServiceRetryMs,
      show: (screen) => {
        this.#idle.clearWarning()
        this.#show(screen)
      },
      isShowing: () => !this.#disposed && this.#screen.name === 'out-of-service',
      backInService: () => this.#returnToWelcome(),
    })
    this.#cancels = new CancelRetries({
      ...common,
      bankId: deps.bankId,
      cancelTimeoutMs: this.#timing.cancelTimeoutMs,
      isDisposed: () => this.#disposed,
    })
    this.#orders = new BankIdOrders({
      ...common,
      bankId: deps.bankId,
      renderQr: deps.renderQr,
      settings: deps.settings,
      host: {
        fail: (attempt, cause, failure, reference, messageKey) => this.#fail(attempt, cause, failure, reference, messageKey),
        serviceAnswered: () => this.#service.answered(),
        showWaiting: () => this.#show({ name: 'waiting' }),
        changed: () => this.#emit(),
        touched: () => this.#idle.touch(),
        completed: (attempt, order, response) => complete(this.#handoffHost, attempt, order, response, deps.handoff),
        cancel: (orderRef) => this.#cancels.cancel(orderRef),
      },
    })
    this.#handoffHost = {
      ...common,
      stopOrder: (attempt) => this.#orders.clearTimers(attempt),
      clearWarning: () => this.#idle.clearWarning(),
      show: (screen) => this.#show(screen),
      fail: (attempt, cause, reference) => this.#fail(attempt, cause, undefined, reference),
      succeeded: () => this.#endAttempt('success'),
      loggedInMs: this.#timing.loggedInMs,
    }
  }

  // ---- the outside world -------------------------------------------------------------------

  subscribe(listener: (snapshot: Snapshot) => void): () => void {
    this.#listeners.add(listener)
    listener(this.snapshot())
    return () => this.#listeners.delete(listener)
  }

  snapshot(): Snapshot {
    return buildSnapshot({
      sequence: this.#sequence,
      screen: this.#screen,
      attempt: this.#attempt,
      warningDeadline: this.#idle.warningDeadline,
      language: this.#preferences.language,
      lowReach: this.#preferences.lowReach,
      settings: this.#deps.settings,
      now: this.#deps.scheduler.now(),
    })
  }

  /** An intent from the renderer, already validated against the contract's schema. */
  dispatch(intent: Intent): void {
    if (this.#disposed) return
    this.#idle.touch()
    // A touch answers "are you still there?" asked as the QR's time ran out (Avbryt is its own answer).
    if (this.#attempt && intent.type !== 'cancel') this.#window.answered(this.#attempt)
    const { mode, languages } = this.#deps.settings
    const retryNumber = this.#retryNumber !== null
    const action = routeIntent(intent, { screen: this.#screen.name, mode, languages, retryNumber })
    switch (action.kind) {
      case 'ignore':
        return this.#log('debug', 'intent.ignored', { intent: intent.type, screen: this.#screen.name })
      case 'refresh':
        return this.#emit()
      case 'set-language':
        this.#preferences.language = action.language
        return this.#emit()
      case 'set-low-reach':
        this.#preferences.lowReach = action.on
        return this.#emit()
      case 'show':
        return this.#show(action.screen)
      case 'start-qr':
        return this.#startAttempt(null)
      case 'start-again':
        return this.#startAttempt(this.#retryNumber)
      case 'start':
        return this.#startTyped(action.typed)
      case 'cancel':
        return this.#finish('cancelled', { name: 'welcome' })
      case 'welcome':
        if (action.logout) this.#log('info', 'handoff.logout')
        return this.#returnToWelcome()
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
    await this.#inflight.settled()
  }

  /** Quit: cancels a pending order (bounded in time), stops every timer. */
  async dispose(): Promise<void> {
    if (this.#disposed) return
    if (this.#attempt) this.#endAttempt(this.#screen.name === 'logged-in' ? 'success' : 'abandoned')
    this.#disposed = true
    this.#retryNumber = null
    this.#idle.stop()
    this.#screenTimer.clear()
    this.#listeners.clear()
    // One last try for every cancel BankID has not confirmed, then no more timers.
    await Promise.allSettled(this.#cancels.retryNow())
    await this.whenIdle()
  }

  // ---- starting a login --------------------------------------------------------------------

  #startTyped(typed: string | undefined): void {
    // The keypad validated this already; main checks again because it trusts nothing it is sent.
    const parsed = parsePersonnummer(typed ?? '', this.#deps.today())
    if (!parsed.ok) return this.#show({ name: 'keypad', fault: parsed.error.kind })
    this.#startAttempt(parsed.value.normalized)
  }

  #startAttempt(personnummer: string | null): void {
    const attempt = newAttempt(this.#nextAttemptId++, personnummer, this.#deps.scheduler.now(), this.#timing)
    this.#attempt = attempt
    this.#log('info', 'session.start', { attempt: attempt.id, mode: personnummer ? 'personnummer' : 'qr' })
    this.#show({ name: 'starting' })
    this.#window.arm(attempt)
    // A previous parent's order that BankID never confirmed cancelled would meet this one as
    // alreadyInProgress if it is the same person: try those cancels first (each bounded in time).
    const retries = this.#cancels.retryNow()
    if (retries.length === 0) return this.#orders.order(attempt)
    void this.#inflight.track(
      Promise.allSettled(retries).then(() => {
        if (!attempt.ended) this.#orders.order(attempt)
      }),
    )
  }

  // ---- endings -----------------------------------------------------------------------------

  #fail(
    attempt: Attempt,
    cause: FailureCause,
    failure?: BankIdFailure,
    reference?: string,
    messageKey?: BankIdMessageKey,
  ): void {
    if (attempt.ended) return
    const { references, described, screen } = failureReport(cause, failure, reference, messageKey)
    const fields = { attempt: attempt.id, cause, ...references }
    if (described) this.#log('warn', 'bankid.failure', { ...fields, failure: described })
    const out = this.#service.failed(cause)
    const typed = attempt.personnummer
    this.#endAttempt(cause)
    if (out) return this.#outOfService.enter(screen.reference, described ?? cause)
    this.#log('info', 'failure.shown', fields)
    this.#show(screen)
    this.#retryNumber = typed
  }

  /** Ends a login from any screen and shows `next`. */
  #finish(outcome: SessionOutcome, next: ScreenState, resetLanguage = false): void {
    // Only a started login has an outcome to count; leaving the keypad or FAQ is not one.
    if (this.#attempt) this.#endAttempt(outcome)
    if (resetLanguage) this.#preferences.reset()
    this.#idle.clearWarning()
    this.#show(next)
  }

  #returnToWelcome(): void {
    this.#preferences.reset()
    this.#idle.clearWarning()
    this.#show({ name: 'welcome' })
  }

  /** The one exit of every attempt: the order is ended (cancelled if pending), the parent forgotten. */
  #endAttempt(outcome: SessionOutcome): void {
    const attempt = this.#attempt
    if (!attempt || attempt.ended) return
    this.#orders.end(attempt)
    this.#attempt = null
    const seconds = Math.round((this.#deps.scheduler.now() - attempt.startedAt) / 1000)
    this.#log('info', 'session.end', { attempt: attempt.id, outcome, seconds, restarts: attempt.restarts })
    this.#deps.events.outcome(outcome)
  }


  // ---- publishing --------------------------------------------------------------------------

  #show(screen: ScreenState): void {
    // After dispose() nothing may arm a timer again (a late answer would otherwise revive the screens).
    if (this.#disposed) return
    // Leaving the failure screen (or replacing it) forgets the number kept for trying again.
    this.#retryNumber = null
    // A new screen gets a full idle period of its own: a parent needs time to read a failure
    // that arrives long after they last touched the kiosk.
    if (screen.name !== this.#screen.name) this.#idle.restartPeriod()
    this.#screen = screen
    this.#screenTimer.clear()
    if (hasCountdown(screen)) this.#screenTimer.set(() => this.#tick(), 1000)
    this.#idle.schedule()
    this.#emit()
  }

  /** A countdown's second: "logged in" ends on welcome, out of service in a probe of BankID. */
  #tick(): void {
    const screen = this.#screen
    const now = this.#deps.scheduler.now()
    const step = countdownStep(screen, now)
    if (step === 'welcome') return this.#returnToWelcome()
    if (step === 'probe' && screen.name === 'out-of-service') {
      // Retrying now: 0 seconds to go until the probe answers (null means no retry at all).
      this.#screen = { ...screen, retryAt: now }
      this.#emit()
      return this.#outOfService.probe()
    }
    if (step !== 'tick') return
    this.#screenTimer.set(() => this.#tick(), 1000)
    this.#emit()
  }

  #emit(): void {
    if (this.#disposed) return
    this.#sequence += 1
    const snapshot = this.snapshot()
    for (const listener of this.#listeners) listener(snapshot)
  }

  // ---- helpers -----------------------------------------------------------------------------

  #log(level: LogLevel, event: string, fields?: Record<string, unknown>): void {
    this.#deps.events.log(level, event, fields)
  }
}
