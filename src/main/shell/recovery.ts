// What to do when the renderer crashes or hangs: reload it after a pause that grows with each
// failure, and if it keeps failing, relaunch the whole app (a fresh process often heals what a
// reload cannot). A hang gets a grace period first, since a busy page may recover by itself.

export interface RecoveryPolicyOptions {
  /** First pause before a reload; doubles with each failure in the window, up to maxDelayMs. */
  initialDelayMs: number
  maxDelayMs: number
  /** More failures than this within windowMs → relaunch instead of reload. */
  budget: number
  windowMs: number
  /** How long an unresponsive page may stay so before it is crashed and reloaded. */
  unresponsiveGraceMs: number
}

export const DEFAULT_RECOVERY: RecoveryPolicyOptions = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  budget: 5,
  windowMs: 10 * 60_000,
  unresponsiveGraceMs: 10_000,
}

export type RecoveryAction = { action: 'reload'; afterMs: number } | { action: 'relaunch' } | { action: 'none' }

/** Renderer exits that are not failures: the app quitting or closing the window itself. */
const NOT_A_FAILURE = new Set(['clean-exit'])

export class RecoveryPolicy {
  readonly #options: RecoveryPolicyOptions
  #failures: number[] = []

  constructor(options: RecoveryPolicyOptions = DEFAULT_RECOVERY) {
    this.#options = options
  }

  /** The renderer process is gone (`render-process-gone` reason). */
  onRendererGone(reason: string, now: number): RecoveryAction {
    if (NOT_A_FAILURE.has(reason)) return { action: 'none' }
    return this.#failure(now)
  }

  /** The page has been unresponsive for the grace period: treat it as a failure too. */
  onUnresponsiveTooLong(now: number): RecoveryAction {
    return this.#failure(now)
  }

  get unresponsiveGraceMs(): number {
    return this.#options.unresponsiveGraceMs
  }

  /** Failures counted in the current window (for the health report and the log). */
  failuresSince(now: number): number {
    return this.#failures.filter((at) => now - at < this.#options.windowMs).length
  }

  #failure(now: number): RecoveryAction {
    this.#failures = [...this.#failures.filter((at) => now - at < this.#options.windowMs), now]
    const count = this.#failures.length
    if (count > this.#options.budget) return { action: 'relaunch' }
    const afterMs = Math.min(this.#options.initialDelayMs * 2 ** (count - 1), this.#options.maxDelayMs)
    return { action: 'reload', afterMs }
  }
}
