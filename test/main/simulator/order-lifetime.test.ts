// What time does to one order, on its own (the book's behaviour over time is order-book.test.ts's).
import { describe, expect, it } from 'vitest'
import { applyTime, BANKID_TIMINGS, endOrder, forgetAt } from '../../../src/main/simulator/order-lifetime'
import type { Order } from '../../../src/main/simulator/order-types'

const t = BANKID_TIMINGS
const order = (extra: Partial<Order> = {}): Order => ({
  type: 'auth',
  clientId: 'rp',
  endUserIp: '127.0.0.1',
  requirement: {},
  returnRisk: false,
  orderRef: 'ref',
  autoStartToken: 'a',
  qrStartToken: 'q',
  qrStartSecret: 's',
  createdAt: 1_000,
  stage: 'awaiting-pickup',
  ...extra,
})

describe('applyTime', () => {
  it('leaves a fresh order alone', () => {
    const o = order()
    expect(applyTime(o, 1_000 + t.startWindowMs - 1, t)).toBe('keep')
    expect(o.stage).toBe('awaiting-pickup')
  })

  it('ends an order nobody picked up with startFailed, dated at the end of the start window', () => {
    const o = order()
    expect(applyTime(o, 1_000 + t.startWindowMs + 5_000, t)).toBe('keep')
    expect(o).toMatchObject({ stage: 'ended', outcome: { status: 'failed', hintCode: 'startFailed' }, endedAt: 1_000 + t.startWindowMs })
  })

  it('ends a picked-up order with expiredTransaction, dated at the end of its lifetime', () => {
    const o = order({ stage: 'awaiting-code', pickedUpAt: 5_000 })
    applyTime(o, 5_000 + t.orderLifetimeMs + 10, t)
    expect(o).toMatchObject({ outcome: { status: 'failed', hintCode: 'expiredTransaction' }, endedAt: 5_000 + t.orderLifetimeMs })
  })

  it('forgets an unscanned order 3 min 10 s after creation, in one jump', () => {
    const o = order()
    expect(applyTime(o, 1_000 + t.unscannedCollectableMs - 1, t)).toBe('keep')
    expect(applyTime(o, 1_000 + t.unscannedCollectableMs, t)).toBe('forget')
    expect(applyTime(order(), 10 * 60_000, t)).toBe('forget')
  })

  it('never touches an ended order before it is forgotten', () => {
    const o = order({ stage: 'awaiting-code', pickedUpAt: 2_000 })
    endOrder(o, { status: 'complete', completionData: {} }, 3_000)
    expect(applyTime(o, 3_000 + t.completeCollectableMs - 1, t)).toBe('keep')
    expect(o.outcome).toEqual({ status: 'complete', completionData: {} })
  })
})

describe('forgetAt', () => {
  it('complete: 3 min after it ended; failed: 5 min after; never picked up: 3 min 10 s after creation', () => {
    const complete = order({ stage: 'ended', outcome: { status: 'complete', completionData: {} }, endedAt: 9_000 })
    const failed = order({ stage: 'ended', outcome: { status: 'failed', hintCode: 'userCancel' }, endedAt: 9_000 })
    const unscanned = order({ stage: 'ended', outcome: { status: 'failed', hintCode: 'startFailed' }, endedAt: 31_000 })
    expect(forgetAt(complete, t)).toBe(9_000 + t.completeCollectableMs)
    expect(forgetAt(failed, t)).toBe(9_000 + t.failedCollectableMs)
    expect(forgetAt(unscanned, t)).toBe(1_000 + t.unscannedCollectableMs)
  })
})
