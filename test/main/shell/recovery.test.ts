import { describe, expect, it } from 'vitest'
import { RecoveryPolicy } from '../../../src/main/shell/recovery'

const options = { initialDelayMs: 1_000, maxDelayMs: 8_000, budget: 4, windowMs: 60_000, unresponsiveGraceMs: 5_000 }

describe('RecoveryPolicy', () => {
  it('reloads after a pause that doubles with each failure, up to a cap', () => {
    const policy = new RecoveryPolicy(options)
    expect(policy.onRendererGone('crashed', 0)).toEqual({ action: 'reload', afterMs: 1_000 })
    expect(policy.onRendererGone('oom', 1)).toEqual({ action: 'reload', afterMs: 2_000 })
    expect(policy.onUnresponsiveTooLong(2)).toEqual({ action: 'reload', afterMs: 4_000 })
    expect(policy.onRendererGone('killed', 3)).toEqual({ action: 'reload', afterMs: 8_000 })
  })

  it('relaunches the app when failures exceed the budget within the window', () => {
    const policy = new RecoveryPolicy(options)
    for (let i = 0; i < 4; i++) expect(policy.onRendererGone('crashed', i * 1_000).action).toBe('reload')
    expect(policy.onRendererGone('crashed', 5_000)).toEqual({ action: 'relaunch' })
  })

  it('forgets failures older than the window', () => {
    const policy = new RecoveryPolicy(options)
    for (let i = 0; i < 4; i++) policy.onRendererGone('crashed', i)
    expect(policy.failuresSince(59_000)).toBe(4)
    expect(policy.onRendererGone('crashed', 70_000)).toEqual({ action: 'reload', afterMs: 1_000 })
    expect(policy.failuresSince(70_000)).toBe(1)
  })

  it('a clean exit is not a failure', () => {
    const policy = new RecoveryPolicy(options)
    expect(policy.onRendererGone('clean-exit', 0)).toEqual({ action: 'none' })
    expect(policy.failuresSince(0)).toBe(0)
  })
})
