// How many wrong staff PINs are allowed before the PIN pad stops listening for a while. Five wrong
// in a row lock it for 5 minutes; each later lock lasts twice as long as the one before (10, 20,
// 40 minutes), up to an hour. The right PIN forgets everything. The counts belong to the kiosk,
// not to the PIN pad on screen: closing the pad and opening it again does not reset them. A long
// quiet spell forgets them too (an hour without a wrong PIN forgets the wrong ones; a day forgets
// that there were locks), so a PIN mistyped now and then never adds up to a lock weeks later.
import type { Clock } from '../clock'

export interface LockoutOptions {
  /** Wrong PINs in a row that lock the pad. */
  maxAttempts: number
  firstLockMs: number
  maxLockMs: number
  /** Wrong PINs further apart than this start counting afresh. */
  forgetAttemptsAfterMs: number
  /** After this long without a wrong PIN, the next lock is a first lock again. */
  forgetLocksAfterMs: number
}

export const DEFAULT_LOCKOUT: LockoutOptions = {
  maxAttempts: 5,
  firstLockMs: 5 * 60_000,
  maxLockMs: 60 * 60_000,
  forgetAttemptsAfterMs: 60 * 60_000,
  forgetLocksAfterMs: 24 * 60 * 60_000,
}

export type LockoutStatus =
  | { locked: false; attemptsLeft: number }
  | { locked: true; remainingMs: number }

export class PinLockout {
  readonly #clock: Clock
  readonly #options: LockoutOptions
  #failures = 0
  #locks = 0
  #lastFailureAt: number | null = null
  #lockedUntil: number | null = null

  constructor(clock: Clock, options: Partial<LockoutOptions> = {}) {
    this.#clock = clock
    this.#options = { ...DEFAULT_LOCKOUT, ...options }
    const { maxAttempts, firstLockMs, maxLockMs } = this.#options
    if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be a whole number of at least 1')
    if (!(firstLockMs > 0) || !(maxLockMs >= firstLockMs)) throw new RangeError('lock times must be positive, the cap at least the first lock')
  }

  status(): LockoutStatus {
    const now = this.#clock.now()
    if (this.#lockedUntil !== null && now < this.#lockedUntil) return { locked: true, remainingMs: this.#lockedUntil - now }
    this.#forget(now)
    return { locked: false, attemptsLeft: this.#options.maxAttempts - this.#failures }
  }

  /** A wrong PIN. While locked nothing is checked, so nothing is counted either. */
  recordFailure(): LockoutStatus {
    const before = this.status()
    if (before.locked) return before
    const now = this.#clock.now()
    this.#failures += 1
    this.#lastFailureAt = now
    if (this.#failures >= this.#options.maxAttempts) {
      const lockMs = Math.min(this.#options.firstLockMs * 2 ** this.#locks, this.#options.maxLockMs)
      this.#locks += 1
      this.#failures = 0
      this.#lockedUntil = now + lockMs
    }
    return this.status()
  }

  /** The right PIN: a clean slate. */
  recordSuccess(): void {
    this.#failures = 0
    this.#locks = 0
    this.#lastFailureAt = null
    this.#lockedUntil = null
  }

  /** How long the next lock would last (for tests and the log). */
  nextLockMs(): number {
    this.#forget(this.#clock.now())
    return Math.min(this.#options.firstLockMs * 2 ** this.#locks, this.#options.maxLockMs)
  }

  #forget(now: number): void {
    if (this.#lockedUntil !== null && now >= this.#lockedUntil) this.#lockedUntil = null
    if (this.#lastFailureAt === null) return
    const quiet = now - this.#lastFailureAt
    if (quiet >= this.#options.forgetAttemptsAfterMs) this.#failures = 0
    if (quiet >= this.#options.forgetLocksAfterMs) this.#locks = 0
  }
}
