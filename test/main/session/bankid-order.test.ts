// The order's collect cadence, as a pure function (the loop itself: collect-cadence.test.ts and
// kiosk-session.test.ts, against the simulator).
import { describe, expect, it } from 'vitest'
import { MIN_COLLECT_GAP_MS, newAttempt, nextCollectDelay } from '../../../src/main/session/bankid-order'
import { TEST_TIMING } from '../../support/session-harness'

describe('nextCollectDelay', () => {
  it('one interval from the start of the last collect', () => {
    expect(nextCollectDelay(10_000, 10_000, 2_000)).toBe(2_000)
    expect(nextCollectDelay(10_000, 10_300, 2_000)).toBe(1_700)
  })

  it('never less than a second after the answer, however long the call took (retries inside the client)', () => {
    expect(nextCollectDelay(10_000, 11_500, 2_000)).toBe(MIN_COLLECT_GAP_MS)
    expect(nextCollectDelay(10_000, 13_500, 2_000)).toBe(MIN_COLLECT_GAP_MS)
  })
})

describe('newAttempt', () => {
  it('starts with no order and the restart window from now', () => {
    const attempt = newAttempt(7, '199001011234', 5_000, TEST_TIMING)
    expect(attempt).toMatchObject({ id: 7, order: null, restarts: 0, ended: false, messageKey: 'bankid.rfa1' })
    expect(attempt.windowEndsAt).toBe(5_000 + TEST_TIMING.qrRestartWindowMs)
  })
})
