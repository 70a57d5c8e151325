// The QR's window on a manual clock: asked one warning period before it ends, and what an answer does.
import { describe, expect, it } from 'vitest'
import { newAttempt } from '../../../src/main/session/bankid-order'
import type { Attempt } from '../../../src/main/session/bankid-order'
import { QrWindow } from '../../../src/main/session/qr-window'
import { ManualScheduler } from '../../support/manual-scheduler'
import { TEST_TIMING } from '../../support/session-harness'

function setUp(windowMs: number) {
  const scheduler = new ManualScheduler()
  const events: string[] = []
  const window = new QrWindow({
    scheduler,
    timing: { idleWarningMs: 20_000 },
    log: (_level, event) => events.push(event),
    ask: () => events.push('ask'),
    giveUp: () => events.push('give up'),
  })
  const attempt: Attempt = newAttempt(1, '199001012385', scheduler.now(), { ...TEST_TIMING, qrRestartWindowMs: windowMs })
  return { scheduler, events, window, attempt }
}

describe('QrWindow', () => {
  it('asks 20 s before a 3-minute window ends, and keeps orders renewable through the question', () => {
    const { scheduler, events, window, attempt } = setUp(180_000)
    const ends = attempt.windowEndsAt
    window.arm(attempt)
    scheduler.advance(159_999)
    expect(events).toEqual([])
    scheduler.advance(1)
    expect(events).toEqual(['window.asked', 'ask'])
    expect(attempt.windowAsked).toBe(true)
    expect(attempt.windowEndsAt).toBe(ends)
  })

  it('a window shorter than the question asks at once, and the window lasts the whole question', () => {
    const { scheduler, events, window, attempt } = setUp(10_000)
    window.arm(attempt)
    scheduler.advance(0)
    expect(events).toEqual(['window.asked', 'ask'])
    expect(attempt.windowEndsAt).toBe(scheduler.now() + 20_000)
  })

  it('an answer gives up on the QR once; with no question asked, or the attempt over, nothing happens', () => {
    const { scheduler, events, window, attempt } = setUp(180_000)
    window.answered(attempt)
    expect(events).toEqual([])
    window.arm(attempt)
    scheduler.advance(160_000)
    window.answered(attempt)
    window.answered(attempt)
    expect(events).toEqual(['window.asked', 'ask', 'give up'])

    const ended = setUp(180_000)
    ended.window.arm(ended.attempt)
    ended.attempt.ended = true
    ended.scheduler.advance(180_000)
    expect(ended.events).toEqual([])
  })
})
