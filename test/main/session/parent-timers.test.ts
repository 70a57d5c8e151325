// The parent's timers on a manual clock, without a session around them.
import { describe, expect, it } from 'vitest'
import { IdleWatch, ScreenTimer } from '../../../src/main/session/parent-timers'
import { ManualScheduler } from '../../support/manual-scheduler'

function watch(screen = 'keypad') {
  const scheduler = new ManualScheduler()
  const events: string[] = []
  const idle = new IdleWatch({
    scheduler,
    timing: { idleMs: 60_000, waitingIdleMs: 180_000, idleWarningMs: 20_000 },
    log: (_level, event) => events.push(event),
    screen: () => screen,
    hasIdle: () => true,
    idleOnWelcome: () => events.push('welcome-idle'),
    changed: () => events.push('changed'),
    timedOut: () => events.push('timed-out'),
  })
  return { scheduler, events, idle }
}

describe('IdleWatch', () => {
  it('warns after the idle limit, counts down a second at a time, then times out', () => {
    const { scheduler, events, idle } = watch()
    idle.touch()
    scheduler.advance(59_999)
    expect(idle.warningDeadline).toBeNull()
    scheduler.advance(1)
    expect(idle.warningDeadline).toBe(scheduler.now() + 20_000)
    expect(events).toEqual(['idle.warning', 'changed'])
    scheduler.advance(20_000)
    expect(events.filter((e) => e === 'changed')).toHaveLength(20)
    expect(events.at(-1)).toBe('timed-out')
    expect(idle.warningDeadline).toBeNull()
  })

  it('a touch clears the warning and starts a full period', () => {
    const { scheduler, idle } = watch()
    idle.touch()
    scheduler.advance(65_000)
    idle.touch()
    expect(idle.warningDeadline).toBeNull()
    scheduler.advance(59_000)
    expect(idle.warningDeadline).toBeNull()
  })

  it('waiting has its own, longer limit; welcome only reports idleness', () => {
    const waiting = watch('waiting')
    waiting.idle.touch()
    waiting.scheduler.advance(60_000)
    expect(waiting.idle.warningDeadline).toBeNull()
    const welcome = watch('welcome')
    welcome.idle.touch()
    welcome.scheduler.advance(60_000)
    expect(welcome.events).toEqual(['welcome-idle'])
  })

  it('stop leaves no timer behind', () => {
    const { scheduler, idle } = watch()
    idle.touch()
    scheduler.advance(61_000)
    idle.stop()
    expect(scheduler.pendingTimers).toBe(0)
  })
})

describe('ScreenTimer', () => {
  it('clear cancels the timer it set', () => {
    const scheduler = new ManualScheduler()
    const timer = new ScreenTimer(scheduler)
    let fired = 0
    timer.set(() => (fired += 1), 1_000)
    timer.clear()
    scheduler.advance(2_000)
    expect(fired).toBe(0)
    expect(scheduler.pendingTimers).toBe(0)
  })
})
