// The parent's timers: the idle timer, the "Are you still there?" countdown, and the one timer of
// the screen on show (the logged-in countdown, the out-of-service retry). Given a scheduler and
// callbacks; they decide nothing about screens themselves.
import type { Scheduler, TimerHandle } from '../scheduler'
import type { Log } from './session-types'

export interface IdleWatchOptions {
  scheduler: Scheduler
  timing: { idleMs: number; waitingIdleMs: number; idleWarningMs: number }
  log: Log
  /** The screen on show, and whether it has an idle limit at all. */
  screen: () => string
  hasIdle: () => boolean
  /** Idle on the welcome screen: nobody is using the kiosk. */
  idleOnWelcome: () => void
  /** The warning's countdown moved on (or started): publish. */
  changed: () => void
  /** Nobody answered the warning. */
  timedOut: () => void
}

export class IdleWatch {
  readonly #o: IdleWatchOptions
  #lastActivity: number
  #idleTimer: TimerHandle | null = null
  #warningDeadline: number | null = null
  #warningTimer: TimerHandle | null = null

  constructor(options: IdleWatchOptions) {
    this.#o = options
    this.#lastActivity = options.scheduler.now()
  }

  /** When "Are you still there?" ends the session; null while it is not shown. */
  get warningDeadline(): number | null {
    return this.#warningDeadline
  }

  /** The parent did something: no warning, a full idle period from now. */
  touch(): void {
    this.#lastActivity = this.#o.scheduler.now()
    this.clearWarning()
    this.schedule()
  }

  /** A new screen gets a full idle period of its own. */
  restartPeriod(): void {
    this.#lastActivity = this.#o.scheduler.now()
  }

  schedule(): void {
    const { scheduler, timing } = this.#o
    scheduler.clearTimeout(this.#idleTimer)
    this.#idleTimer = null
    if (!this.#o.hasIdle()) return
    const screen = this.#o.screen()
    const limit = screen === 'waiting' || screen === 'starting' ? timing.waitingIdleMs : timing.idleMs
    const due = this.#lastActivity + limit
    this.#idleTimer = scheduler.setTimeout(() => this.#onIdle(), due - scheduler.now())
  }

  startWarning(): void {
    if (this.#warningDeadline !== null) return
    this.#warningDeadline = this.#o.scheduler.now() + this.#o.timing.idleWarningMs
    this.#o.log('info', 'idle.warning', { screen: this.#o.screen() })
    this.#tickWarning()
  }

  clearWarning(): void {
    this.#warningDeadline = null
    this.#o.scheduler.clearTimeout(this.#warningTimer)
    this.#warningTimer = null
  }

  /** Stops both timers for good (the session's dispose). */
  stop(): void {
    this.clearWarning()
    this.#o.scheduler.clearTimeout(this.#idleTimer)
  }

  #onIdle(): void {
    if (this.#o.screen() === 'welcome') return this.#o.idleOnWelcome()
    this.startWarning()
    this.#o.changed()
  }

  #tickWarning(): void {
    const deadline = this.#warningDeadline
    if (deadline === null) return
    const now = this.#o.scheduler.now()
    if (now >= deadline) {
      this.#warningDeadline = null
      this.#o.log('info', 'idle.timeout', { screen: this.#o.screen() })
      return this.#o.timedOut()
    }
    const untilNextSecond = ((deadline - now) % 1000) || 1000
    this.#warningTimer = this.#o.scheduler.setTimeout(() => {
      this.#tickWarning()
      if (this.#warningDeadline !== null) this.#o.changed()
    }, untilNextSecond)
  }
}

/** The one timer that belongs to the screen on show; replaced with the screen. */
export class ScreenTimer {
  readonly #scheduler: Scheduler
  #timer: TimerHandle | null = null

  constructor(scheduler: Scheduler) {
    this.#scheduler = scheduler
  }

  set(callback: () => void, ms: number): void {
    this.#timer = this.#scheduler.setTimeout(callback, ms)
  }

  clear(): void {
    this.#scheduler.clearTimeout(this.#timer)
    this.#timer = null
  }
}
