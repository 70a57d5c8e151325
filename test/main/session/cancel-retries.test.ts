// Cancels that must reach BankID, on a manual clock with a scripted cancel.
import { describe, expect, it } from 'vitest'
import type { BankIdFailure, Result } from '../../../src/main/bankid/failure'
import { CANCEL_RETRY_FIRST_MS, CancelRetries } from '../../../src/main/session/cancel-retries'
import { ManualScheduler } from '../../support/manual-scheduler'

function retries(answers: Result<void>[]) {
  const scheduler = new ManualScheduler()
  const calls: number[] = []
  const events: string[] = []
  const cancels = new CancelRetries({
    bankId: {
      cancel: () => {
        calls.push(scheduler.now())
        return Promise.resolve(answers.shift() ?? { ok: true, value: undefined })
      },
    },
    scheduler,
    cancelTimeoutMs: 3_000,
    hashOrderRef: (ref) => `#${ref}`,
    log: (_level, event) => events.push(event),
    track: (promise) => promise,
    isDisposed: () => false,
  })
  return { scheduler, calls, events, cancels }
}

const down: Result<void> = { ok: false, error: { kind: 'network', code: 'ECONNRESET' } as BankIdFailure }

describe('CancelRetries', () => {
  it('an unanswered cancel is tried again after 5 s, then confirmed', async () => {
    const { scheduler, calls, events, cancels } = retries([down])
    await cancels.cancel('order-1')
    expect(events).toEqual(['order.cancel-failed'])
    scheduler.advance(CANCEL_RETRY_FIRST_MS)
    await Promise.resolve()
    await Promise.resolve()
    expect(calls).toHaveLength(2)
    expect((calls[1] as number) - (calls[0] as number)).toBe(CANCEL_RETRY_FIRST_MS)
    expect(events.at(-1)).toBe('order.cancelled')
    expect(scheduler.pendingTimers).toBe(0)
  })

  it('retryNow tries every unconfirmed cancel at once', async () => {
    const { calls, cancels, scheduler } = retries([down])
    await cancels.cancel('order-1')
    await Promise.all(cancels.retryNow())
    expect(calls).toHaveLength(2)
    expect(scheduler.pendingTimers).toBe(0)
  })
})
