// The simulator's order book on its own, with a hand-driven clock: QR scan checks, the timings of
// reference §7, person conflicts, security codes, and a property test over random operations.
import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { qrPayload } from '../../../src/main/bankid/qr'
import { BANKID_TIMINGS, OrderBook } from '../../../src/main/simulator/order-book'
import type { BookResult, CollectAnswer, NewOrder, OrderRequirement } from '../../../src/main/simulator/order-book'
import { PeopleRegistry, WRONG_CODES_BEFORE_BLOCK } from '../../../src/main/simulator/people'
import { ManualClock } from '../../support/manual-clock'
import { testProofPki, testProofSigner } from '../../support/proof-signer'
import { certificatesFromPem, verifyBankIdProof } from '../../../examples/handoff-receiver/bankid-proof.mjs'
import type { ProveCompletion } from '../../../src/main/simulator/order-book'

const RP = 'rp-fingerprint-a'
const ANNA = '199001012385' // the registry's first (default) person
const MOHAMMED = '198505152382'

let clock: ManualClock
let people: PeopleRegistry
let book: OrderBook
let prove: ProveCompletion

beforeAll(async () => {
  const signer = await testProofSigner()
  prove = (input) => signer.prove(input)
})

beforeEach(() => {
  clock = new ManualClock()
  people = new PeopleRegistry()
  book = new OrderBook(clock, people, prove)
})

interface Created {
  orderRef: string
  autoStartToken: string
  qrStartToken: string
  qrStartSecret: string
}

function newOrder(requirement: OrderRequirement = {}, extra: Partial<NewOrder> = {}): NewOrder {
  return { type: 'auth', clientId: RP, endUserIp: '127.0.0.1', requirement, returnRisk: false, ...extra }
}

function create(requirement: OrderRequirement = {}, extra: Partial<NewOrder> = {}): Created {
  const result = book.create(newOrder(requirement, extra))
  if (!result.ok) throw new Error(`create failed: ${result.error.details}`)
  return result.value
}

/** The QR payload for second `seconds` of this order's animation. */
const frame = (order: Created, seconds: number) => qrPayload(order.qrStartToken, order.qrStartSecret, seconds)

function scanAt(order: Created, seconds: number, personalNumber?: string) {
  return book.scan(frame(order, seconds), personalNumber)
}

function collect(orderRef: string): CollectAnswer {
  const result = book.collect(orderRef, RP)
  if (!result.ok) throw new Error(`collect failed: ${result.error.details}`)
  return result.value
}

const noSuchOrder = { ok: false, error: { errorCode: 'invalidParameters', details: 'No such order' } }
const rejected = (details: string) => ({ ok: false, error: { errorCode: 'scanRejected', details } })
const pending = (hintCode: string) => expect.objectContaining({ status: 'pending', hintCode })
const failed = (hintCode: string) => expect.objectContaining({ status: 'failed', hintCode })

/** Picks the order up with the current frame and checks the scan was taken. */
function pickUp(order: Created, personalNumber?: string): void {
  const payload = book.currentQrPayload(order.orderRef)
  if (payload === undefined) throw new Error('no such order to scan')
  expect(book.scan(payload, personalNumber)).toEqual({ ok: true, value: { orderRef: order.orderRef } })
}

describe('QR scan verification', () => {
  it('accepts the frame for the current second', () => {
    const order = create()
    expect(scanAt(order, 0)).toEqual({ ok: true, value: { orderRef: order.orderRef } })
    expect(collect(order.orderRef)).toEqual({ orderRef: order.orderRef, status: 'pending', hintCode: 'userSign' })
  })

  it('accepts the current frame late in the start window (second 29.999)', () => {
    const order = create()
    clock.advance(29_999)
    expect(scanAt(order, 29).ok).toBe(true)
  })

  it.each([
    [0, 'the current second', true],
    [1, 'a frame 1 s old', true],
    [2, 'a frame 2 s old', true],
  ])('at 5.9 s accepts %s s back (%s)', (age, _name, accepted) => {
    const order = create()
    clock.advance(5_900)
    expect(scanAt(order, 5 - age).ok).toBe(accepted)
  })

  it('refuses a frame 3 s old as too old, and the order stays waiting for a scan', () => {
    const order = create()
    clock.advance(5_000)
    expect(scanAt(order, 2)).toEqual(rejected('The QR code is too old'))
    expect(scanAt(order, 0)).toEqual(rejected('The QR code is too old'))
    expect(collect(order.orderRef)).toMatchObject({ status: 'pending', hintCode: 'outstandingTransaction' })
    expect(scanAt(order, 5).ok).toBe(true)
  })

  it('tolerates a frame 1 s ahead (the kiosk counts from a slightly later moment) but not 2 s', () => {
    const order = create()
    clock.advance(5_000)
    expect(scanAt(order, 7)).toEqual(rejected('The QR code is from the future'))
    expect(scanAt(order, 60)).toEqual(rejected('The QR code is from the future'))
    expect(scanAt(order, 6).ok).toBe(true)
  })

  it('honours a configured qrMaxAgeSeconds', () => {
    book = new OrderBook(clock, people, prove, { ...BANKID_TIMINGS, qrMaxAgeSeconds: 0 })
    const order = create()
    clock.advance(3_000)
    expect(scanAt(order, 2)).toEqual(rejected('The QR code is too old'))
    expect(scanAt(order, 3).ok).toBe(true)
  })

  it('refuses a frame signed with another secret as not genuine', () => {
    const order = create()
    expect(book.scan(qrPayload(order.qrStartToken, randomUUID(), 0))).toEqual(rejected('The QR code is not genuine'))
    // Another order's secret is just as wrong.
    const other = create()
    expect(book.scan(qrPayload(order.qrStartToken, other.qrStartSecret, 0))).toEqual(rejected('The QR code is not genuine'))
    // The right code for another second is not this second's code.
    const code = frame(order, 1).split('.')[3]
    expect(book.scan(`bankid.${order.qrStartToken}.0.${code}`)).toEqual(rejected('The QR code is not genuine'))
    expect(collect(order.orderRef)).toMatchObject({ hintCode: 'outstandingTransaction' })
  })

  it.each([
    ['an empty payload', ''],
    ['a URL', 'https://app.bankid.com/?autostarttoken=x'],
    ['a missing auth code', 'bankid.67df3917-fa0d-44e5-b327-edcc928297f8.0'],
    ['a short auth code', 'bankid.67df3917-fa0d-44e5-b327-edcc928297f8.0.dc69358e'],
    ['an upper-case auth code', `bankid.67df3917-fa0d-44e5-b327-edcc928297f8.0.${'A'.repeat(64)}`],
    ['a negative second', `bankid.67df3917-fa0d-44e5-b327-edcc928297f8.-1.${'a'.repeat(64)}`],
    ['another prefix', `bankidx.67df3917-fa0d-44e5-b327-edcc928297f8.0.${'a'.repeat(64)}`],
  ])('refuses %s as not a BankID QR code', (_name, payload) => {
    expect(book.scan(payload)).toEqual(rejected('Not a BankID QR code'))
  })

  it('refuses a well-formed code whose token belongs to no order', () => {
    create()
    expect(book.scan(qrPayload(randomUUID(), randomUUID(), 0))).toEqual(
      rejected('The QR code belongs to no active order'),
    )
  })

  it('refuses a second scan of an order that has been picked up', () => {
    const order = create()
    expect(scanAt(order, 0).ok).toBe(true)
    expect(scanAt(order, 0)).toEqual(rejected('The order has already been picked up'))
    clock.advance(1_000)
    expect(scanAt(order, 1)).toEqual(rejected('The order has already been picked up'))
  })

  it('refuses a scan after startFailed, even with a frame that would otherwise be current', () => {
    const order = create()
    clock.advance(30_000)
    expect(scanAt(order, 30)).toEqual(rejected('The QR code belongs to no active order'))
    expect(scanAt(order, 29)).toEqual(rejected('The QR code belongs to no active order'))
    expect(collect(order.orderRef)).toEqual({ orderRef: order.orderRef, status: 'failed', hintCode: 'startFailed' })
  })

  it('refuses a scan of an order that has ended or been cancelled by the RP', () => {
    const ended = create()
    book.failOrder(ended.orderRef, 'transactionRiskBlocked')
    expect(scanAt(ended, 0)).toEqual(rejected('The QR code belongs to no active order'))
    const cancelled = create()
    book.cancel(cancelled.orderRef, RP)
    expect(scanAt(cancelled, 0)).toEqual(rejected('The QR code belongs to no active order'))
  })

  it('currentQrPayload is the frame an AnimatedQr would show now', () => {
    const order = create()
    clock.advance(12_345)
    expect(book.currentQrPayload(order.orderRef)).toBe(frame(order, 12))
    expect(book.currentQrPayload(randomUUID())).toBeUndefined()
  })

  it('a scan with a personal number makes that person the user of an unpinned order', () => {
    const order = create()
    pickUp(order, MOHAMMED)
    expect(book.list()[0]).toMatchObject({ personalNumber: MOHAMMED, requiredPersonalNumber: null })
    book.enterSecurityCode(order.orderRef, '123456')
    expect(collect(order.orderRef)).toMatchObject({
      status: 'complete',
      completionData: { user: { personalNumber: MOHAMMED, name: 'Mohammed Ali' } },
    })
  })

  it("signs the completion like BankID: a receiver verifies it, for this person, under the simulator's signing root", async () => {
    const order = create({ personalNumber: MOHAMMED }, { type: 'sign', userVisibleData: Buffer.from('Jag godkänner').toString('base64') })
    pickUp(order)
    book.enterSecurityCode(order.orderRef, '123456')
    const done = collect(order.orderRef)
    if (done.status !== 'complete') throw new Error(`the order is ${done.status}`)
    const { signature, ocspResponse } = done.completionData as { signature: string; ocspResponse: string }
    const roots = certificatesFromPem((await testProofPki()).rootCertPem)
    expect(verifyBankIdProof({ signature, ocspResponse, personnummer: MOHAMMED, roots, nowMs: Date.now() })).toEqual({
      ok: true,
      personnummer: MOHAMMED,
      funcId: 'Signing',
    })
    expect(verifyBankIdProof({ signature, ocspResponse, personnummer: ANNA, roots, nowMs: Date.now() }).ok).toBe(false)
    expect(Buffer.from(signature, 'base64').toString('utf8')).toContain(`<usrVisibleData charset="UTF-8" visible="wysiwys">${Buffer.from('Jag godkänner').toString('base64')}<`)
  })

  it('a scan without one uses the default person', () => {
    const order = create()
    pickUp(order)
    expect(book.list()[0]).toMatchObject({ personalNumber: ANNA })
  })
})

describe('timings', () => {
  it('fails with startFailed exactly 30 000 ms after creation when nobody scans', () => {
    const order = create()
    clock.advance(29_999)
    expect(collect(order.orderRef)).toEqual(pending('outstandingTransaction'))
    clock.advance(1)
    expect(collect(order.orderRef)).toEqual(failed('startFailed'))
  })

  it('fails with expiredTransaction exactly orderLifetimeMs after pickup', () => {
    const order = create()
    clock.advance(10_000)
    pickUp(order)
    clock.advance(BANKID_TIMINGS.orderLifetimeMs - 1)
    expect(collect(order.orderRef)).toEqual(pending('userSign'))
    expect(book.list()[0]).toMatchObject({ status: 'pending', stage: 'awaiting-code' })
    clock.advance(1)
    expect(collect(order.orderRef)).toEqual(failed('expiredTransaction'))
    expect(book.enterSecurityCode(order.orderRef, '123456')).toEqual(noSuchOrder)
  })

  it('uses configured timings', () => {
    book = new OrderBook(clock, people, prove, { ...BANKID_TIMINGS, startWindowMs: 5_000, orderLifetimeMs: 7_000 })
    const unscanned = create()
    const scanned = create()
    pickUp(scanned)
    clock.advance(5_000)
    expect(collect(unscanned.orderRef)).toEqual(failed('startFailed'))
    expect(collect(scanned.orderRef)).toEqual(pending('userSign'))
    clock.advance(2_000)
    expect(collect(scanned.orderRef)).toEqual(failed('expiredTransaction'))
  })

  it('an mrtd order waiting for the ID document expires too', () => {
    const order = create({ mrtd: true })
    pickUp(order)
    clock.advance(BANKID_TIMINGS.orderLifetimeMs)
    expect(collect(order.orderRef)).toEqual(failed('expiredTransaction'))
  })

  it('a complete order can be collected for 3 minutes after it completed, then is "No such order"', () => {
    const order = create()
    clock.advance(4_000)
    pickUp(order)
    clock.advance(20_000)
    book.enterSecurityCode(order.orderRef, '123456')
    const done = collect(order.orderRef)
    expect(done.status).toBe('complete')
    clock.advance(180_000 - 1)
    expect(collect(order.orderRef)).toEqual(done)
    clock.advance(1)
    expect(book.collect(order.orderRef, RP)).toEqual(noSuchOrder)
    expect(book.size).toBe(0)
  })

  it('a failed order can be collected for 5 minutes after it failed, then is "No such order"', () => {
    const order = create()
    pickUp(order)
    clock.advance(15_000)
    book.cancelInApp(order.orderRef)
    clock.advance(300_000 - 1)
    expect(collect(order.orderRef)).toEqual(failed('userCancel'))
    clock.advance(1)
    expect(book.collect(order.orderRef, RP)).toEqual(noSuchOrder)
  })

  it('an expired order is forgotten 5 minutes after it expired, even if nobody looked in between', () => {
    const order = create()
    pickUp(order)
    clock.advance(180_000 + 300_000 - 1)
    expect(collect(order.orderRef)).toEqual(failed('expiredTransaction'))
    clock.advance(1)
    expect(book.collect(order.orderRef, RP)).toEqual(noSuchOrder)
  })

  it('a never-picked-up order is forgotten 3 min 10 s after it was created', () => {
    const order = create()
    clock.advance(190_000 - 1)
    expect(collect(order.orderRef)).toEqual(failed('startFailed'))
    clock.advance(1)
    expect(book.collect(order.orderRef, RP)).toEqual(noSuchOrder)
  })

  it('a never-collected order is forgotten in one jump of the clock', () => {
    create()
    clock.advance(24 * 60 * 60 * 1_000)
    expect(book.size).toBe(0)
    expect(book.list()).toEqual([])
  })

  it('an RP cancel removes the order at once; a second cancel and a collect find nothing', () => {
    const order = create()
    const other = create()
    expect(book.cancel(order.orderRef, RP)).toEqual({ ok: true, value: {} })
    expect(book.size).toBe(1)
    expect(book.collect(order.orderRef, RP)).toEqual(noSuchOrder)
    expect(book.cancel(order.orderRef, RP)).toEqual(noSuchOrder)
    expect(collect(other.orderRef)).toEqual(pending('outstandingTransaction'))
  })

  it('an RP cancel of a picked-up order removes it too', () => {
    const order = create()
    pickUp(order)
    expect(book.cancel(order.orderRef, RP).ok).toBe(true)
    expect(book.enterSecurityCode(order.orderRef, '123456')).toEqual(noSuchOrder)
  })

  it('only the RP that created an order can collect or cancel it', () => {
    const order = create()
    expect(book.collect(order.orderRef, 'rp-fingerprint-b')).toEqual(noSuchOrder)
    expect(book.cancel(order.orderRef, 'rp-fingerprint-b')).toEqual(noSuchOrder)
    expect(collect(order.orderRef)).toEqual(pending('outstandingTransaction'))
  })
})

describe('orders for the same person', () => {
  const conflict = { ok: false, error: { errorCode: 'alreadyInProgress', details: 'Order already in progress for pno' } }

  it('with conflictCancelsExisting (the default) the second is refused and the first is cancelled', () => {
    expect(book.conflictCancelsExisting).toBe(true)
    const first = create({ personalNumber: MOHAMMED })
    expect(book.create(newOrder({ personalNumber: MOHAMMED }, { type: 'sign', userVisibleData: 'QQ==' }))).toEqual(conflict)
    expect(collect(first.orderRef)).toEqual(failed('cancelled'))
    expect(book.size).toBe(1) // the refused order was never created
    // The first one has ended, so the person can start again.
    const third = create({ personalNumber: MOHAMMED })
    expect(collect(third.orderRef)).toEqual(pending('outstandingTransaction'))
  })

  it('without it the second is refused and the first stays pending', () => {
    book.conflictCancelsExisting = false
    const first = create({ personalNumber: MOHAMMED })
    expect(book.create(newOrder({ personalNumber: MOHAMMED }))).toEqual(conflict)
    expect(collect(first.orderRef)).toEqual(pending('outstandingTransaction'))
    expect(book.create(newOrder({ personalNumber: MOHAMMED }))).toEqual(conflict)
    expect(book.size).toBe(1)
  })

  it('a picked-up order conflicts as well, across RPs', () => {
    const first = create({ personalNumber: MOHAMMED })
    pickUp(first)
    expect(book.create(newOrder({ personalNumber: MOHAMMED }, { clientId: 'rp-fingerprint-b' }))).toEqual(conflict)
    expect(collect(first.orderRef)).toEqual(failed('cancelled'))
  })

  it.each<[string, (order: Created) => void]>([
    [
      'completed',
      (order) => {
        pickUp(order)
        book.enterSecurityCode(order.orderRef, '123456')
      },
    ],
    ['cancelled in the app', (order) => void book.cancelInApp(order.orderRef)],
    ['cancelled by the RP', (order) => void book.cancel(order.orderRef, RP)],
    ['timed out', () => clock.advance(30_000)],
  ])('a new order is allowed once the first has ended (%s)', (_name, end) => {
    book.conflictCancelsExisting = false
    const first = create({ personalNumber: MOHAMMED })
    end(first)
    expect(book.create(newOrder({ personalNumber: MOHAMMED })).ok).toBe(true)
  })

  it('orders without a personal number never conflict', () => {
    create()
    create()
    create({ personalNumber: MOHAMMED })
    expect(book.create(newOrder()).ok).toBe(true)
    expect(book.create(newOrder({ personalNumber: ANNA })).ok).toBe(true)
    expect(book.size).toBe(5)
  })

  it('a pinned order is taken by the pinned person', () => {
    const order = create({ personalNumber: MOHAMMED })
    pickUp(order)
    expect(book.list()[0]).toMatchObject({ requiredPersonalNumber: MOHAMMED, personalNumber: MOHAMMED })
  })
})

describe('security codes', () => {
  it('a wrong code counts down attemptsLeft; the right one completes and resets the count', () => {
    const order = create({ personalNumber: MOHAMMED })
    pickUp(order)
    expect(book.enterSecurityCode(order.orderRef, '000000')).toEqual({ ok: true, value: { result: 'wrong', attemptsLeft: 3 } })
    expect(book.enterSecurityCode(order.orderRef, '111111')).toEqual({ ok: true, value: { result: 'wrong', attemptsLeft: 2 } })
    expect(book.enterSecurityCode(order.orderRef, '222222')).toEqual({ ok: true, value: { result: 'wrong', attemptsLeft: 1 } })
    expect(collect(order.orderRef)).toEqual(pending('userSign'))
    expect(book.enterSecurityCode(order.orderRef, '123456')).toEqual({ ok: true, value: { result: 'complete', attemptsLeft: 4 } })
    expect(collect(order.orderRef)).toMatchObject({ status: 'complete' })

    // The count started over: three more wrong codes on the next order do not block.
    const next = create({ personalNumber: MOHAMMED })
    pickUp(next)
    for (let i = 0; i < 3; i++) book.enterSecurityCode(next.orderRef, '000000')
    expect(people.isBlocked(MOHAMMED)).toBe(false)
    expect(book.enterSecurityCode(next.orderRef, '123456')).toMatchObject({ value: { result: 'complete' } })
  })

  it(`${WRONG_CODES_BEFORE_BLOCK} wrong codes in a row block the BankID: certificateErr now and at every later pickup`, () => {
    const order = create({ personalNumber: MOHAMMED })
    pickUp(order)
    for (let i = 0; i < 3; i++) book.enterSecurityCode(order.orderRef, '000000')
    expect(book.enterSecurityCode(order.orderRef, '000000')).toEqual({ ok: true, value: { result: 'blocked', attemptsLeft: 0 } })
    expect(collect(order.orderRef)).toEqual(failed('certificateErr'))
    expect(people.isBlocked(MOHAMMED)).toBe(true)
    expect(book.enterSecurityCode(order.orderRef, '123456')).toEqual(noSuchOrder)

    // The next order fails as soon as the blocked person's app picks it up, right code or not.
    const next = create({ personalNumber: MOHAMMED })
    expect(collect(next.orderRef)).toEqual(pending('outstandingTransaction'))
    pickUp(next)
    expect(collect(next.orderRef)).toEqual(failed('certificateErr'))
    expect(book.enterSecurityCode(next.orderRef, '123456')).toEqual(noSuchOrder)

    // Another person is not affected.
    const anna = create()
    pickUp(anna, ANNA)
    expect(book.enterSecurityCode(anna.orderRef, '123456')).toMatchObject({ value: { result: 'complete' } })
  })

  it('wrong codes add up across orders of the same person', () => {
    const first = create({ personalNumber: MOHAMMED })
    pickUp(first)
    book.enterSecurityCode(first.orderRef, '000000')
    book.enterSecurityCode(first.orderRef, '000000')
    book.cancelInApp(first.orderRef)
    const second = create({ personalNumber: MOHAMMED })
    pickUp(second)
    expect(book.enterSecurityCode(second.orderRef, '000000')).toMatchObject({ value: { result: 'wrong', attemptsLeft: 1 } })
    expect(book.enterSecurityCode(second.orderRef, '000000')).toMatchObject({ value: { result: 'blocked' } })
  })

  it('unblock gives the person a working security code again', () => {
    const order = create({ personalNumber: MOHAMMED })
    pickUp(order)
    for (let i = 0; i < 4; i++) book.enterSecurityCode(order.orderRef, '000000')
    people.unblock(MOHAMMED)
    expect(people.isBlocked(MOHAMMED)).toBe(false)
    const next = create({ personalNumber: MOHAMMED })
    pickUp(next)
    expect(collect(next.orderRef)).toEqual(pending('userSign'))
    expect(book.enterSecurityCode(next.orderRef, '000000')).toMatchObject({ value: { result: 'wrong', attemptsLeft: 3 } })
    expect(book.enterSecurityCode(next.orderRef, '123456')).toMatchObject({ value: { result: 'complete' } })
  })

  it("uses the person's own security code", () => {
    people.upsert({ personalNumber: MOHAMMED, givenName: 'M', surname: 'A', securityCode: '9876' })
    const order = create({ personalNumber: MOHAMMED })
    pickUp(order)
    expect(book.enterSecurityCode(order.orderRef, '123456')).toMatchObject({ value: { result: 'wrong' } })
    expect(book.enterSecurityCode(order.orderRef, '9876')).toMatchObject({ value: { result: 'complete' } })
  })

  it('no code can be entered before pickup', () => {
    const order = create()
    expect(book.enterSecurityCode(order.orderRef, '123456')).toEqual(noSuchOrder)
    expect(book.enterSecurityCode(randomUUID(), '123456')).toEqual(noSuchOrder)
  })

  it('mrtd: userMrtd, then the ID document, then the code, then complete with stepUp', () => {
    const order = create({ personalNumber: MOHAMMED, mrtd: true })
    pickUp(order)
    expect(collect(order.orderRef)).toEqual(pending('userMrtd'))
    expect(book.enterSecurityCode(order.orderRef, '123456')).toEqual(noSuchOrder) // not at the code step yet
    const afterMrtd = book.completeMrtd(order.orderRef)
    expect(afterMrtd).toMatchObject({ ok: true, value: { stage: 'awaiting-code', hintCode: 'userSign', mrtd: true } })
    expect(collect(order.orderRef)).toEqual(pending('userSign'))
    expect(book.completeMrtd(order.orderRef)).toEqual(noSuchOrder)
    book.enterSecurityCode(order.orderRef, '123456')
    expect(collect(order.orderRef)).toMatchObject({ status: 'complete', completionData: { stepUp: { mrtd: true } } })
  })

  it('without mrtd there is no ID-document step and no stepUp', () => {
    const order = create()
    expect(book.completeMrtd(order.orderRef)).toEqual(noSuchOrder)
    pickUp(order)
    expect(book.completeMrtd(order.orderRef)).toEqual(noSuchOrder)
    book.enterSecurityCode(order.orderRef, '123456')
    const done = collect(order.orderRef)
    if (done.status !== 'complete') throw new Error(`expected complete, got ${done.status}`)
    expect(done.completionData).not.toHaveProperty('stepUp')
    expect(done.completionData).not.toHaveProperty('risk')
  })
})

describe('list()', () => {
  it('shows no QR tokens or secrets', () => {
    const order = create({ personalNumber: MOHAMMED }, { userVisibleData: Buffer.from('Logga in').toString('base64') })
    const views = book.list()
    expect(views).toEqual([
      {
        orderRef: order.orderRef,
        type: 'auth',
        ageSeconds: 0,
        stage: 'awaiting-pickup',
        hintCode: 'outstandingTransaction',
        status: 'pending',
        requiredPersonalNumber: MOHAMMED,
        personalNumber: null,
        userVisibleText: 'Logga in',
        mrtd: false,
        endUserIp: expect.any(String),
      },
    ])
    const text = JSON.stringify(views)
    for (const secret of [order.qrStartSecret, order.qrStartToken, order.autoStartToken]) expect(text).not.toContain(secret)
  })
})

// ---- property test ----

type Op =
  | { kind: 'create'; who: string | null; mrtd: boolean }
  | { kind: 'scan'; index: number; who: string | null }
  | { kind: 'code'; index: number; right: boolean }
  | { kind: 'mrtd'; index: number }
  | { kind: 'appCancel'; index: number }
  | { kind: 'rpCancel'; index: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'collect'; index: number }

const PEOPLE = [ANNA, MOHAMMED, '197703072384']
const who = fc.constantFrom<string | null>(null, ...PEOPLE)
/** Counted back from the newest order, so most operations hit the few orders in play. */
const index = fc.nat(3)
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('create' as const), who, mrtd: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('scan' as const), index, who }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('code' as const), index, right: fc.nat(2).map((n) => n === 0) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('mrtd' as const), index }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('appCancel' as const), index }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rpCancel' as const), index }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 200_000 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('collect' as const), index }) },
)

describe('any sequence of operations', () => {
  it('never throws, never changes a final outcome, never brings back a forgotten order, never grows beyond what was created', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(opArb, { minLength: 5, maxLength: 80 }), (cancelsExisting, ops) => {
        clock = new ManualClock()
        people = new PeopleRegistry()
        book = new OrderBook(clock, people, prove)
        book.conflictCancelsExisting = cancelsExisting
        const refs: Created[] = []
        const final = new Map<string, CollectAnswer>()
        const gone = new Set<string>()

        const check = (orderRef: string, result: BookResult<CollectAnswer>) => {
          if (!result.ok) {
            expect(result.error).toEqual(noSuchOrder.error)
            gone.add(orderRef)
            return
          }
          expect(gone.has(orderRef)).toBe(false) // forgotten orders stay forgotten
          const before = final.get(orderRef)
          if (before) expect(result.value).toEqual(before)
          else if (result.value.status !== 'pending') final.set(orderRef, result.value)
        }
        const at = (i: number) => refs[refs.length - 1 - (i % Math.max(refs.length, 1))]

        for (const op of ops) {
          const order = op.kind === 'create' || op.kind === 'advance' ? undefined : at(op.index)
          switch (op.kind) {
            case 'create': {
              const result = book.create(newOrder({ ...(op.who ? { personalNumber: op.who } : {}), mrtd: op.mrtd }))
              if (result.ok) refs.push(result.value)
              else expect(result.error.errorCode).toBe('alreadyInProgress')
              break
            }
            case 'scan':
              if (order) {
                const payload = book.currentQrPayload(order.orderRef)
                if (payload !== undefined) book.scan(payload, op.who ?? undefined)
              }
              break
            case 'code':
              if (order) book.enterSecurityCode(order.orderRef, op.right ? '123456' : '000000')
              break
            case 'mrtd':
              if (order) book.completeMrtd(order.orderRef)
              break
            case 'appCancel':
              if (order) book.cancelInApp(order.orderRef)
              break
            case 'rpCancel':
              if (order && book.cancel(order.orderRef, RP).ok) gone.add(order.orderRef)
              break
            case 'advance':
              clock.advance(op.ms)
              break
            case 'collect':
              if (order) check(order.orderRef, book.collect(order.orderRef, RP))
              break
          }
          expect(book.size).toBeLessThanOrEqual(refs.length)
          // Every order, after every step: the invariants hold whether or not anyone collects.
          for (const { orderRef } of refs) check(orderRef, book.collect(orderRef, RP))
          // What is not forgotten is exactly what the book holds.
          expect(book.size).toBe(refs.length - gone.size)
        }
      }),
      { numRuns: 200 },
    )
  })
})

describe('how long an unscanned order that ended otherwise stays collectable', () => {
  it('a conflict-cancelled order is collectable for the failed window (5 min after it ended), not 3 min 10 s', () => {
    const first = create({ personalNumber: ANNA })
    clock.advance(29_000)
    expect(book.create(newOrder({ personalNumber: ANNA })).ok).toBe(false)
    expect(collect(first.orderRef)).toEqual(failed('cancelled'))
    clock.advance(299_000)
    expect(collect(first.orderRef)).toEqual(failed('cancelled'))
    clock.advance(1_000)
    expect(book.collect(first.orderRef, RP)).toEqual(noSuchOrder)
  })
})
