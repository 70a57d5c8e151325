// The session engine against the real simulator over mutual TLS, on a manual clock that the
// simulator shares: every path of product.md §2–§3, with time moved by hand.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { BankIdPort } from '../../../src/main/session/kiosk-session'
import type { Intent, Screen, Snapshot } from '../../../src/shared/contract'
import { decodeQrSvg } from '../../support/qr-decode'
import { freshPersonalNumber } from '../../support/simulator'
import { startSessionHarness, testSettings } from '../../support/session-harness'
import type { SessionHarness } from '../../support/session-harness'

let h: SessionHarness

beforeAll(async () => {
  h = await startSessionHarness()
})
afterAll(() => h.close())
beforeEach(() => {
  h.newSession()
  h.logs.length = 0
  h.outcomes.length = 0
})
afterEach(async () => {
  await h.session.dispose()
  h.env.simulator.faults.clear()
  h.env.simulator.log.clear()
})

const send = (intent: Intent) => h.session.dispatch(intent)
const screen = (): Screen => h.latest().screen
function screenAs<N extends Screen['name']>(name: N): Extract<Screen, { name: N }> {
  const current = screen()
  if (current.name !== name) throw new Error(`expected screen ${name}, got ${JSON.stringify(current)}`)
  return current as Extract<Screen, { name: N }>
}
const sim = () => h.env.simulator
const activeOrders = () => sim().orders.list().filter((order) => order.status === 'pending')
const requests = (endpoint: 'auth' | 'collect' | 'cancel') => sim().log.list({ endpoint })

/** Types a personnummer and presses Nästa; waits for the QR. */
async function startWith(personalNumber: string): Promise<void> {
  send({ type: 'begin' })
  send({ type: 'start', personnummer: `${personalNumber.slice(0, 8)}-${personalNumber.slice(8)}` })
  await h.step(0)
}

/** Reads the QR on the kiosk screen and scans it with the simulated app, as a phone would. */
function scanScreen(): string {
  const waiting = screenAs('waiting')
  if (!waiting.qrSvg) throw new Error('no QR on screen')
  const payload = decodeQrSvg(waiting.qrSvg)
  if (!payload) throw new Error('the QR on screen does not decode')
  const scanned = sim().orders.scan(payload)
  if (!scanned.ok) throw new Error(`scan refused: ${scanned.error.details}`)
  return scanned.value.orderRef
}

async function loginUntilPickup(personalNumber = freshPersonalNumber()): Promise<string> {
  await startWith(personalNumber)
  const orderRef = scanScreen()
  await h.step(2_000)
  expect(screenAs('waiting').qrSvg).toBeNull()
  return orderRef
}

describe('a successful login', () => {
  it('keypad → QR → app → logged in with the given name → back to welcome, nothing of the parent left', async () => {
    const personalNumber = freshPersonalNumber()
    sim().people.upsert({ personalNumber, givenName: 'Fatima', surname: 'Hassan', securityCode: '246810' })
    expect(screen()).toEqual({ name: 'welcome' })
    send({ type: 'begin' })
    expect(screen()).toEqual({ name: 'keypad', fault: null })
    send({ type: 'start', personnummer: personalNumber })
    expect(screen()).toEqual({ name: 'starting', maskedPersonnummer: `${personalNumber.slice(0, 8)}-••••` })
    await h.step(0)

    const waiting = screenAs('waiting')
    expect(waiting.messageKey).toBe('bankid.rfa1')
    expect(waiting.maskedPersonnummer).toBe(`${personalNumber.slice(0, 8)}-••••`)
    expect(waiting.secondsLeft).toBe(180)
    const [order] = activeOrders()
    expect(order?.requiredPersonalNumber).toBe(personalNumber)
    expect(order?.userVisibleText).toBe('Inloggning på Testskolan')
    expect(decodeQrSvg(waiting.qrSvg ?? '')).toMatch(/^bankid\.[0-9a-f-]{36}\.0\.[0-9a-f]{64}$/)

    await h.step(1_000)
    expect(decodeQrSvg(screenAs('waiting').qrSvg ?? '')).toMatch(/\.1\.[0-9a-f]{64}$/)
    const orderRef = scanScreen()
    await h.step(1_000)
    const pickedUp = screenAs('waiting')
    expect(pickedUp.qrSvg).toBeNull()
    expect(pickedUp.messageKey).toBe('bankid.rfa9')

    sim().orders.enterSecurityCode(orderRef, '246810')
    await h.step(2_000)
    expect(screenAs('logged-in')).toEqual({ name: 'logged-in', givenName: 'Fatima', secondsLeft: 8, secondsTotal: 8 })
    expect(h.outcomes).toEqual(['success'])

    await h.step(8_000)
    expect(screen()).toEqual({ name: 'welcome' })
    const afterwards = JSON.stringify(h.session.snapshot())
    expect(afterwards).not.toContain('Fatima')
    expect(afterwards).not.toContain(personalNumber.slice(0, 8))
  })

  it('"Klar" returns to welcome at once and resets the language', async () => {
    send({ type: 'set-language', language: 'ar' })
    const orderRef = await loginUntilPickup()
    sim().orders.enterSecurityCode(orderRef, '123456')
    await h.step(2_000)
    expect(h.latest().language).toBe('ar')
    send({ type: 'done' })
    expect(screen()).toEqual({ name: 'welcome' })
    expect(h.latest().language).toBe('sv')
  })

  it('in QR mode there is no keypad and no personnummer', async () => {
    h.newSession(testSettings({ mode: 'qr' }))
    send({ type: 'begin' })
    await h.step(0)
    const waiting = screenAs('waiting')
    expect(waiting.maskedPersonnummer).toBeNull()
    expect(activeOrders()[0]?.requiredPersonalNumber).toBeNull()
    scanScreen()
    await h.step(2_000)
    sim().orders.enterSecurityCode(activeOrders()[0]?.orderRef ?? '', '123456')
    await h.step(2_000)
    expect(screenAs('logged-in').givenName).toBe('Anna')
  })
})

describe('the personnummer is checked again in main', () => {
  it.each([
    ['19900101-2384', 'check-digit'],
    ['1990010', 'length'],
    ['19901301-2380', 'date'],
    ['20991231-2387', 'future-date'],
    ['1990O101-2385', 'format'],
  ])('%s → keypad with fault %s, and nothing is sent to BankID', async (typed, fault) => {
    send({ type: 'begin' })
    send({ type: 'start', personnummer: typed })
    expect(screen()).toEqual({ name: 'keypad', fault })
    await h.step(0)
    expect(requests('auth')).toHaveLength(0)
  })

  it('a start without a number in personnummer mode is refused the same way', async () => {
    send({ type: 'begin' })
    send({ type: 'start' })
    expect(screen()).toEqual({ name: 'keypad', fault: 'length' })
  })
})

describe('each failure lands on its own cause', () => {
  async function failWith(setup: (orderRef: string) => void | Promise<void>, pickup = true): Promise<Extract<Screen, { name: 'failure' }>> {
    const orderRef = pickup ? await loginUntilPickup() : (await startWith(freshPersonalNumber()), activeOrders()[0]?.orderRef ?? '')
    await setup(orderRef)
    await h.step(2_000)
    return screenAs('failure')
  }

  it('userCancel → cancelled-in-app', async () => {
    const failure = await failWith((ref) => void sim().orders.cancelInApp(ref))
    expect(failure).toEqual({ name: 'failure', cause: 'cancelled-in-app', messageKey: 'bankid.rfa6', reference: 'H-userCancel' })
    expect(h.outcomes).toEqual(['cancelled-in-app'])
  })

  it('four wrong security codes → blocked (RFA16)', async () => {
    const failure = await failWith((ref) => {
      for (let i = 0; i < 4; i++) sim().orders.enterSecurityCode(ref, '000000')
    })
    expect(failure).toMatchObject({ cause: 'blocked', messageKey: 'bankid.rfa16', reference: 'H-certificateErr' })
  })

  it('expiredTransaction from BankID → timeout (RFA8)', async () => {
    h.newSession(testSettings({ timing: { orderTimeoutMs: 300_000, waitingIdleMs: 600_000 } }))
    await loginUntilPickup()
    await h.step(180_000, 500)
    expect(screenAs('failure')).toMatchObject({ cause: 'timeout', messageKey: 'bankid.rfa8', reference: 'H-expiredTransaction' })
  })

  it('our own time limit after pickup → timeout, and the order is cancelled at BankID', async () => {
    h.newSession(testSettings({ timing: { orderTimeoutMs: 60_000 } }))
    const orderRef = await loginUntilPickup()
    await h.step(60_000, 500)
    expect(screenAs('failure')).toMatchObject({ cause: 'timeout', reference: 'T-LIMIT' })
    expect(requests('cancel').map((r) => r.orderRef)).toEqual([orderRef])
    expect(sim().orders.list().find((o) => o.orderRef === orderRef)).toBeUndefined()
  })

  it('a newer order for the same person → cancelled-new-order (RFA3)', async () => {
    const personalNumber = freshPersonalNumber()
    await loginUntilPickup(personalNumber)
    const elsewhere = await h.client.auth({ endUserIp: '10.0.0.9', requirement: { personalNumber } })
    expect(elsewhere).toMatchObject({ ok: false, error: { errorCode: 'alreadyInProgress' } })
    await h.step(2_000)
    expect(screenAs('failure')).toMatchObject({ cause: 'cancelled-new-order', messageKey: 'bankid.rfa3' })
  })

  it('an order already running for this personnummer → already-in-progress (RFA4)', async () => {
    const personalNumber = freshPersonalNumber()
    const elsewhere = await h.client.auth({ endUserIp: '10.0.0.9', requirement: { personalNumber } })
    expect(elsewhere.ok).toBe(true)
    await startWith(personalNumber)
    expect(screenAs('failure')).toEqual({
      name: 'failure',
      cause: 'already-in-progress',
      messageKey: 'bankid.rfa4',
      reference: 'B-400-alreadyInProgress',
    })
  })

  it.each([
    ['notSupportedByUserApp', 'app-too-old', 'bankid.appTooOld'],
    ['transactionRiskBlocked', 'risk-blocked', 'bankid.riskBlocked'],
    ['somethingNobodyKnows', 'unknown', 'bankid.rfa22'],
  ] as const)('failed %s → %s', async (hint, cause, messageKey) => {
    const failure = await failWith((ref) => void sim().orders.failOrder(ref, hint))
    expect(failure).toMatchObject({ cause, messageKey, reference: `H-${hint}` })
  })

  it('BankID 500 on start → bankid-unavailable (RFA5)', async () => {
    sim().faults.add({ endpoint: 'auth', times: 1, fault: { kind: 'internalError' } })
    await startWith(freshPersonalNumber())
    expect(screenAs('failure')).toMatchObject({ cause: 'bankid-unavailable', messageKey: 'bankid.rfa5', reference: 'B-500-internalError' })
  })

  it('a dropped connection while collecting → network, and the order is cancelled', async () => {
    const orderRef = await loginUntilPickup()
    sim().faults.add({ endpoint: 'collect', times: 1, fault: { kind: 'drop' } })
    await h.step(2_000)
    expect(screenAs('failure')).toMatchObject({ cause: 'network', messageKey: 'bankid.rfa5' })
    expect(requests('cancel').map((r) => r.orderRef)).toEqual([orderRef])
  })

  it('a hung collect → network after our request timeout', async () => {
    await loginUntilPickup()
    const hungClient = h.env.client({ clock: h.scheduler })
    h.newSession(testSettings({ timing: { requestTimeoutMs: 200 } }), hungClient)
    await loginUntilPickup()
    sim().faults.add({ endpoint: 'collect', times: 1, fault: { kind: 'hang' } })
    await h.step(2_000)
    expect(screenAs('failure')).toMatchObject({ cause: 'network', reference: 'N-TIMEOUT' })
  })

  it('an untrusted BankID server → tls', async () => {
    const untrusting = h.env.client({ clock: h.scheduler, transport: { caPem: (await import('node:fs')).readFileSync('resources/bankid-ca/production.pem') } })
    h.newSession(testSettings(), untrusting)
    await startWith(freshPersonalNumber())
    expect(screenAs('failure')).toMatchObject({ cause: 'tls', messageKey: 'bankid.rfa5' })
    expect(screenAs('failure').reference).toMatch(/^TLS-/)
  })

  it('broken JSON from BankID → unknown, never a raw code', async () => {
    sim().faults.add({ endpoint: 'auth', times: 1, fault: { kind: 'malformedJson' } })
    await startWith(freshPersonalNumber())
    expect(screenAs('failure')).toMatchObject({ cause: 'unknown', messageKey: 'bankid.rfa5', reference: 'M-200' })
  })

  it('"Försök igen" starts a new order with the same number, straight to the QR', async () => {
    const before = sim().orders.list().length
    const personalNumber = freshPersonalNumber()
    await startWith(personalNumber)
    sim().orders.cancelInApp(activeOrders()[0]!.orderRef)
    await h.step(2_000)
    expect(screenAs('failure').cause).toBe('cancelled-in-app')
    send({ type: 'retry' })
    await h.step(0)
    expect(screenAs('waiting').qrSvg).not.toBeNull()
    const auths = sim().orders.list().slice(before).map((order) => order.requiredPersonalNumber)
    expect(auths).toEqual([personalNumber, personalNumber])
  })

  it('the number is kept only while its failure is on screen: leaving it and failing again keeps the new one', async () => {
    const before = sim().orders.list().length
    const first = freshPersonalNumber()
    await startWith(first)
    sim().orders.cancelInApp(activeOrders()[0]!.orderRef)
    await h.step(2_000)
    send({ type: 'cancel' })
    expect(screen()).toEqual({ name: 'welcome' })
    send({ type: 'retry' })
    expect(screen()).toEqual({ name: 'welcome' })
    const second = freshPersonalNumber()
    await startWith(second)
    sim().orders.cancelInApp(activeOrders()[0]!.orderRef)
    await h.step(2_000)
    send({ type: 'retry' })
    await h.step(0)
    const auths = sim().orders.list().slice(before).map((order) => order.requiredPersonalNumber)
    expect(auths).toEqual([first, second, second])
    expect(JSON.stringify(h.logs)).not.toContain(first)
  })

  it('nothing is kept once the renderer has gone: the screen is welcome and "Försök igen" means nothing', async () => {
    await failWith((ref) => void sim().orders.cancelInApp(ref))
    h.session.rendererGone()
    expect(screen()).toEqual({ name: 'welcome' })
    send({ type: 'retry' })
    expect(screen()).toEqual({ name: 'welcome' })
  })
})

describe('cancel, at every state', () => {
  it('on the keypad: back to welcome, no order, nothing counted', async () => {
    send({ type: 'begin' })
    send({ type: 'cancel' })
    expect(screen()).toEqual({ name: 'welcome' })
    expect(h.outcomes).toEqual([])
  })

  it('while the order is being created: the order is cancelled as soon as BankID has made it', async () => {
    sim().faults.add({ endpoint: 'auth', times: 1, fault: { kind: 'slow', delayMs: 150 } })
    send({ type: 'begin' })
    send({ type: 'start', personnummer: freshPersonalNumber() })
    expect(screen().name).toBe('starting')
    send({ type: 'cancel' })
    expect(screen()).toEqual({ name: 'welcome' })
    await h.step(0)
    expect(requests('cancel')).toHaveLength(1)
    expect(activeOrders()).toEqual([])
    expect(screen()).toEqual({ name: 'welcome' })
  })

  it('while the QR shows: cancel sent, QR gone', async () => {
    await startWith(freshPersonalNumber())
    const [order] = activeOrders()
    send({ type: 'cancel' })
    expect(screen()).toEqual({ name: 'welcome' })
    await h.step(0)
    expect(requests('cancel').map((r) => r.orderRef)).toEqual([order?.orderRef])
    expect(activeOrders()).toEqual([])
    expect(h.outcomes).toEqual(['cancelled'])
  })

  it('after pickup: cancel sent', async () => {
    const orderRef = await loginUntilPickup()
    send({ type: 'cancel' })
    await h.step(0)
    expect(requests('cancel').map((r) => r.orderRef)).toEqual([orderRef])
  })

  it('works even while BankID is failing, without waiting for it', async () => {
    h.newSession(testSettings({ timing: { cancelTimeoutMs: 300 } }))
    await startWith(freshPersonalNumber())
    sim().faults.add({ endpoint: '*', fault: { kind: 'hang' } })
    send({ type: 'cancel' })
    expect(screen()).toEqual({ name: 'welcome' })
    await h.session.whenIdle() // the hung cancel gives up after cancelTimeoutMs of real time
    expect(h.logs.some((entry) => entry.event === 'order.cancel-failed')).toBe(true)
  })

  it('from a failure screen: back to welcome', async () => {
    sim().faults.add({ endpoint: 'auth', times: 1, fault: { kind: 'internalError' } })
    await startWith(freshPersonalNumber())
    send({ type: 'cancel' })
    expect(screen()).toEqual({ name: 'welcome' })
  })
})

describe('idle', () => {
  it('on the keypad: warning with a countdown, then welcome and the default language', async () => {
    send({ type: 'set-language', language: 'fi' })
    send({ type: 'begin' })
    await h.step(59_000)
    expect(h.latest().idleWarning).toBeNull()
    await h.step(1_000)
    expect(h.latest().idleWarning).toEqual({ secondsLeft: 20 })
    await h.step(5_000)
    expect(h.latest().idleWarning).toEqual({ secondsLeft: 15 })
    await h.step(15_000)
    expect(h.latest()).toMatchObject({ screen: { name: 'welcome' }, idleWarning: null, language: 'sv' })
  })

  it('"Jag är kvar" keeps the parent where they were', async () => {
    send({ type: 'begin' })
    await h.step(65_000)
    expect(h.latest().idleWarning).not.toBeNull()
    send({ type: 'still-here' })
    expect(h.latest()).toMatchObject({ screen: { name: 'keypad' }, idleWarning: null })
    await h.step(59_000)
    expect(h.latest()).toMatchObject({ screen: { name: 'keypad' }, idleWarning: null })
  })

  it('while the QR shows: the order is cancelled and the parent wiped', async () => {
    h.newSession(testSettings({ timing: { waitingIdleMs: 45_000, idleWarningMs: 10_000 } }))
    const personalNumber = freshPersonalNumber()
    await startWith(personalNumber)
    await h.step(45_000)
    expect(h.latest().idleWarning).toEqual({ secondsLeft: 10 })
    expect(screenAs('waiting').maskedPersonnummer).not.toBeNull()
    await h.step(10_000)
    expect(h.latest()).toMatchObject({ screen: { name: 'welcome' }, idleWarning: null })
    expect(activeOrders()).toEqual([])
    expect(requests('cancel').length).toBeGreaterThanOrEqual(1)
    expect(h.outcomes).toEqual(['abandoned'])
    expect(JSON.stringify(h.session.snapshot())).not.toContain(personalNumber.slice(0, 8))
  })

  it('after pickup: the order is cancelled', async () => {
    h.newSession(testSettings({ timing: { waitingIdleMs: 40_000, idleWarningMs: 10_000 } }))
    const orderRef = await loginUntilPickup()
    await h.step(50_000, 500)
    expect(screen()).toEqual({ name: 'welcome' })
    expect(requests('cancel').map((r) => r.orderRef)).toEqual([orderRef])
    expect(sim().orders.list().find((o) => o.orderRef === orderRef)).toBeUndefined()
  })

  it('on the welcome screen only the language quietly goes back', async () => {
    send({ type: 'set-language', language: 'en' })
    await h.step(61_000)
    expect(h.latest()).toMatchObject({ screen: { name: 'welcome' }, idleWarning: null, language: 'sv' })
  })
})

describe('an unscanned QR', () => {
  it('is restarted silently with a fresh QR when BankID says startFailed, within the window', async () => {
    await startWith(freshPersonalNumber())
    const firstPayload = decodeQrSvg(screenAs('waiting').qrSvg ?? '')
    await h.step(32_000)
    const waiting = screenAs('waiting')
    expect(waiting.messageKey).toBe('bankid.rfa1')
    const secondPayload = decodeQrSvg(waiting.qrSvg ?? '') ?? ''
    expect(secondPayload.split('.')[1]).not.toBe(firstPayload?.split('.')[1])
    expect(requests('auth')).toHaveLength(2)
    expect(h.logs.filter((entry) => entry.event === 'order.restart')).toHaveLength(1)
    // The restarted order is a real, scannable one.
    scanScreen()
    await h.step(2_000)
    expect(screenAs('waiting').messageKey).toBe('bankid.rfa9')
  })

  it('asks "are you still there?" before the window is over, with the QR still up; no answer: welcome, order cancelled', async () => {
    await startWith(freshPersonalNumber())
    await h.step(159_000, 250)
    expect(h.latest().idleWarning).toBeNull()
    await h.step(1_000, 250)
    expect(screenAs('waiting').qrSvg).not.toBeNull()
    expect(h.latest().idleWarning).toEqual({ secondsLeft: 20 })
    await h.step(20_000, 250)
    expect(screen()).toEqual({ name: 'welcome' })
    expect(activeOrders()).toEqual([])
    expect(h.outcomes).toEqual(['abandoned'])
    // Never a failure screen under the question.
    expect(h.snapshots.some((snapshot) => snapshot.screen.name === 'failure')).toBe(false)
  })

  it('a parent who answers is shown why: scan-failed, with no question over it, and the order cancelled', async () => {
    await startWith(freshPersonalNumber())
    await h.step(165_000, 250)
    expect(h.latest().idleWarning).not.toBeNull()
    expect(screenAs('waiting').qrSvg).not.toBeNull()
    send({ type: 'still-here' })
    expect(screenAs('failure')).toMatchObject({ cause: 'scan-failed', messageKey: 'bankid.rfa17b', reference: 'T-WINDOW' })
    expect(h.latest().idleWarning).toBeNull()
    await h.step(0)
    expect(activeOrders()).toEqual([])
    expect(h.outcomes).toEqual(['scan-failed'])
  })

  it('Avbryt while asked is a cancel, not a scan failure', async () => {
    await startWith(freshPersonalNumber())
    await h.step(165_000, 250)
    send({ type: 'cancel' })
    expect(screen()).toEqual({ name: 'welcome' })
    expect(h.outcomes).toEqual(['cancelled'])
  })
})

describe('collect cadence', () => {
  it('collects every 2 s from the order, not faster, and stops after the end', async () => {
    const orderRef = await loginUntilPickup()
    await h.step(10_000)
    sim().orders.enterSecurityCode(orderRef, '123456')
    await h.step(10_000)
    const times = requests('collect').map((r) => r.at)
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0))
    expect(gaps.length).toBeGreaterThanOrEqual(6)
    expect(new Set(gaps)).toEqual(new Set([2_000]))
    const last = times.at(-1) ?? 0
    expect(h.scheduler.now() - last).toBeGreaterThanOrEqual(8_000)
  })

  it('honours a configured interval', async () => {
    h.newSession(testSettings({ timing: { collectIntervalMs: 3_000 } }))
    await startWith(freshPersonalNumber())
    await h.step(12_000)
    const times = requests('collect').map((r) => r.at)
    expect(times.slice(1).map((t, i) => t - (times[i] ?? 0))).toEqual([3_000, 3_000, 3_000])
  })

  it('never has two collects in flight, even when BankID is slower than the interval', async () => {
    let inFlight = 0
    let maxInFlight = 0
    const counting: BankIdPort = {
      auth: (...args) => h.client.auth(...args),
      cancel: (...args) => h.client.cancel(...args),
      async collect(...args) {
        inFlight += 1
        maxInFlight = Math.max(maxInFlight, inFlight)
        try {
          return await h.client.collect(...args)
        } finally {
          inFlight -= 1
        }
      },
    }
    h.newSession(testSettings(), counting)
    await startWith(freshPersonalNumber())
    sim().faults.add({ endpoint: 'collect', fault: { kind: 'slow', delayMs: 60 } })
    // Move the clock much faster than the slow collects can finish.
    for (let i = 0; i < 40; i++) {
      h.scheduler.advance(500)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    await h.session.whenIdle()
    expect(maxInFlight).toBe(1)
    expect(requests('collect').length).toBeGreaterThan(1)
  })
})

describe('QR frames', () => {
  const framesOf = (snapshots: Snapshot[]) =>
    snapshots
      .map((s) => (s.screen.name === 'waiting' ? s.screen.qrSvg : null))
      .filter((svg): svg is string => svg !== null)
      .map((svg) => decodeQrSvg(svg)?.split('.')[2])
      // A collect also publishes a snapshot; the frame in it is the current one, not a new one.
      .filter((frame, i, all) => i === 0 || frame !== all[i - 1])

  // Regression (bench qr-frames): a timer that woke 0.3 ms before the second computed the old
  // frame, then read the clock again just past the second and slept a whole second: that
  // second's frame was never shown.
  it('come for every second even when timers wake a little early, as Node\'s do', async () => {
    h.scheduler.wakeEarlyMs = 0.3
    try {
      await startWith(freshPersonalNumber())
      const before = h.snapshots.length
      await h.step(12_000, 250)
      expect(framesOf(h.snapshots.slice(before))).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'])
    } finally {
      h.scheduler.wakeEarlyMs = 0
    }
  })

  it('come once a second while waiting for the scan and stop at pickup', async () => {
    await startWith(freshPersonalNumber())
    const before = h.snapshots.length
    await h.step(5_000)
    expect(framesOf(h.snapshots.slice(before))).toEqual(['1', '2', '3', '4', '5'])

    scanScreen()
    await h.step(2_000)
    const afterPickup = h.snapshots.length
    await h.step(5_000)
    const later = h.snapshots.slice(afterPickup)
    expect(later.length).toBeGreaterThanOrEqual(5) // the countdown still ticks…
    expect(framesOf(later)).toEqual([]) // …but no QR is ever sent again
  })
})

describe('BankID down', () => {
  it('goes out of service after repeated failures and comes back by itself', async () => {
    sim().faults.add({ endpoint: '*', fault: { kind: 'maintenance' } })
    for (let i = 0; i < 2; i++) {
      await startWith(freshPersonalNumber())
      expect(screenAs('failure')).toMatchObject({ cause: 'bankid-unavailable' })
      send({ type: 'cancel' })
    }
    await startWith(freshPersonalNumber())
    expect(screenAs('out-of-service')).toMatchObject({ reference: 'B-503-maintenance', secondsToRetry: 30 })

    await h.step(30_000)
    expect(screenAs('out-of-service').secondsToRetry).toBe(30) // the probe failed too: wait again
    sim().faults.clear()
    await h.step(30_000)
    expect(screen()).toEqual({ name: 'welcome' })
    expect(h.logs.map((entry) => entry.event)).toContain('service.back')
  })

  it('one success resets the count', async () => {
    sim().faults.add({ endpoint: 'auth', times: 2, fault: { kind: 'internalError' } })
    await startWith(freshPersonalNumber())
    send({ type: 'cancel' })
    await startWith(freshPersonalNumber())
    send({ type: 'cancel' })
    await startWith(freshPersonalNumber()) // works: the count goes back to zero
    send({ type: 'cancel' })
    sim().faults.add({ endpoint: 'auth', times: 1, fault: { kind: 'internalError' } })
    await startWith(freshPersonalNumber())
    expect(screenAs('failure').cause).toBe('bankid-unavailable')
  })
})

describe('a cancel BankID did not confirm is tried again', () => {
  const cancelEvents = () =>
    h.logs.filter((entry) => entry.event.startsWith('order.cancel')).map((entry) => [entry.event, entry.fields?.tries])

  it('after 5 s, then 10 s, until BankID answers; then never again', async () => {
    await startWith(freshPersonalNumber())
    const [order] = activeOrders()
    sim().faults.add({ endpoint: 'cancel', times: 2, fault: { kind: 'drop' } })
    send({ type: 'cancel' })
    await h.step(0)
    expect(cancelEvents()).toEqual([['order.cancel-failed', 1]])
    await h.step(4_999)
    expect(requests('cancel')).toHaveLength(1)
    await h.step(1)
    expect(cancelEvents()).toEqual([['order.cancel-failed', 1], ['order.cancel-failed', 2]])
    await h.step(10_000)
    expect(cancelEvents()).toEqual([['order.cancel-failed', 1], ['order.cancel-failed', 2], ['order.cancelled', 3]])
    expect(activeOrders().map((o) => o.orderRef)).not.toContain(order?.orderRef)
    await h.step(60_000)
    expect(requests('cancel')).toHaveLength(3)
    expect(h.scheduler.pendingTimers).toBe(0) // no retry left waiting
  })

  it('at once when the next parent starts, before their order: the same person is not refused as alreadyInProgress', async () => {
    const personalNumber = freshPersonalNumber()
    await startWith(personalNumber)
    sim().faults.add({ endpoint: 'cancel', times: 1, fault: { kind: 'drop' } })
    send({ type: 'cancel' })
    await h.step(0)
    expect(activeOrders()).toHaveLength(1)
    await startWith(personalNumber)
    expect(screenAs('waiting').qrSvg).not.toBeNull()
    expect(sim().log.list().map((r) => r.endpoint)).toEqual(['auth', 'cancel', 'cancel', 'auth'])
    expect(activeOrders()).toHaveLength(1)
  })

  it('stops when BankID no longer knows the order, and on an answer that is no outage', async () => {
    await startWith(freshPersonalNumber())
    const [order] = activeOrders()
    sim().faults.add({ endpoint: 'cancel', times: 1, fault: { kind: 'drop' } })
    send({ type: 'cancel' })
    await h.step(0)
    expect(order).toBeDefined()
    sim().orders.clear() // as if BankID had expired it meanwhile
    await h.step(5_000)
    const last = h.logs.filter((entry) => entry.event.startsWith('order.cancel')).at(-1)
    expect(last?.event).toBe('order.cancel-unneeded')
    await h.step(60_000)
    expect(requests('cancel')).toHaveLength(2)

    h.logs.length = 0
    await startWith(freshPersonalNumber())
    sim().faults.add({ endpoint: 'cancel', times: 1, fault: { kind: 'errorResponse', errorCode: 'unauthorized', httpStatus: 401 } })
    send({ type: 'cancel' })
    await h.step(60_000)
    expect(h.logs.filter((entry) => entry.event === 'order.cancel-failed').map((entry) => entry.fields?.willRetry)).toEqual([false])
  })

  it('gives up once BankID must have expired the order by itself', async () => {
    await startWith(freshPersonalNumber())
    sim().faults.add({ endpoint: 'cancel', fault: { kind: 'drop' } })
    send({ type: 'cancel' })
    await h.step(0)
    for (let i = 0; i < 16; i++) await h.step(30_000)
    const tries = h.logs.filter((entry) => entry.event === 'order.cancel-failed')
    expect(tries.at(-1)?.fields?.willRetry).toBe(false)
    const count = requests('cancel').length
    await h.step(10 * 60_000)
    expect(requests('cancel')).toHaveLength(count)
  })

  it('quitting tries every unconfirmed cancel one last time and leaves no timer', async () => {
    await startWith(freshPersonalNumber())
    sim().faults.add({ endpoint: 'cancel', times: 1, fault: { kind: 'drop' } })
    send({ type: 'cancel' })
    await h.step(0)
    await h.session.dispose()
    expect(requests('cancel')).toHaveLength(2)
    expect(h.logs.at(-1)?.event).toBe('order.cancelled')
    expect(h.scheduler.pendingTimers).toBe(0)
  })
})

describe('leaving without a goodbye', () => {
  it('the renderer going away cancels the order and wipes the session', async () => {
    send({ type: 'set-language', language: 'so' })
    const orderRef = await loginUntilPickup()
    h.session.rendererGone()
    expect(h.latest()).toMatchObject({ screen: { name: 'welcome' }, language: 'sv' })
    await h.step(0)
    expect(requests('cancel').map((r) => r.orderRef)).toEqual([orderRef])
  })

  it('quitting cancels the order and waits for the cancel', async () => {
    const orderRef = await loginUntilPickup()
    await h.session.dispose()
    expect(requests('cancel').map((r) => r.orderRef)).toEqual([orderRef])
    expect(h.scheduler.pendingTimers).toBe(0)
  })
})

describe('intents out of place', () => {
  it('are ignored without changing the screen', async () => {
    for (const intent of [{ type: 'done' }, { type: 'retry' }, { type: 'cancel' }, { type: 'back' }] as const) {
      send(intent)
      expect(screen()).toEqual({ name: 'welcome' })
    }
    await startWith(freshPersonalNumber())
    send({ type: 'open-faq' })
    send({ type: 'begin' })
    expect(screen().name).toBe('waiting')
  })

  it('a language the administrator did not enable is ignored', () => {
    h.newSession(testSettings({ languages: ['sv', 'en'] }))
    send({ type: 'set-language', language: 'ar' })
    expect(h.latest().language).toBe('sv')
  })
})

describe('privacy', () => {
  it('the engine never puts a personnummer or name into its log events or outcomes', async () => {
    const personalNumber = freshPersonalNumber()
    sim().people.upsert({ personalNumber, givenName: 'Zeynep', surname: 'Kaya', securityCode: '123456' })
    const orderRef = await loginUntilPickup(personalNumber)
    sim().orders.enterSecurityCode(orderRef, '123456')
    await h.step(2_000)
    await h.step(8_000)
    const everything = JSON.stringify([h.logs, h.outcomes])
    for (const secret of [personalNumber, personalNumber.slice(2), 'Zeynep', 'Kaya', orderRef]) {
      expect(everything).not.toContain(secret)
    }
  })
})

describe('the renderer going away at rest', () => {
  it('on welcome: the previous parent\'s language goes back to the default', () => {
    send({ type: 'set-language', language: 'ar' })
    h.session.rendererGone()
    expect(h.latest()).toMatchObject({ screen: { name: 'welcome' }, language: 'sv' })
    expect(h.outcomes).toEqual([])
  })

  it('out of service stays out of service, and keeps retrying', async () => {
    h.newSession(testSettings({ timing: { serviceFailuresBeforeOutOfService: 1 } }))
    sim().faults.add({ endpoint: '*', fault: { kind: 'internalError' } })
    await startWith(freshPersonalNumber())
    expect(screen().name).toBe('out-of-service')
    h.session.rendererGone()
    expect(screen().name).toBe('out-of-service')
    sim().faults.clear()
    await h.step(30_000)
    expect(screen()).toEqual({ name: 'welcome' })
  })
})

describe('the parent\'s preferences', () => {
  it('low reach is kept through the session and reset for the next parent, like the language', async () => {
    send({ type: 'set-low-reach', on: true })
    send({ type: 'set-language', language: 'en' })
    const orderRef = await loginUntilPickup()
    expect(h.latest()).toMatchObject({ lowReach: true, language: 'en' })
    sim().orders.enterSecurityCode(orderRef, '123456')
    await h.step(2_000)
    send({ type: 'done' })
    expect(h.latest()).toMatchObject({ lowReach: false, language: 'sv' })
  })

  it('the guide carries the install QR and the bank list from the settings', () => {
    send({ type: 'open-guide' })
    expect(screen()).toEqual({ name: 'guide', installQrSvg: testSettings().installQrSvg })
    expect(h.latest().banks).toEqual(['Testbanken'])
    expect(h.latest().branding).toEqual({ primaryColor: '#1f3a5f', accentColor: '#ffd200' })
  })
})

describe('a new screen gets a full idle period', () => {
  it('a failure that arrives long after the last touch can be read before "are you still there?"', async () => {
    h.newSession(testSettings({ timing: { orderTimeoutMs: 120_000 } }))
    await loginUntilPickup()
    await h.step(120_000, 500)
    expect(screenAs('failure')).toMatchObject({ cause: 'timeout' })
    expect(h.latest().idleWarning).toBeNull()
    await h.step(59_500)
    expect(h.latest().idleWarning).toBeNull()
    await h.step(1_000)
    expect(h.latest().idleWarning).not.toBeNull()
  })
})
