// The staff screen (product.md §2.10), in front of the parent's session. StaffDesk wraps any
// SessionPort (KioskSession, UnavailableSession) and is one itself, so the hosts do not know it is
// there:
// - `staff-*` intents come here; every other intent goes to the session, except while the staff
//   screen (PIN pad or staff screen) is up: then only `activity` passes (a touch keeps the
//   parent's session from idling), the rest is ignored.
// - Every snapshot the session publishes goes out with `staff` filled in, and the desk publishes
//   its own changes too. Sequences stay monotonic across both sources: a published sequence is the
//   session's sequence plus the number of the desk's own changes, and each of the two only grows.
// - The staff screen lies over whatever the session does underneath (its idle timer may take the
//   parent's screen back to welcome; the staff screen stays). It closes itself after
//   autoCloseMs without a staff touch, so it is never left open for the next parent.
// - The PIN is checked against the scrypt hash from the settings, with a lockout (lockout.ts)
//   whose counts survive closing the PIN pad and, given a store, restarting the kiosk. A PIN is
//   never logged. A right PIN shorter than MIN_PIN_DIGITS (a hash made before 6 digits were
//   required: the hash cannot tell) opens the staff screen and logs a warning to make a new one.
// - Leaving the kiosk needs `staff.allowExit` in the settings and an exit() from the host.
import type { Scheduler, TimerHandle } from '../scheduler'
import type { SessionPort } from '../session/unavailable-session'
import type { ConnectivityResult, Intent, Snapshot, StaffInfo, StaffPinFault, StaffView } from '../../shared/contract'
import type { LockoutOptions, LockoutProblem, LockoutStore } from './lockout'
import { PinLockout } from './lockout'
import { MIN_PIN_DIGITS, verifyPin } from './pin-hash'

export type StaffLog = (level: 'info' | 'warn' | 'error' | 'debug', event: string, fields?: Record<string, unknown>) => void

export interface StaffDeskOptions {
  session: SessionPort
  scheduler: Scheduler
  /** The hash from the settings (staff.pinHash); without one the staff screen cannot be opened. */
  pinHash: string | undefined
  /** staff.allowExit. */
  allowExit: boolean
  /** Leaves the kiosk through the host's clean quit path; without one there is no exit. */
  exit?: (() => void) | undefined
  /** What the staff screen shows, gathered afresh when it opens and on every staff action. */
  info: () => StaffInfo
  /** The BankID connectivity test. */
  testConnection: () => Promise<Exclude<ConnectivityResult, { state: 'running' }>>
  log: StaffLog
  /** Injected by tests; the real one is scrypt (pin-hash.ts). */
  verify?: (pin: string, hash: string) => Promise<boolean>
  lockout?: Partial<LockoutOptions>
  /** Where the lockout is kept across restarts (lockout-store.ts); without one, in memory only. */
  lockoutStore?: LockoutStore | undefined
  /** Wall-clock ms since 1970, the time the stored lockout is written in. Default Date.now. */
  wallNow?: (() => number) | undefined
  /** Closes the PIN pad or staff screen after this long without a staff touch. Default 2 minutes. */
  autoCloseMs?: number
}

export const DEFAULT_STAFF_AUTO_CLOSE_MS = 2 * 60_000

/** The lockout store's troubles, in the log: event names and error codes only. */
function logLockoutProblem(log: StaffLog, report: LockoutProblem): void {
  switch (report.problem) {
    case 'damaged':
      return log('warn', 'staff.lockout-damaged', { lockedSeconds: Math.ceil(report.lockedMs / 1000) })
    case 'clock':
      return log('warn', 'staff.lockout-clock', { lockedSeconds: Math.ceil(report.lockedMs / 1000) })
    case 'save-failed': {
      const { error } = report
      const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined
      return log('warn', 'staff.lockout-save-failed', { error: error instanceof Error ? error.name : 'unknown', ...(code ? { code } : {}) })
    }
  }
}

type DeskState =
  | { stage: 'closed' }
  | { stage: 'pin'; fault: Extract<StaffPinFault, 'wrong'> | null }
  | { stage: 'open'; info: StaffInfo; connectivity: ConnectivityResult | null }

export class StaffDesk implements SessionPort {
  readonly #session: SessionPort
  readonly #scheduler: Scheduler
  readonly #options: StaffDeskOptions
  readonly #lockout: PinLockout
  readonly #verify: (pin: string, hash: string) => Promise<boolean>
  readonly #autoCloseMs: number
  readonly #listeners = new Set<(snapshot: Snapshot) => void>()
  readonly #inflight = new Set<Promise<unknown>>()
  readonly #unsubscribe: () => void
  #state: DeskState = { stage: 'closed' }
  /** How many times the desk's own state has changed: added to the session's sequence. */
  #changes = 0
  #verifying = false
  #autoCloseTimer: TimerHandle | null = null
  #lockTimer: TimerHandle | null = null
  #disposed = false

  constructor(options: StaffDeskOptions) {
    this.#options = options
    this.#session = options.session
    this.#scheduler = options.scheduler
    const { lockoutStore } = options
    this.#lockout = new PinLockout(
      options.scheduler,
      options.lockout,
      lockoutStore && { store: lockoutStore, wallNow: options.wallNow ?? Date.now, report: (problem) => logLockoutProblem(options.log, problem) },
    )
    this.#verify = options.verify ?? verifyPin
    this.#autoCloseMs = options.autoCloseMs ?? DEFAULT_STAFF_AUTO_CLOSE_MS
    // The session calls back at once with its current snapshot; nobody listens yet, so nothing goes out.
    this.#unsubscribe = this.#session.subscribe((snapshot) => this.#publish(this.#merge(snapshot)))
  }

  // ---- SessionPort -------------------------------------------------------------------------

  subscribe(listener: (snapshot: Snapshot) => void): () => void {
    this.#listeners.add(listener)
    listener(this.snapshot())
    return () => this.#listeners.delete(listener)
  }

  snapshot(): Snapshot {
    return this.#merge(this.#session.snapshot())
  }

  dispatch(intent: Intent): void {
    if (this.#disposed) return
    switch (intent.type) {
      case 'staff-open':
        return this.#open()
      case 'staff-pin':
        return this.#checkPin(intent.pin)
      case 'staff-test-connection':
        return this.#testConnection()
      case 'staff-exit':
        return this.#exit()
      case 'staff-close':
        return this.#close('staff')
      default:
        break
    }
    if (this.#state.stage === 'closed') return this.#session.dispatch(intent)
    if (intent.type === 'activity') {
      this.#touch()
      return this.#session.dispatch(intent)
    }
    this.#options.log('debug', 'staff.intent-ignored', { intent: intent.type, stage: this.#state.stage })
  }

  /** A reloaded or crashed renderer: nothing on screen can be trusted, the staff screen included. */
  rendererGone(): void {
    const wasOpen = this.#state.stage !== 'closed'
    if (wasOpen) this.#close('renderer-gone', false)
    this.#session.rendererGone()
    // The session may not publish on its own (UnavailableSession does not): say the desk closed.
    if (wasOpen) this.#publish(this.snapshot())
  }

  async whenIdle(): Promise<void> {
    for (;;) {
      await this.#session.whenIdle()
      if (this.#inflight.size === 0) return
      await Promise.allSettled([...this.#inflight])
    }
  }

  async dispose(): Promise<void> {
    if (!this.#disposed) {
      this.#disposed = true
      this.#scheduler.clearTimeout(this.#autoCloseTimer)
      this.#scheduler.clearTimeout(this.#lockTimer)
      this.#autoCloseTimer = null
      this.#lockTimer = null
      this.#unsubscribe()
      this.#listeners.clear()
    }
    await this.#session.dispose()
    await Promise.allSettled([...this.#inflight])
  }

  // ---- the staff screen --------------------------------------------------------------------

  #open(): void {
    if (this.#state.stage !== 'closed') return this.#touch()
    if (this.#options.pinHash === undefined) {
      this.#options.log('info', 'staff.no-pin')
      return
    }
    this.#state = { stage: 'pin', fault: null }
    this.#options.log('info', 'staff.pin-asked')
    this.#touch()
    this.#watchLock()
    this.#changed()
  }

  #checkPin(pin: string): void {
    const hash = this.#options.pinHash
    if (this.#state.stage !== 'pin' || hash === undefined || this.#verifying) return
    this.#touch()
    if (this.#lockout.status().locked) {
      this.#options.log('debug', 'staff.pin-while-locked')
      return this.#changed()
    }
    this.#verifying = true
    const checking = this.#verify(pin, hash).catch((error: unknown) => {
      this.#options.log('error', 'staff.pin-check-failed', { error: error instanceof Error ? error.name : 'unknown' })
      return false
    })
    void this.#track(checking).then((right) => {
      this.#verifying = false
      if (this.#disposed) return
      if (right) {
        this.#lockout.recordSuccess()
        if (pin.length < MIN_PIN_DIGITS) this.#options.log('warn', 'staff.pin-too-short', { minimumDigits: MIN_PIN_DIGITS })
        // Closed while the PIN was being checked: the right PIN opens nothing after the fact.
        if (this.#state.stage !== 'pin') return
        this.#state = { stage: 'open', info: this.#options.info(), connectivity: null }
        this.#options.log('info', 'staff.opened')
        this.#touch()
        return this.#changed()
      }
      // Wrong counts even if the pad was closed meanwhile: closing it must not reset the count.
      const status = this.#lockout.recordFailure()
      if (status.locked) {
        this.#options.log('warn', 'staff.pin-locked', { lockedSeconds: Math.ceil(status.remainingMs / 1000) })
      } else {
        this.#options.log('warn', 'staff.pin-wrong', { attemptsLeft: status.attemptsLeft })
      }
      if (this.#state.stage !== 'pin') return
      this.#state = { stage: 'pin', fault: status.locked ? null : 'wrong' }
      this.#watchLock()
      this.#changed()
    })
  }

  #testConnection(): void {
    const state = this.#state
    if (state.stage !== 'open') return
    this.#touch()
    if (state.connectivity?.state === 'running') return
    this.#state = { ...state, connectivity: { state: 'running' } }
    this.#changed()
    const testing = this.#options.testConnection().catch(
      (error: unknown): Exclude<ConnectivityResult, { state: 'running' }> => ({
        state: 'failed',
        reference: 'P-ERROR',
        message: error instanceof Error ? error.name : 'unknown error',
      }),
    )
    void this.#track(testing).then((result) => {
      this.#options.log(result.state === 'ok' ? 'info' : 'warn', 'staff.connection-test', {
        state: result.state,
        ...(result.state === 'ok' ? { latencyMs: result.latencyMs } : { reference: result.reference }),
      })
      const now = this.#state
      if (this.#disposed || now.stage !== 'open' || now.connectivity?.state !== 'running') return
      this.#state = { stage: 'open', info: this.#options.info(), connectivity: result }
      this.#changed()
    })
  }

  #exit(): void {
    if (this.#state.stage !== 'open') return
    this.#touch()
    const exit = this.#options.exit
    if (!this.#options.allowExit || !exit) {
      this.#options.log('warn', 'staff.exit-refused', { allowed: this.#options.allowExit })
      return
    }
    this.#options.log('info', 'staff.exit')
    exit()
  }

  #close(by: 'staff' | 'timeout' | 'renderer-gone', publish = true): void {
    if (this.#state.stage === 'closed') return
    this.#options.log('info', 'staff.closed', { by, stage: this.#state.stage })
    this.#state = { stage: 'closed' }
    this.#scheduler.clearTimeout(this.#autoCloseTimer)
    this.#scheduler.clearTimeout(this.#lockTimer)
    this.#autoCloseTimer = null
    this.#lockTimer = null
    if (publish) this.#changed()
    else this.#changes += 1
  }

  /** A staff touch: the screen stays up for another autoCloseMs. */
  #touch(): void {
    this.#scheduler.clearTimeout(this.#autoCloseTimer)
    this.#autoCloseTimer = this.#scheduler.setTimeout(() => {
      this.#autoCloseTimer = null
      this.#close('timeout')
    }, this.#autoCloseMs)
  }

  /** While the PIN pad shows a lock, its countdown goes out once a second until the lock ends. */
  #watchLock(): void {
    this.#scheduler.clearTimeout(this.#lockTimer)
    this.#lockTimer = null
    const status = this.#lockout.status()
    if (this.#state.stage !== 'pin' || !status.locked) return
    const untilNextSecond = status.remainingMs % 1000 || 1000
    this.#lockTimer = this.#scheduler.setTimeout(() => {
      this.#lockTimer = null
      this.#watchLock()
      this.#changed()
    }, untilNextSecond)
  }

  // ---- publishing --------------------------------------------------------------------------

  #view(): StaffView | null {
    const state = this.#state
    switch (state.stage) {
      case 'closed':
        return null
      case 'pin': {
        const status = this.#lockout.status()
        return status.locked
          ? { stage: 'pin', fault: 'locked', lockedSeconds: Math.ceil(status.remainingMs / 1000), attemptsLeft: 0 }
          : { stage: 'pin', fault: state.fault, lockedSeconds: 0, attemptsLeft: status.attemptsLeft }
      }
      case 'open':
        return {
          stage: 'open',
          info: state.info,
          connectivity: state.connectivity,
          canExit: this.#options.allowExit && this.#options.exit !== undefined,
        }
    }
  }

  #merge(snapshot: Snapshot): Snapshot {
    return { ...snapshot, sequence: snapshot.sequence + this.#changes, staff: this.#view() }
  }

  #changed(): void {
    this.#changes += 1
    this.#publish(this.snapshot())
  }

  #publish(snapshot: Snapshot): void {
    if (this.#disposed) return
    for (const listener of this.#listeners) listener(snapshot)
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#inflight.add(promise)
    void promise.finally(() => this.#inflight.delete(promise)).catch(() => undefined)
    return promise
  }
}
