import { describe, expect, it } from 'vitest'
import { DEFAULT_LOCKOUT, PinLockout } from '../../../src/main/staff/lockout'
import { ManualClock } from '../../support/manual-clock'

const MINUTE = 60_000

function wrong(lockout: PinLockout, times: number) {
  let status = lockout.status()
  for (let i = 0; i < times; i++) status = lockout.recordFailure()
  return status
}

describe('the staff PIN lockout', () => {
  it('allows five wrong PINs, counting down, and locks on the fifth for 5 minutes', () => {
    const clock = new ManualClock()
    const lockout = new PinLockout(clock)
    expect(lockout.status()).toEqual({ locked: false, attemptsLeft: 5 })
    expect(lockout.recordFailure()).toEqual({ locked: false, attemptsLeft: 4 })
    expect(wrong(lockout, 3)).toEqual({ locked: false, attemptsLeft: 1 })
    expect(lockout.recordFailure()).toEqual({ locked: true, remainingMs: 5 * MINUTE })
    clock.advance(MINUTE)
    expect(lockout.status()).toEqual({ locked: true, remainingMs: 4 * MINUTE })
  })

  it('counts nothing while locked, and the lock runs out by itself', () => {
    const clock = new ManualClock()
    const lockout = new PinLockout(clock)
    wrong(lockout, 5)
    clock.advance(2 * MINUTE)
    expect(wrong(lockout, 10)).toEqual({ locked: true, remainingMs: 3 * MINUTE })
    clock.advance(3 * MINUTE - 1)
    expect(lockout.status().locked).toBe(true)
    clock.advance(1)
    expect(lockout.status()).toEqual({ locked: false, attemptsLeft: 5 })
  })

  it('doubles each later lock (5, 10, 20, 40 minutes) up to an hour', () => {
    const clock = new ManualClock()
    const lockout = new PinLockout(clock)
    const locks: number[] = []
    for (let i = 0; i < 6; i++) {
      const status = wrong(lockout, 5)
      if (!status.locked) throw new Error('expected a lock')
      locks.push(status.remainingMs / MINUTE)
      clock.advance(status.remainingMs)
    }
    expect(locks).toEqual([5, 10, 20, 40, 60, 60])
  })

  it('forgets everything on the right PIN', () => {
    const clock = new ManualClock()
    const lockout = new PinLockout(clock)
    wrong(lockout, 5)
    clock.advance(5 * MINUTE)
    wrong(lockout, 3)
    lockout.recordSuccess()
    expect(lockout.status()).toEqual({ locked: false, attemptsLeft: 5 })
    expect(lockout.nextLockMs()).toBe(5 * MINUTE)
  })

  it('forgets wrong PINs an hour apart, and past locks after a quiet day', () => {
    const clock = new ManualClock()
    const lockout = new PinLockout(clock)
    wrong(lockout, 4)
    clock.advance(DEFAULT_LOCKOUT.forgetAttemptsAfterMs)
    expect(lockout.recordFailure()).toEqual({ locked: false, attemptsLeft: 4 })

    wrong(lockout, 4)
    expect(lockout.nextLockMs()).toBe(10 * MINUTE)
    clock.advance(DEFAULT_LOCKOUT.forgetLocksAfterMs)
    expect(lockout.nextLockMs()).toBe(5 * MINUTE)
  })

  it('takes its numbers from the options, and refuses nonsense', () => {
    const clock = new ManualClock()
    const lockout = new PinLockout(clock, { maxAttempts: 2, firstLockMs: 1_000, maxLockMs: 1_500 })
    expect(wrong(lockout, 2)).toEqual({ locked: true, remainingMs: 1_000 })
    clock.advance(1_000)
    expect(wrong(lockout, 2)).toEqual({ locked: true, remainingMs: 1_500 })
    expect(() => new PinLockout(clock, { maxAttempts: 0 })).toThrow(RangeError)
    expect(() => new PinLockout(clock, { firstLockMs: 10, maxLockMs: 5 })).toThrow(RangeError)
  })
})

// ---- persistence across restarts ----------------------------------------------------------

/** A store that keeps what was saved last, as the JSON file would (a copy, not the object). */
class MemoryStore {
  value: unknown = undefined
  saves = 0
  failing = false
  load(): unknown {
    return this.value === undefined ? undefined : JSON.parse(JSON.stringify(this.value))
  }
  save(record: unknown): void {
    if (this.failing) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' })
    this.saves += 1
    this.value = JSON.parse(JSON.stringify(record))
  }
}

/** 24 November 2026, 10:00 UTC, in ms since 1970: the wall clock the records are written in. */
const WALL_START = Date.UTC(2026, 10, 24, 10, 0, 0)

/**
 * One run of the kiosk: its own monotonic clock (starting anywhere: performance.now() starts
 * afresh with every process) and the shared wall clock, over the given store.
 */
function boot(store: MemoryStore, wall: ManualClock, options: Partial<typeof DEFAULT_LOCKOUT> = {}, monoStart = 42) {
  const clock = new ManualClock(monoStart)
  const problems: string[] = []
  const lockout = new PinLockout(clock, options, { store, wallNow: () => wall.now(), report: (event) => problems.push(event.problem) })
  const advance = (ms: number) => {
    clock.advance(ms)
    wall.advance(ms)
  }
  return { clock, lockout, problems, advance }
}

describe('the staff PIN lockout across restarts', () => {
  it('is still locked in a new PinLockout built over the same store (a crash or power cut resets nothing)', () => {
    const store = new MemoryStore()
    const wall = new ManualClock(WALL_START)
    const first = boot(store, wall, {}, 1_000_000)
    expect(wrong(first.lockout, 5)).toEqual({ locked: true, remainingMs: 5 * MINUTE })
    first.advance(MINUTE)

    // The kiosk is restarted: a new process, whose monotonic clock starts near zero.
    wall.advance(30_000)
    const second = boot(store, wall, {}, 5)
    expect(second.lockout.status()).toEqual({ locked: true, remainingMs: 3.5 * MINUTE })
    expect(second.lockout.recordFailure()).toEqual({ locked: true, remainingMs: 3.5 * MINUTE })
    second.advance(3.5 * MINUTE)
    expect(second.lockout.status()).toEqual({ locked: false, attemptsLeft: 5 })
    // and the lock was remembered: the next one is twice as long
    expect(second.lockout.nextLockMs()).toBe(10 * MINUTE)
    expect(second.problems).toEqual([])
  })

  it('keeps counting wrong PINs across a restart, and the doubling too', () => {
    const store = new MemoryStore()
    const wall = new ManualClock(WALL_START)
    const first = boot(store, wall)
    wrong(first.lockout, 3)
    const second = boot(store, wall, {}, 7)
    expect(second.lockout.status()).toEqual({ locked: false, attemptsLeft: 2 })
    expect(wrong(second.lockout, 2)).toEqual({ locked: true, remainingMs: 5 * MINUTE })
    second.advance(5 * MINUTE)
    wrong(second.lockout, 2)
    const third = boot(store, wall, {}, 0)
    expect(wrong(third.lockout, 3)).toEqual({ locked: true, remainingMs: 10 * MINUTE })
  })

  it('forgets while switched off just as while running: a lock that ran out, an hour, a quiet day', () => {
    const store = new MemoryStore()
    const wall = new ManualClock(WALL_START)
    wrong(boot(store, wall).lockout, 5)
    wall.advance(5 * MINUTE)
    expect(boot(store, wall).lockout.status()).toEqual({ locked: false, attemptsLeft: 5 })

    wrong(boot(store, wall).lockout, 4)
    wall.advance(DEFAULT_LOCKOUT.forgetAttemptsAfterMs)
    const later = boot(store, wall)
    expect(later.lockout.status()).toEqual({ locked: false, attemptsLeft: 5 })
    expect(later.lockout.nextLockMs()).toBe(10 * MINUTE)
    wall.advance(DEFAULT_LOCKOUT.forgetLocksAfterMs)
    expect(boot(store, wall).lockout.nextLockMs()).toBe(5 * MINUTE)
  })

  it('the right PIN clears the stored record too', () => {
    const store = new MemoryStore()
    const wall = new ManualClock(WALL_START)
    const first = boot(store, wall)
    wrong(first.lockout, 5)
    first.advance(5 * MINUTE)
    wrong(first.lockout, 2)
    first.lockout.recordSuccess()
    const second = boot(store, wall)
    expect(second.lockout.status()).toEqual({ locked: false, attemptsLeft: 5 })
    expect(second.lockout.nextLockMs()).toBe(5 * MINUTE)
  })

  it('stores four numbers (wall-clock times, or null for none) and nothing else, on every change only', () => {
    const store = new MemoryStore()
    const wall = new ManualClock(WALL_START)
    const { lockout, advance } = boot(store, wall)
    lockout.status()
    lockout.recordSuccess()
    expect(store.saves).toBe(0) // a fresh kiosk writes nothing until a wrong PIN
    lockout.recordFailure()
    expect(store.value).toEqual({ failures: 1, locks: 0, lastFailureAt: WALL_START, lockedUntil: null })
    advance(1_000)
    wrong(lockout, 4)
    expect(store.value).toEqual({ failures: 0, locks: 1, lastFailureAt: WALL_START + 1_000, lockedUntil: WALL_START + 1_000 + 5 * MINUTE })
    const saves = store.saves
    wrong(lockout, 3) // ignored while locked: nothing changes, nothing is written
    lockout.status()
    expect(store.saves).toBe(saves)
  })

  it('starts with a clean slate when nothing was ever stored (a new kiosk is not locked)', () => {
    const store = new MemoryStore()
    const { lockout, problems } = boot(store, new ManualClock(WALL_START))
    expect(lockout.status()).toEqual({ locked: false, attemptsLeft: 5 })
    expect(problems).toEqual([])
  })

  it.each([
    ['text', 'not a record'],
    ['a number', 42],
    ['an array', [0, 0, null, null]],
    ['null', null],
    ['an empty object', {}],
    ['a missing field', { failures: 1, locks: 0, lastFailureAt: WALL_START }],
    ['an extra field', { failures: 0, locks: 0, lastFailureAt: null, lockedUntil: null, pin: '1234' }],
    ['a count as text', { failures: '2', locks: 0, lastFailureAt: WALL_START, lockedUntil: null }],
    ['a negative count', { failures: -1, locks: 0, lastFailureAt: WALL_START, lockedUntil: null }],
    ['a fractional count', { failures: 1.5, locks: 0, lastFailureAt: WALL_START, lockedUntil: null }],
    ['a time that is not a number', { failures: 1, locks: 0, lastFailureAt: 'yesterday', lockedUntil: null }],
    ['counts without a time', { failures: 3, locks: 1, lastFailureAt: null, lockedUntil: null }],
  ])('treats a damaged record (%s) as one lock: locked for the first lock time, from now', (_what, value) => {
    const store = new MemoryStore()
    store.value = value
    const wall = new ManualClock(WALL_START)
    const { lockout, problems, advance } = boot(store, wall)
    expect(lockout.status()).toEqual({ locked: true, remainingMs: 5 * MINUTE })
    expect(problems).toEqual(['damaged'])
    // ... and writes a sound record at once, so the next start does not lock afresh
    expect(store.value).toEqual({ failures: 0, locks: 1, lastFailureAt: WALL_START, lockedUntil: WALL_START + 5 * MINUTE })
    advance(5 * MINUTE)
    expect(lockout.status()).toEqual({ locked: false, attemptsLeft: 5 })
    expect(lockout.nextLockMs()).toBe(10 * MINUTE)
  })

  it('treats a store that cannot be read as a damaged record, and does not throw', () => {
    const store = new MemoryStore()
    store.load = () => {
      throw new SyntaxError('Unexpected token')
    }
    const { lockout, problems } = boot(store, new ManualClock(WALL_START))
    expect(lockout.status()).toEqual({ locked: true, remainingMs: 5 * MINUTE })
    expect(problems).toEqual(['damaged'])
  })

  it('caps a lock that ends too far ahead (a clock that went backwards) at the longest lock from now', () => {
    const store = new MemoryStore()
    // Written by a clock that was a week ahead, read by one that is right.
    store.value = { failures: 0, locks: 5, lastFailureAt: WALL_START + 7 * 24 * 60 * MINUTE, lockedUntil: WALL_START + 7 * 24 * 60 * MINUTE + 60 * MINUTE }
    const { lockout, problems, advance } = boot(store, new ManualClock(WALL_START))
    expect(lockout.status()).toEqual({ locked: true, remainingMs: DEFAULT_LOCKOUT.maxLockMs })
    expect(problems).toEqual(['clock'])
    advance(DEFAULT_LOCKOUT.maxLockMs)
    // The wrong PIN "in the future" counts as just now: nothing is forgotten early, nothing waits for days.
    expect(lockout.status()).toEqual({ locked: false, attemptsLeft: 5 })
    advance(DEFAULT_LOCKOUT.forgetLocksAfterMs)
    expect(lockout.nextLockMs()).toBe(5 * MINUTE)
  })

  it('caps at the configured longest lock', () => {
    const store = new MemoryStore()
    store.value = { failures: 0, locks: 1, lastFailureAt: WALL_START, lockedUntil: WALL_START + 365 * 24 * 60 * MINUTE }
    const { lockout } = boot(store, new ManualClock(WALL_START), { maxLockMs: 20 * MINUTE, firstLockMs: 10 * MINUTE })
    expect(lockout.status()).toEqual({ locked: true, remainingMs: 20 * MINUTE })
  })

  it('keeps counting in memory when the store cannot be written, and says so', () => {
    const store = new MemoryStore()
    store.failing = true
    const { lockout, problems } = boot(store, new ManualClock(WALL_START))
    expect(() => wrong(lockout, 5)).not.toThrow()
    expect(lockout.status()).toEqual({ locked: true, remainingMs: 5 * MINUTE })
    expect(problems.length).toBeGreaterThan(0)
    expect(new Set(problems)).toEqual(new Set(['save-failed']))
  })
})
