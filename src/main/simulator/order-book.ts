// The simulator's orders and their life, as BankID runs it (reference §2–§3, §7, §11). Time is
// read from an injected clock and every state change that time causes (startFailed after the
// start window, expiredTransaction, forgetting ended orders) is worked out lazily on access, so
// there are no timers to leak and tests can move the clock by minutes in one step.
import { randomUUID, timingSafeEqual } from 'node:crypto'
import type { Clock } from '../clock'
import { qrAuthCode } from '../bankid/qr'
import type { SimulatorTimings } from './order-lifetime'
import { applyTime, BANKID_TIMINGS, endOrder } from './order-lifetime'
import type { BookResult, CollectAnswer, NewOrder, Order, OrderView, Outcome, ProveCompletion, ScanResult } from './order-types'
import { completionData, orderView, pendingHint } from './order-views'
import type { PeopleRegistry } from './people'

// The pieces: order-types.ts (the vocabulary), order-lifetime.ts (what time does to an order) and
// order-views.ts (what is shown of one). Their public part is exported here as before.
export type { SimulatorTimings } from './order-lifetime'
export { BANKID_TIMINGS } from './order-lifetime'
export type {
  BookError,
  BookResult,
  CollectAnswer,
  NewOrder,
  OrderRequirement,
  OrderType,
  OrderView,
  Outcome,
  ProveCompletion,
  ScanResult,
} from './order-types'

const noSuchOrder: BookResult<never> = { ok: false, error: { errorCode: 'invalidParameters', details: 'No such order' } }

export class OrderBook {
  readonly #orders = new Map<string, Order>()
  readonly #clock: Clock
  readonly #people: PeopleRegistry
  readonly #prove: ProveCompletion
  timings: SimulatorTimings
  /** §7: whether a second order for the same person also kills the first one (v5.1 behaviour). */
  conflictCancelsExisting = true

  constructor(clock: Clock, people: PeopleRegistry, prove: ProveCompletion, timings: SimulatorTimings = BANKID_TIMINGS) {
    this.#clock = clock
    this.#people = people
    this.#prove = prove
    this.timings = timings
  }

  create(request: NewOrder): BookResult<{
    orderRef: string
    autoStartToken: string
    qrStartToken: string
    qrStartSecret: string
  }> {
    this.#sweep()
    const personalNumber = request.requirement.personalNumber
    if (personalNumber !== undefined) {
      const existing = [...this.#orders.values()].find(
        (order) => order.stage !== 'ended' && order.requirement.personalNumber === personalNumber,
      )
      if (existing) {
        if (this.conflictCancelsExisting) this.#end(existing, { status: 'failed', hintCode: 'cancelled' })
        return { ok: false, error: { errorCode: 'alreadyInProgress', details: 'Order already in progress for pno' } }
      }
    }
    const order: Order = {
      ...request,
      orderRef: randomUUID(),
      autoStartToken: randomUUID(),
      qrStartToken: randomUUID(),
      qrStartSecret: randomUUID(),
      createdAt: this.#clock.now(),
      stage: 'awaiting-pickup',
    }
    this.#orders.set(order.orderRef, order)
    const { orderRef, autoStartToken, qrStartToken, qrStartSecret } = order
    return { ok: true, value: { orderRef, autoStartToken, qrStartToken, qrStartSecret } }
  }

  collect(orderRef: string, clientId: string): BookResult<CollectAnswer> {
    const order = this.#find(orderRef, clientId)
    if (!order) return noSuchOrder
    if (order.outcome) return { ok: true, value: { orderRef, ...order.outcome } }
    return { ok: true, value: { orderRef, status: 'pending', hintCode: pendingHint(order.stage) } }
  }

  /** An RP cancel: the order is gone at once; a second cancel or a collect finds nothing. */
  cancel(orderRef: string, clientId: string): BookResult<Record<string, never>> {
    const order = this.#find(orderRef, clientId)
    if (!order) return noSuchOrder
    this.#orders.delete(orderRef)
    return { ok: true, value: {} }
  }

  /**
   * The app scans a QR frame. Like the real app it needs a current frame: the right HMAC for a
   * second of this order's life that is at most `qrMaxAgeSeconds` old.
   */
  scan(payload: string, personalNumber?: string): ScanResult {
    this.#sweep()
    const rejected = (details: string): ScanResult => ({ ok: false, error: { errorCode: 'scanRejected', details } })
    const match = /^bankid\.([^.]+)\.(\d{1,6})\.([0-9a-f]{64})$/.exec(payload.trim())
    if (!match) return rejected('Not a BankID QR code')
    const [, token, secondsText, authCode] = match as unknown as [string, string, string, string]
    const order = [...this.#orders.values()].find((candidate) => candidate.qrStartToken === token)
    if (!order || order.stage === 'ended') return rejected('The QR code belongs to no active order')
    if (order.stage !== 'awaiting-pickup') return rejected('The order has already been picked up')
    const seconds = Number(secondsText)
    const expected = Buffer.from(qrAuthCode(order.qrStartSecret, seconds), 'hex')
    if (!timingSafeEqual(expected, Buffer.from(authCode, 'hex'))) return rejected('The QR code is not genuine')
    const elapsed = Math.floor((this.#clock.now() - order.createdAt) / 1000)
    if (seconds > elapsed + 1) return rejected('The QR code is from the future')
    if (seconds < elapsed - this.timings.qrMaxAgeSeconds) return rejected('The QR code is too old')
    this.#pickUp(order, personalNumber)
    return { ok: true, value: { orderRef: order.orderRef } }
  }

  /** The simulated camera: scans the frame the kiosk shows right now. */
  currentQrPayload(orderRef: string): string | undefined {
    this.#sweep()
    const order = this.#orders.get(orderRef)
    if (!order) return undefined
    const seconds = Math.max(0, Math.floor((this.#clock.now() - order.createdAt) / 1000))
    return `bankid.${order.qrStartToken}.${seconds}.${qrAuthCode(order.qrStartSecret, seconds)}`
  }

  /** The user scanned their passport or ID card (mrtd step-up). */
  completeMrtd(orderRef: string): BookResult<OrderView> {
    const order = this.#active(orderRef)
    if (!order || order.stage !== 'awaiting-mrtd') return noSuchOrder
    order.stage = 'awaiting-code'
    return { ok: true, value: this.#view(order) }
  }

  /** The user typed a security code in the app. */
  enterSecurityCode(
    orderRef: string,
    code: string,
  ): BookResult<{ result: 'complete' | 'wrong' | 'blocked'; attemptsLeft: number }> {
    const order = this.#active(orderRef)
    if (!order?.person || order.stage !== 'awaiting-code') return noSuchOrder
    const personalNumber = order.person.personalNumber
    const check = this.#people.checkCode(personalNumber, code)
    if (check === 'blocked') {
      this.#end(order, { status: 'failed', hintCode: 'certificateErr' })
      return { ok: true, value: { result: 'blocked', attemptsLeft: 0 } }
    }
    if (check === 'wrong') {
      return { ok: true, value: { result: 'wrong', attemptsLeft: this.#people.wrongCodesLeft(personalNumber) } }
    }
    this.#end(order, { status: 'complete', completionData: completionData(order, order.person, this.#prove) })
    return { ok: true, value: { result: 'complete', attemptsLeft: this.#people.wrongCodesLeft(personalNumber) } }
  }

  /** The user pressed cancel in the app. */
  cancelInApp(orderRef: string): BookResult<OrderView> {
    return this.failOrder(orderRef, 'userCancel')
  }

  /** Ends a pending order with any failed hint code, known or not (scripted outcomes). */
  failOrder(orderRef: string, hintCode: string): BookResult<OrderView> {
    const order = this.#active(orderRef)
    if (!order) return noSuchOrder
    this.#end(order, { status: 'failed', hintCode })
    return { ok: true, value: this.#view(order) }
  }

  list(): OrderView[] {
    this.#sweep()
    return [...this.#orders.values()].map((order) => this.#view(order))
  }

  /** Number of orders held (ended ones included until BankID would forget them). */
  get size(): number {
    this.#sweep()
    return this.#orders.size
  }

  clear(): void {
    this.#orders.clear()
  }

  #pickUp(order: Order, personalNumber: string | undefined): void {
    // An order pinned to a person can only be taken by that person's app.
    const person = this.#people.get(
      order.requirement.personalNumber ?? personalNumber ?? this.#people.defaultPerson().personalNumber,
    )
    order.person = person
    order.pickedUpAt = this.#clock.now()
    if (this.#people.isBlocked(person.personalNumber)) {
      this.#end(order, { status: 'failed', hintCode: 'certificateErr' })
      return
    }
    order.stage = order.requirement.mrtd ? 'awaiting-mrtd' : 'awaiting-code'
  }

  #end(order: Order, outcome: Outcome): void {
    endOrder(order, outcome, this.#clock.now())
  }

  #find(orderRef: string, clientId: string): Order | undefined {
    this.#sweep()
    const order = this.#orders.get(orderRef)
    return order && order.clientId === clientId ? order : undefined
  }

  #active(orderRef: string): Order | undefined {
    this.#sweep()
    const order = this.#orders.get(orderRef)
    return order && order.stage !== 'ended' ? order : undefined
  }

  /** Applies everything the passing of time has done since the last look. */
  #sweep(): void {
    const now = this.#clock.now()
    for (const order of this.#orders.values()) {
      if (applyTime(order, now, this.timings) === 'forget') this.#orders.delete(order.orderRef)
    }
  }

  #view(order: Order): OrderView {
    return orderView(order, this.#clock.now())
  }
}
