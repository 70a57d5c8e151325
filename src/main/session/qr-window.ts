// The QR's window: how long an unscanned QR is kept up (renewed silently as BankID's orders
// expire). Before it is over the parent is asked whether they are still there (product.md §2.3),
// not after: asking after giving up put the question on top of the failure screen. While the
// question counts down the QR stays up (a scan still works); no answer ends the attempt as the
// idle timeout does ("abandoned", back to welcome), and a parent who answers is shown why nothing
// happened: the scan-failed screen, with what to do and "Försök igen".
import type { Scheduler } from '../scheduler'
import type { Attempt } from './bankid-order'
import type { Log } from './session-types'

export interface QrWindowOptions {
  scheduler: Scheduler
  timing: { idleWarningMs: number }
  log: Log
  /** Put "Are you still there?" up. */
  ask(): void
  /** The parent answered: the QR was not scanned in time, say so. */
  giveUp(attempt: Attempt): void
}

export class QrWindow {
  readonly #o: QrWindowOptions

  constructor(options: QrWindowOptions) {
    this.#o = options
  }

  /** Asks one warning period before the window ends (at once if it is shorter than that). */
  arm(attempt: Attempt): void {
    const { scheduler, timing } = this.#o
    const askIn = Math.max(0, attempt.windowEndsAt - timing.idleWarningMs - scheduler.now())
    scheduler.clearTimeout(attempt.limitTimer)
    attempt.limitTimer = scheduler.setTimeout(() => {
      if (attempt.ended || attempt.order?.pickedUp) return
      attempt.windowAsked = true
      // Orders are still renewed until the question has had its whole countdown.
      attempt.windowEndsAt = Math.max(attempt.windowEndsAt, scheduler.now() + timing.idleWarningMs)
      this.#o.log('info', 'window.asked', { attempt: attempt.id })
      this.#o.ask()
    }, askIn)
  }

  /** The parent touched the screen: if they were being asked, they are there, and the QR's time is up. */
  answered(attempt: Attempt): void {
    if (!attempt.windowAsked || attempt.ended) return
    attempt.windowAsked = false
    if (attempt.order?.pickedUp) return
    this.#o.giveUp(attempt)
  }
}
