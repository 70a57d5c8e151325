// How many wrong staff PINs are allowed before the PIN pad stops listening for a while. Five wrong
// in a row lock it for 5 minutes; each later lock lasts twice as long as the one before (10, 20,
// 40 minutes), up to an hour. The right PIN forgets everything. The counts belong to the kiosk,
// not to the PIN pad on screen: closing the pad and opening it again does not reset them. A long
// quiet spell forgets them too (an hour without a wrong PIN forgets the wrong ones; a day forgets
// that there were locks), so a PIN mistyped now and then never adds up to a lock weeks later.
//
// With a store (LockoutPersistence) the counts also survive a restart of the kiosk: crashing it or
// pulling the plug gives a guesser no fresh attempts. The store holds four numbers and nothing
// else, under the kiosk's data folder (lockout-store.ts):
//   { "failures": 2, "locks": 1, "lastFailureAt": 1795514400000, "lockedUntil": null }
// The two times are wall-clock milliseconds since 1970 (null: none), since the lockout's own Clock
// is monotonic and starts afresh with every process. They are read back once, at construction,
// and the record is written again on every change (and only then: a kiosk where nobody ever typed
// a wrong PIN writes nothing).
// - Nothing stored (a new kiosk): a clean slate.
// - A damaged record (not exactly that shape, or a store that cannot be read): we cannot know
//   how many guesses were made, so it fails closed as one lock's worth: as if the last allowed
//   wrong PIN had just been typed (locked for firstLockMs from now, the next lock twice as long),
//   and the sound record is written at once, so restarting again does not lock afresh. Bounded:
//   staff wait at most one first lock, never longer.
// - A wall clock that moved backwards between two runs (or a record written by a clock that was
//   ahead): a lock ending more than maxLockMs from now ends maxLockMs from now, and a wrong PIN
//   "in the future" counts as typed now. So a wrong clock can lock staff out for at most an hour
//   (and keep old locks in mind for at most forgetLocksAfterMs), never for days.
// - A store that cannot be written: the lockout carries on in memory and says so (report); the
//   kiosk does not crash over it.
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

/** What is stored: counts, and wall-clock times in ms since 1970 (null: none). Nothing personal. */
export interface LockoutRecord {
  failures: number
  locks: number
  lastFailureAt: number | null
  lockedUntil: number | null
}

/** Where the record is kept (a file in the data folder, lockout-store.ts; a variable in tests). */
export interface LockoutStore {
  /** The record saved last; undefined if none ever was. Anything else, or a throw, is damage. */
  load(): unknown
  /** May throw (disk full, read-only): the lockout reports it and carries on. */
  save(record: LockoutRecord): void
}

/** Something about the store worth a line in the log (never a PIN: the lockout never sees one). */
export type LockoutProblem =
  /** The stored record was damaged or unreadable: locked for a first lock. */
  | { problem: 'damaged'; lockedMs: number }
  /** The stored times lay beyond what a right clock allows: capped. */
  | { problem: 'clock'; lockedMs: number }
  | { problem: 'save-failed'; error: unknown }

export interface LockoutPersistence {
  store: LockoutStore
  /** Wall-clock ms since 1970 (Date.now()), the time the record is written in. */
  wallNow: () => number
  report?: (problem: LockoutProblem) => void
}

const RECORD_KEYS = ['failures', 'lastFailureAt', 'lockedUntil', 'locks'] as const

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

function isTime(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && Number.isFinite(value))
}

/** The record if `value` is exactly one (the four keys, sound values, times where counts need them). */
function asRecord(value: unknown): LockoutRecord | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
  const keys = Object.keys(value).sort()
  if (keys.length !== RECORD_KEYS.length || keys.some((key, i) => key !== RECORD_KEYS[i])) return null
  const { failures, locks, lastFailureAt, lockedUntil } = value as Record<string, unknown>
  if (!isCount(failures) || !isCount(locks) || !isTime(lastFailureAt) || !isTime(lockedUntil)) return null
  // Every wrong PIN sets lastFailureAt, and a lock comes from a wrong PIN: counts without it are not ours.
  if (lastFailureAt === null && (failures > 0 || locks > 0 || lockedUntil !== null)) return null
  return { failures, locks, lastFailureAt, lockedUntil }
}

export class PinLockout {
  readonly #clock: Clock
  readonly #options: LockoutOptions
  readonly #persistence: LockoutPersistence | null
  #failures = 0
  #locks = 0
  #lastFailureAt: number | null = null
  #lockedUntil: number | null = null
  /** What was stored last (or read at start), to write only on a change. */
  #stored: string
  /** Whether the last save failed: reported once, until a save succeeds again. */
  #saveFailing = false

  constructor(clock: Clock, options: Partial<LockoutOptions> = {}, persistence?: LockoutPersistence) {
    this.#clock = clock
    this.#options = { ...DEFAULT_LOCKOUT, ...options }
    const { maxAttempts, firstLockMs, maxLockMs } = this.#options
    if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be a whole number of at least 1')
    if (!(firstLockMs > 0) || !(maxLockMs >= firstLockMs)) throw new RangeError('lock times must be positive, the cap at least the first lock')
    this.#persistence = persistence ?? null
    this.#stored = this.#serialized()
    if (this.#persistence) this.#restore(this.#persistence)
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
    if (this.#failures >= this.#options.maxAttempts) this.#lock(now, this.#lockMs())
    this.#save()
    return this.status()
  }

  /** The right PIN: a clean slate. */
  recordSuccess(): void {
    this.#failures = 0
    this.#locks = 0
    this.#lastFailureAt = null
    this.#lockedUntil = null
    this.#save()
  }

  /** How long the next lock would last (for tests and the log). */
  nextLockMs(): number {
    this.#forget(this.#clock.now())
    return this.#lockMs()
  }

  #lockMs(): number {
    return Math.min(this.#options.firstLockMs * 2 ** this.#locks, this.#options.maxLockMs)
  }

  #lock(now: number, lockMs: number): void {
    this.#locks += 1
    this.#failures = 0
    this.#lockedUntil = now + lockMs
  }

  #forget(now: number): void {
    const before = this.#serialized()
    if (this.#lockedUntil !== null && now >= this.#lockedUntil) this.#lockedUntil = null
    if (this.#lastFailureAt !== null) {
      const quiet = now - this.#lastFailureAt
      if (quiet >= this.#options.forgetAttemptsAfterMs) this.#failures = 0
      if (quiet >= this.#options.forgetLocksAfterMs) this.#locks = 0
    }
    if (this.#serialized() !== before) this.#save()
  }

  // ---- persistence ---------------------------------------------------------------------------

  /** Reads the stored record into the monotonic clock's terms (see the comment at the top). */
  #restore({ store, wallNow, report }: LockoutPersistence): void {
    const now = this.#clock.now()
    let raw: unknown
    let readable = true
    try {
      raw = store.load()
    } catch {
      readable = false
    }
    if (readable && raw === undefined) return
    const record = readable ? asRecord(raw) : null
    if (record === null) {
      // Fail closed: one lock's worth, as if the last allowed wrong PIN had just been typed.
      this.#lastFailureAt = now
      this.#lock(now, this.#options.firstLockMs)
      report?.({ problem: 'damaged', lockedMs: this.#options.firstLockMs })
      this.#save()
      return
    }
    const wall = wallNow()
    let capped = false
    this.#failures = Math.min(record.failures, this.#options.maxAttempts - 1)
    this.#locks = record.locks
    if (record.lastFailureAt !== null) {
      const ago = wall - record.lastFailureAt
      if (ago < 0) capped = true
      this.#lastFailureAt = now - Math.max(0, ago)
    }
    if (record.lockedUntil !== null) {
      const remaining = record.lockedUntil - wall
      if (remaining > this.#options.maxLockMs) capped = true
      this.#lockedUntil = remaining > 0 ? now + Math.min(remaining, this.#options.maxLockMs) : null
    }
    this.#stored = JSON.stringify(record)
    if (capped) {
      report?.({ problem: 'clock', lockedMs: this.#lockedUntil === null ? 0 : this.#lockedUntil - now })
      this.#save()
    }
    // What ran out or was forgotten while the kiosk was off is forgotten (and written) now.
    this.#forget(now)
  }

  #save(): void {
    const persistence = this.#persistence
    if (!persistence) return
    const text = this.#serialized(persistence.wallNow())
    if (text === this.#stored) return
    try {
      persistence.store.save(JSON.parse(text) as LockoutRecord)
      this.#stored = text
      this.#saveFailing = false
    } catch (error) {
      if (!this.#saveFailing) persistence.report?.({ problem: 'save-failed', error })
      this.#saveFailing = true
    }
  }

  /** The state as the stored record's JSON, times on the wall clock (or, without one, monotonic). */
  #serialized(wall?: number): string {
    const now = this.#clock.now()
    const toWall = (time: number | null) => (time === null || wall === undefined ? time : Math.round(wall + (time - now)))
    const record: LockoutRecord = {
      failures: this.#failures,
      locks: this.#locks,
      lastFailureAt: toWall(this.#lastFailureAt),
      lockedUntil: toWall(this.#lockedUntil),
    }
    return JSON.stringify(record)
  }
}
