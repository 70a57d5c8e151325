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
