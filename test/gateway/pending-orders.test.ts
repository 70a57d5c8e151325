// What the front remembers of the orders it started, on its own.
import { describe, expect, it } from 'vitest'
import type { PendingOrder } from '../../src/gateway/pending-orders'
import { MAX_REVOKED_AND_CANCELLED, PENDING_FORGOTTEN_AFTER_MS, PendingOrders } from '../../src/gateway/pending-orders'

const order = (startedAt: number, pnrKey: string | null = null): PendingOrder => ({
  kiosk: 'AA:BB',
  kioskId: 'reception-a',
  serialNumber: '01',
  pnrKey,
  startedAt,
})

describe('PendingOrders', () => {
  it('remembers orders by ref and by personnummer hash, and reports its size on every change', () => {
    const sizes: number[] = []
    const orders = new PendingOrders((size) => sizes.push(size))
    orders.add('ref-1', order(0, 'pnr-1'))
    orders.add('ref-2', order(1))
    expect(orders.size).toBe(2)
    expect(orders.refFor('pnr-1')).toBe('ref-1')
    expect(orders.entries().map(([ref]) => ref)).toEqual(['ref-1', 'ref-2'])
    orders.forget('ref-1')
    expect(orders.refFor('pnr-1')).toBeUndefined()
    orders.forget('ref-1') // unknown now: no change reported
    expect(sizes).toEqual([1, 2, 1])
  })

  it('a newer order for the same personnummer takes the hash; forgetting the older leaves it', () => {
    const orders = new PendingOrders()
    orders.add('old', order(0, 'pnr'))
    orders.add('new', order(1, 'pnr'))
    orders.forget('old')
    expect(orders.refFor('pnr')).toBe('new')
  })

  it(`forgets orders started more than ${PENDING_FORGOTTEN_AFTER_MS} ms ago, and only those`, () => {
    const orders = new PendingOrders()
    orders.add('a', order(0, 'pnr-a'))
    orders.add('b', order(1_000))
    orders.add('c', order(PENDING_FORGOTTEN_AFTER_MS))
    orders.forgetOld(PENDING_FORGOTTEN_AFTER_MS + 500)
    expect(orders.entries().map(([ref]) => ref)).toEqual(['b', 'c'])
    expect(orders.refFor('pnr-a')).toBeUndefined()
  })

  it(`remembers the last ${MAX_REVOKED_AND_CANCELLED} orders cancelled for revocation`, () => {
    const orders = new PendingOrders()
    for (let i = 0; i <= MAX_REVOKED_AND_CANCELLED; i++) orders.markRevokedAndCancelled(`ref-${i}`)
    expect(orders.wasRevokedAndCancelled('ref-0')).toBe(false)
    expect(orders.wasRevokedAndCancelled('ref-1')).toBe(true)
    expect(orders.wasRevokedAndCancelled(`ref-${MAX_REVOKED_AND_CANCELLED}`)).toBe(true)
  })
})
