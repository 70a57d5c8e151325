// The simulator's orders and their life, as BankID runs it (reference §2–§3, §7, §11). Time is
// read from an injected clock and every state change that time causes (startFailed after the
// start window, expiredTransaction, forgetting ended orders) is worked out lazily on access, so
// there are no timers to leak and tests can move the clock by minutes in one step.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto'
import type { Clock } from '../clock'
import { qrAuthCode } from '../bankid/qr'
import type { ProofInput, SignedProof } from './bankid-proof'
import type { PeopleRegistry, SimulatedPerson } from './people'

/** Signs a completed order's proof (SimulatorProofSigner.prove): the signature and the OCSP response. */
export type ProveCompletion = (input: ProofInput) => SignedProof

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

export type OrderType = 'auth' | 'sign'
type Stage = 'awaiting-pickup' | 'awaiting-mrtd' | 'awaiting-code' | 'ended'

export interface OrderRequirement {
  personalNumber?: string
  mrtd?: boolean
  pinCode?: boolean
}

export interface NewOrder {
  type: OrderType
  /** Identifies the RP certificate: only the same RP may collect or cancel the order. */
  clientId: string
  endUserIp: string
  requirement: OrderRequirement
  userVisibleData?: string | undefined
  userNonVisibleData?: string | undefined
  returnRisk: boolean
}

export type Outcome =
  | { status: 'failed'; hintCode: string }
  | { status: 'complete'; completionData: Record<string, unknown> }

interface Order extends NewOrder {
  orderRef: string
  autoStartToken: string
  qrStartToken: string
  qrStartSecret: string
  createdAt: number
  stage: Stage
  person?: SimulatedPerson
  pickedUpAt?: number
  outcome?: Outcome
  endedAt?: number
}

export type CollectAnswer =
  | { orderRef: string; status: 'pending'; hintCode: string }
  | { orderRef: string; status: 'failed'; hintCode: string }
  | { orderRef: string; status: 'complete'; completionData: Record<string, unknown> }

export type BookError = { errorCode: 'alreadyInProgress' | 'invalidParameters'; details: string }
export type BookResult<T> = { ok: true; value: T } | { ok: false; error: BookError }

const noSuchOrder: BookResult<never> = { ok: false, error: { errorCode: 'invalidParameters', details: 'No such order' } }

/** What the simulated app shows: no secrets, no QR tokens. */
export interface OrderView {
  orderRef: string
  type: OrderType
  ageSeconds: number
  stage: Stage
  hintCode: string | null
  status: 'pending' | 'failed' | 'complete'
  requiredPersonalNumber: string | null
  personalNumber: string | null
  userVisibleText: string | null
  mrtd: boolean
  /** What the RP sent as the end user's address (a gateway sets it for its kiosks). */
  endUserIp: string
}

export type ScanResult = BookResult<{ orderRef: string }> | { ok: false; error: { errorCode: 'scanRejected'; details: string } }

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
    this.#end(order, { status: 'complete', completionData: this.#completionData(order, order.person) })
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
    order.stage = 'ended'
    order.outcome = outcome
    order.endedAt = this.#clock.now()
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
    const t = this.timings
    for (const order of this.#orders.values()) {
      if (order.stage === 'awaiting-pickup' && now - order.createdAt >= t.startWindowMs) {
        this.#end(order, { status: 'failed', hintCode: 'startFailed' })
        order.endedAt = order.createdAt + t.startWindowMs
      } else if (order.stage !== 'ended' && order.pickedUpAt !== undefined && now - order.pickedUpAt >= t.orderLifetimeMs) {
        this.#end(order, { status: 'failed', hintCode: 'expiredTransaction' })
        order.endedAt = order.pickedUpAt + t.orderLifetimeMs
      }
      if (order.stage === 'ended' && now >= forgetAt(order, t)) this.#orders.delete(order.orderRef)
    }
  }

  #view(order: Order): OrderView {
    const outcome = order.outcome
    return {
      orderRef: order.orderRef,
      type: order.type,
      ageSeconds: Math.floor((this.#clock.now() - order.createdAt) / 1000),
      stage: order.stage,
      status: outcome?.status ?? 'pending',
      hintCode: outcome ? (outcome.status === 'failed' ? outcome.hintCode : null) : pendingHint(order.stage),
      requiredPersonalNumber: order.requirement.personalNumber ?? null,
      personalNumber: order.person?.personalNumber ?? null,
      userVisibleText:
        order.userVisibleData === undefined ? null : Buffer.from(order.userVisibleData, 'base64').toString('utf8'),
      mrtd: order.requirement.mrtd === true,
      endUserIp: order.endUserIp,
    }
  }

  #completionData(order: Order, person: SimulatedPerson): Record<string, unknown> {
    const { signature, ocspResponse } = this.#prove({
      type: order.type,
      personalNumber: person.personalNumber,
      givenName: person.givenName,
      surname: person.surname,
      userVisibleData: order.userVisibleData,
      userNonVisibleData: order.userNonVisibleData,
    })
    return {
      user: {
        personalNumber: person.personalNumber,
        name: `${person.givenName} ${person.surname}`,
        givenName: person.givenName,
        surname: person.surname,
      },
      device: {
        ipAddress: '192.0.2.10', // the phone's address (TEST-NET-1): in QR flows it is not the kiosk's
        uhi: createHash('sha1').update(`uhi:${person.personalNumber}`).digest('base64'),
      },
      bankIdIssueDate: '2024-01-15Z',
      ...(order.requirement.mrtd ? { stepUp: { mrtd: true } } : {}),
      signature,
      ocspResponse,
      ...(order.returnRisk ? { risk: 'low' } : {}),
    }
  }
}

function pendingHint(stage: Stage): string {
  switch (stage) {
    case 'awaiting-pickup':
      return 'outstandingTransaction'
    case 'awaiting-mrtd':
      return 'userMrtd'
    default:
      return 'userSign'
  }
}

function forgetAt(order: Order, t: SimulatorTimings): number {
  const endedAt = order.endedAt ?? order.createdAt
  if (order.outcome?.status === 'complete') return endedAt + t.completeCollectableMs
  // §7: "never-picked-up timed-out" orders are forgotten 3 min 10 s after creation.
  if (order.outcome?.status === 'failed' && order.outcome.hintCode === 'startFailed') {
    return order.createdAt + t.unscannedCollectableMs
  }
  return endedAt + t.failedCollectableMs
}
