// The per-kiosk token bucket for starting orders, on an injected clock.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { KioskRateLimiter } from '../../src/gateway/rate-limit'
import type { Take } from '../../src/gateway/rate-limit'

function limiter(options: { perMinute: number; burst: number; maxKiosks?: number }) {
  const clock = { ms: 1_000_000 }
  const limit = new KioskRateLimiter({ ...options, now: () => clock.ms })
  return {
    take: (kiosk = 'a') => limit.take(kiosk),
    advance: (ms: number) => (clock.ms += ms),
    /** Takes until refused; how many were granted. */
    drain(kiosk = 'a') {
      let granted = 0
      while (limit.take(kiosk).ok) granted++
      return granted
    },
  }
}

const refused = (take: Take) => (take.ok ? null : take.retryAfterSeconds)

describe('KioskRateLimiter', () => {
  it('grants a burst, then refuses with how long to wait', () => {
    const l = limiter({ perMinute: 6, burst: 3 })
    expect([l.take(), l.take(), l.take()]).toEqual([{ ok: true }, { ok: true }, { ok: true }])
    // An empty bucket refills one token in 60 / 6 = 10 s.
    expect(l.take()).toEqual({ ok: false, retryAfterSeconds: 10 })
    // Refusals cost nothing.
    expect(l.take()).toEqual({ ok: false, retryAfterSeconds: 10 })
  })

  it('refills at perMinute over time, never beyond the burst', () => {
    const l = limiter({ perMinute: 6, burst: 3 })
    expect(l.drain()).toBe(3)
    l.advance(5_000)
    expect(refused(l.take())).toBe(5)
    l.advance(4_999)
    expect(refused(l.take())).toBe(1)
    l.advance(1)
    expect(l.take()).toEqual({ ok: true })
    expect(l.take().ok).toBe(false)
    l.advance(25_000) // 2.5 tokens
    expect(l.drain()).toBe(2)
    l.advance(60 * 60_000) // an hour: still only the burst
    expect(l.drain()).toBe(3)
  })

  it('words a wait of less than a second as one second', () => {
    const l = limiter({ perMinute: 600, burst: 1 })
    expect(l.take().ok).toBe(true)
    expect(refused(l.take())).toBe(1)
    l.advance(50)
    expect(refused(l.take())).toBe(1)
    l.advance(50)
    expect(l.take().ok).toBe(true)
  })

  it('keeps each kiosk\'s bucket apart', () => {
    const l = limiter({ perMinute: 1, burst: 2 })
    expect(l.drain('a')).toBe(2)
    expect(l.drain('b')).toBe(2)
    expect(l.take('c').ok).toBe(true)
    expect(l.take('a').ok).toBe(false)
  })

  it('forgets the least recently used buckets beyond maxKiosks', () => {
    const l = limiter({ perMinute: 1, burst: 1, maxKiosks: 2 })
    expect(l.drain('a')).toBe(1)
    expect(l.drain('b')).toBe(1)
    // a is used again (refused): b is now the least recently used.
    expect(l.take('a').ok).toBe(false)
    expect(l.take('c').ok).toBe(true) // three buckets: b is forgotten
    expect(l.take('a').ok).toBe(false) // a was kept, still empty
    expect(l.take('b').ok).toBe(true) // b starts over with a full bucket (and c is forgotten)
    expect(l.take('a').ok).toBe(false)
    expect(l.take('c').ok).toBe(true)
  })

  const step = fc.record({
    waitMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 120_000 })),
    kiosk: fc.constantFrom('a', 'b', 'c'),
  })
  const rates = [fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 50 })] as const

  it('never grants one kiosk more than burst + perMinute·T in any window of T minutes', () => {
    fc.assert(
      fc.property(...rates, fc.array(step, { maxLength: 300 }), (perMinute, burst, steps) => {
        let now = 0
        const limit = new KioskRateLimiter({ perMinute, burst, now: () => now })
        const granted: Record<string, number[]> = { a: [], b: [], c: [] }
        for (const { waitMs, kiosk } of steps) {
          now += waitMs
          if (limit.take(kiosk).ok) granted[kiosk]?.push(now)
        }
        for (const times of Object.values(granted)) {
          for (let i = 0; i < times.length; i++) {
            for (let j = i; j < times.length; j++) {
              const minutes = ((times[j] as number) - (times[i] as number)) / 60_000
              expect(j - i + 1, `${j - i + 1} granted within ${minutes} min`).toBeLessThanOrEqual(burst + perMinute * minutes + 1e-9)
            }
          }
        }
        // And it is not stingier than promised: a full burst is always granted at first.
        const fresh = new KioskRateLimiter({ perMinute, burst, now: () => now })
        let first = 0
        while (fresh.take('new').ok) first++
        expect(first).toBe(burst)
      }),
      { numRuns: 300 },
    )
  })

  it('tells a refused kiosk a wait after which it is granted', () => {
    fc.assert(
      fc.property(...rates, fc.array(step, { minLength: 1, maxLength: 80 }), (perMinute, burst, steps) => {
        // Replays the steps on a new limiter, then takes once more after extraMs.
        const replay = (count: number, extraMs: number, kiosk: string): Take => {
          let now = 0
          const limit = new KioskRateLimiter({ perMinute, burst, now: () => now })
          for (const { waitMs, kiosk: k } of steps.slice(0, count)) {
            now += waitMs
            limit.take(k)
          }
          now += extraMs
          return limit.take(kiosk)
        }
        for (let i = 1; i <= steps.length; i++) {
          const { kiosk } = steps[i - 1] as { kiosk: string }
          const seconds = refused(replay(i - 1, (steps[i - 1] as { waitMs: number }).waitMs, kiosk))
          if (seconds === null) continue
          expect(seconds).toBeGreaterThanOrEqual(1)
          expect(seconds).toBeLessThanOrEqual(Math.ceil(60 / perMinute))
          expect(replay(i, seconds * 1000, kiosk)).toEqual({ ok: true })
        }
      }),
      { numRuns: 200 },
    )
  })
})
