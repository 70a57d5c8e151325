// Time in an order's life, as BankID runs it (reference §7): how long it waits for the app, how
// long the user has, and how long an ended order can still be collected. Pure: the book applies it
// lazily on access, so there are no timers.
import type { Order, Outcome } from './order-types'

export interface SimulatorTimings {
  /** No app picked the order up within this → failed startFailed (~30 s, §7). */
  startWindowMs: number
  /** Once picked up, the user has this long to finish → failed expiredTransaction (~3 min). */
  orderLifetimeMs: number
  /** How long an ended order can still be collected before it is "No such order". */
  completeCollectableMs: number
  failedCollectableMs: number
  /** A never-picked-up order is forgotten this long after it was created (3 min 10 s). */
  unscannedCollectableMs: number
  /** How many seconds old a scanned QR frame may be. */
  qrMaxAgeSeconds: number
}

export const BANKID_TIMINGS: SimulatorTimings = {
  startWindowMs: 30_000,
  orderLifetimeMs: 180_000,
  completeCollectableMs: 180_000,
  failedCollectableMs: 300_000,
  unscannedCollectableMs: 190_000,
  qrMaxAgeSeconds: 2,
}

/** Ends an order with an outcome at `now`. */
export function endOrder(order: Order, outcome: Outcome, now: number): void {
  order.stage = 'ended'
  order.outcome = outcome
  order.endedAt = now
}

/**
 * Applies what time has done to one order by `now`: startFailed or expiredTransaction, dated when
 * it happened rather than when it was noticed. Returns whether BankID has forgotten the order.
 */
export function applyTime(order: Order, now: number, t: SimulatorTimings): 'keep' | 'forget' {
  if (order.stage === 'awaiting-pickup' && now - order.createdAt >= t.startWindowMs) {
    endOrder(order, { status: 'failed', hintCode: 'startFailed' }, order.createdAt + t.startWindowMs)
  } else if (order.stage !== 'ended' && order.pickedUpAt !== undefined && now - order.pickedUpAt >= t.orderLifetimeMs) {
    endOrder(order, { status: 'failed', hintCode: 'expiredTransaction' }, order.pickedUpAt + t.orderLifetimeMs)
  }
  return order.stage === 'ended' && now >= forgetAt(order, t) ? 'forget' : 'keep'
}

/** When BankID stops knowing an ended order. */
export function forgetAt(order: Order, t: SimulatorTimings): number {
  const endedAt = order.endedAt ?? order.createdAt
  if (order.outcome?.status === 'complete') return endedAt + t.completeCollectableMs
  // §7: "never-picked-up timed-out" orders are forgotten 3 min 10 s after creation.
  if (order.outcome?.status === 'failed' && order.outcome.hintCode === 'startFailed') {
    return order.createdAt + t.unscannedCollectableMs
  }
  return endedAt + t.failedCollectableMs
}
