// The fault matrix (fault-matrix.ts), run row by row against the real BankID simulator over real
// mutual TLS on loopback, on the manual clock the session and the simulator share. For each row:
// the screen the parent sees, what became of the BankID order, that the kiosk is usable again,
// that nothing is left behind after dispose — and that none of it hangs. docs/reliability.md is
// generated from the same rows; the last tests here fail when it is out of date.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { FAILED_HINT_CODES } from '../../../src/main/bankid/api-types'
import { isBankIdErrorCode } from '../../../src/main/bankid/failure'
import { hashOrderRef } from '../../../src/main/logging/logger'
import { createForeignClientCertificate, issueServerCertificate, loadOrCreateSimulatorPki } from '../../../src/main/simulator/certificates'
import type { FaultSpec } from '../../../src/main/simulator/faults'
import { describeDifference } from '../../../src/main/settings/documentation'
import type { Screen } from '../../../src/shared/contract'
import { freshPersonalNumber, TEST_PKI_DIR } from '../../support/simulator'
import type { FailureScreen, FaultCase, KnownFailurePart, Stage } from './fault-matrix'
import {
  CANCEL_LOST_WATCH_MS,
  CASE_WALL_CLOCK_MS,
  COLLECT_SPACING_SYMPTOM,
  FAULT_MATRIX,
  MIN_COLLECT_GAP_MS,
  referencePattern,
  STAGES,
} from './fault-matrix'
import { bounded, Kiosk, PARENT, SwitchablePort, until } from './kiosk-driver'
import {
  REGENERATE_COMMAND,
  RELIABILITY_DOC_FILE,
  reliabilityDocPath,
  renderReliabilityDoc,
} from './reliability-doc'

const BANKID_TEST_CA = fileURLToPath(new URL('../../../resources/bankid-ca/test.pem', import.meta.url))

let expiredServerCertificate: { certPem: string; keyPem: string }
let foreignClientCertificate: { certPem: string; keyPem: string }

beforeAll(async () => {
  const pki = await loadOrCreateSimulatorPki(TEST_PKI_DIR)
  const day = 86_400_000
  const now = Date.now()
  ;[expiredServerCertificate, foreignClientCertificate] = await Promise.all([
    issueServerCertificate(pki, { notBefore: new Date(now - 10 * day), notAfter: new Date(now - day) }),
    createForeignClientCertificate(),
  ])
})

let open: Kiosk | null = null
afterEach(async () => {
  await open?.close()
  open = null
})

async function kioskFor(c: FaultCase): Promise<Kiosk> {
  open = await Kiosk.start(c.timing)
  return open
}

// ---- provoking the fault -----------------------------------------------------------------------

interface Provoked {
  /** The order the fault hit (null at start: there is none yet). */
  orderRef: string | null
  /** The session's switchable BankID port, for the TLS cases. */
  port: SwitchablePort | null
  /** Where the stopped (or stale) simulator listened. */
  address: string | null
  /** The request log's length just before the fault was switched on. */
  logBefore: number
}

/** Brings the order to the stage: nothing at start, the QR on screen, or the order picked up. */
async function reachStage(k: Kiosk, stage: Stage, personalNumber: string): Promise<string | null> {
  if (stage === 'waiting') {
    await k.startWith(personalNumber)
    return k.pendingOrderRef()
  }
  if (stage === 'after-pickup') return k.untilPickup(personalNumber)
  return null
}

/**
 * Sends the request the fault hits: Nästa at start, or the next collect. With settle, waits until
 * the session has nothing in flight; without, returns while the request is under way.
 */
async function fire(k: Kiosk, stage: Stage, personalNumber: string, settle: boolean): Promise<void> {
  if (stage === 'start') k.pressStart(personalNumber)
  else k.scheduler.advance(k.timing.collectIntervalMs)
  if (settle) await k.h.session.whenIdle()
}

async function provoke(k: Kiosk, c: FaultCase, personalNumber: string, settle: boolean): Promise<Provoked> {
  const provoked: Provoked = { orderRef: null, port: null, address: null, logBefore: 0 }
  const d = c.disturbance
  switch (d.kind) {
    case 'rule': {
      provoked.orderRef = await reachStage(k, c.stage, personalNumber)
      provoked.logBefore = k.sim.log.list().length
      k.sim.faults.add({
        endpoint: c.stage === 'start' ? 'auth' : 'collect',
        ...(provoked.orderRef === null ? {} : { orderRef: provoked.orderRef }),
        ...(d.times === undefined ? {} : { times: d.times }),
        fault: d.fault,
      })
      await fire(k, c.stage, personalNumber, settle)
      return provoked
    }
    case 'simulator-stopped': {
      const orderRef = await reachStage(k, c.stage, personalNumber)
      if (orderRef === null) throw new Error('the simulator can only stop mid-collect once there is an order')
      provoked.orderRef = orderRef
      k.sim.faults.add({ endpoint: 'collect', orderRef, fault: { kind: 'hang' } })
      await fire(k, c.stage, personalNumber, false)
      const sim = k.sim
      await until(() => sim.log.list({ endpoint: 'collect', orderRef }).some((r) => r.fault === 'hang'), 'the collect is at the simulator')
      provoked.address = sim.rpBaseUrl
      await sim.close()
      if (settle) await k.h.session.whenIdle()
      return provoked
    }
    case 'network-down': {
      provoked.orderRef = await reachStage(k, c.stage, personalNumber)
      k.sim.faults.add({ endpoint: '*', fault: { kind: 'drop' } })
      await fire(k, c.stage, personalNumber, settle)
      return provoked
    }
    case 'wrong-ca':
    case 'foreign-client-certificate': {
      const transport =
        d.kind === 'wrong-ca'
          ? { caPem: readFileSync(BANKID_TEST_CA) }
          : { credentials: { kind: 'pem' as const, cert: foreignClientCertificate.certPem, key: foreignClientCertificate.keyPem } }
      provoked.port = new SwitchablePort(k.client({ transport }))
      k.h.newSession(k.settings, provoked.port)
      await fire(k, c.stage, personalNumber, settle)
      return provoked
    }
    case 'expired-server-certificate': {
      const stale = await k.otherSimulator({ serverCertificate: expiredServerCertificate })
      k.h.newSession(k.settings, stale.client({ clock: k.scheduler }))
      k.sim = stale.simulator
      k.meetParent(personalNumber)
      provoked.address = stale.simulator.rpBaseUrl
      await fire(k, c.stage, personalNumber, settle)
      return provoked
    }
    case 'repeated-service-faults': {
      k.sim.faults.add({ endpoint: '*', fault: d.fault })
      // The parent tries, sees "try again", and does, until the kiosk has seen enough.
      for (let i = 1; i < k.timing.serviceFailuresBeforeOutOfService; i++) {
        await k.startWith(personalNumber)
        expect(k.screenAs('failure').cause).toBe('bankid-unavailable')
      }
      await fire(k, c.stage, personalNumber, true)
      // Without settle: the out-of-service retry's probe is in flight.
      if (!settle) k.scheduler.advance(k.timing.outOfServiceRetryMs)
      return provoked
    }
  }
}

// ---- checking ----------------------------------------------------------------------------------

function failureLike(expected: FailureScreen) {
  return {
    name: 'failure',
    cause: expected.cause,
    messageKey: expected.messageKey,
    reference: expect.stringMatching(referencePattern(expected.reference)),
  }
}

function checkScreen(k: Kiosk, c: FaultCase): void {
  const screen: Screen = k.screen()
  const expected = c.expect.screen
  switch (expected.name) {
    case 'failure': {
      const alternative = c.expect.alternative?.screen
      const wanted = alternative && screen.name === 'failure' && screen.cause === alternative.cause ? alternative : expected
      expect(screen).toEqual(failureLike(wanted))
      return
    }
    case 'waiting':
      expect(screen).toMatchObject({ name: 'waiting', messageKey: expected.messageKey })
      expect(k.screenAs('waiting').qrSvg !== null, 'QR on the screen').toBe(expected.qr)
      return
    case 'out-of-service':
      expect(screen).toEqual({
        name: 'out-of-service',
        reference: expected.reference,
        staffMessage: expect.any(String),
        secondsToRetry: k.timing.outOfServiceRetryMs / 1000,
      })
      return
  }
}

function checkAttempts(k: Kiosk, c: FaultCase, provoked: Provoked): void {
  if (!c.expect.attempts) return
  const endpoint = c.stage === 'start' ? 'auth' : 'collect'
  const statuses = k.sim.log
    .list()
    .slice(provoked.logBefore)
    .filter((record) => record.endpoint === endpoint)
    .map((record) => record.status)
  expect(statuses).toEqual(c.expect.attempts)
}

/** BankID's cadence on the simulator's log: for every order, consecutive collects at least a second apart. */
function checkCollectSpacing(k: Kiosk): void {
  const byOrder = new Map<string, number[]>()
  for (const record of k.sim.log.list({ endpoint: 'collect' })) {
    if (record.orderRef === null) continue
    byOrder.set(record.orderRef, [...(byOrder.get(record.orderRef) ?? []), record.at])
  }
  for (const [orderRef, at] of byOrder) {
    const gaps = at.slice(1).map((time, i) => time - (at[i] as number))
    if (gaps.some((gap) => gap < MIN_COLLECT_GAP_MS)) {
      throw new Error(`${COLLECT_SPACING_SYMPTOM}: order ${hashOrderRef(orderRef)}, gaps ${JSON.stringify(gaps)} ms`)
    }
  }
}

const kioskLogged = (k: Kiosk, event: string, orderRef: string) =>
  k.h.logs.filter((entry) => entry.event === event && entry.fields?.orderRefHash === hashOrderRef(orderRef))

async function checkOrder(k: Kiosk, c: FaultCase, provoked: Provoked): Promise<void> {
  const cancels = (orderRef?: string) => k.sim.log.list({ endpoint: 'cancel', ...(orderRef ? { orderRef } : {}) })
  const order = (orderRef: string) => k.sim.orders.list().find((o) => o.orderRef === orderRef)
  const hit = () => {
    if (provoked.orderRef === null) throw new Error(`${c.id}: no order was hit`)
    return provoked.orderRef
  }
  switch (c.expect.order) {
    case 'unreached':
      expect(k.sim.log.list()).toEqual([])
      expect(k.sim.orders.list()).toEqual([])
      return
    case 'none':
      expect(k.sim.orders.list()).toEqual([])
      expect(cancels()).toEqual([])
      return
    case 'continues': {
      const orderRef = provoked.orderRef ?? k.pendingOrderRef()
      expect(order(orderRef)?.status).toBe('pending')
      expect(cancels()).toEqual([])
      return
    }
    case 'restarted': {
      const first = hit()
      expect(order(first)).toMatchObject({ status: 'failed', hintCode: 'startFailed' })
      expect(cancels()).toEqual([])
      expect(k.sim.log.list({ endpoint: 'auth' })).toHaveLength(2)
      expect(k.pendingOrderRef()).not.toBe(first)
      return
    }
    case 'ended': {
      const d = c.disturbance
      const hint = d.kind === 'rule' && d.fault.kind === 'hintCode' ? d.fault.hintCode : null
      expect(order(hit())).toMatchObject({ status: 'failed', hintCode: hint })
      expect(cancels()).toEqual([])
      return
    }
    case 'cancelled':
      expect(cancels().map((r) => [r.orderRef, r.status])).toEqual([[hit(), 200]])
      expect(order(hit())).toBeUndefined()
      expect(kioskLogged(k, 'order.cancelled', hit())).toHaveLength(1)
      return
    case 'cancel-unanswered': {
      const failed = kioskLogged(k, 'order.cancel-failed', hit())
      expect(failed).toHaveLength(1)
      expect(failed[0]?.fields).toMatchObject({ failure: expect.stringMatching(/^network /), willRetry: true })
      return
    }
    case 'cancel-retried':
      expect(cancels(hit()).map((r) => r.fault)).toEqual(['drop'])
      expect(kioskLogged(k, 'order.cancel-failed', hit())[0]?.fields).toMatchObject({ willRetry: true })
      // The network comes back and time passes: the kiosk tries again by itself, and BankID confirms.
      k.sim.faults.clear()
      await k.h.step(CANCEL_LOST_WATCH_MS)
      expect(cancels(hit()).map((r) => [r.fault ?? null, r.status])).toEqual([
        ['drop', null],
        [null, 200],
      ])
      expect(order(hit())).toBeUndefined()
      expect(kioskLogged(k, 'order.cancelled', hit())).toHaveLength(1)
      return
  }
}

// ---- usable again ------------------------------------------------------------------------------

async function recover(k: Kiosk, c: FaultCase, provoked: Provoked): Promise<void> {
  switch (c.usableAgain.recovery) {
    case 'none-needed':
    case 'bankid-back': // the kiosk's own retry does it: see usableAgain()
      return
    case 'rule-removed':
    case 'network-back':
      k.sim.faults.clear()
      return
    case 'simulator-restarted':
    case 'certificate-renewed':
      if (provoked.address === null) throw new Error(`${c.id}: no address to restart at`)
      await k.sim.close()
      await k.restartAt(provoked.address)
      return
    case 'trust-fixed':
    case 'own-client-certificate':
      if (provoked.port === null) throw new Error(`${c.id}: no port to switch`)
      provoked.port.current = k.h.client
      return
  }
}

/** Welcome → keypad → QR → scan → security code → logged in with the parent's name → Klar → welcome. */
async function fullLogin(k: Kiosk, personalNumber: string, firstRetry?: FailureScreen): Promise<void> {
  expect(k.screen()).toEqual({ name: 'welcome' })
  await k.startWith(personalNumber)
  if (firstRetry) {
    expect(k.screen()).toEqual(failureLike(firstRetry))
    await k.startWith(personalNumber) // "Försök igen"
  }
  const orderRef = k.scan()
  await k.collectOnce()
  expect(k.screenAs('waiting')).toMatchObject({ qrSvg: null, messageKey: 'bankid.rfa9' })
  expect(k.sim.orders.enterSecurityCode(orderRef, PARENT.securityCode)).toMatchObject({ ok: true, value: { result: 'complete' } })
  await k.collectOnce()
  expect(k.screenAs('logged-in').givenName).toBe(PARENT.givenName)
  k.send({ type: 'done' })
  expect(k.screen()).toEqual({ name: 'welcome' })
}

async function usableAgain(k: Kiosk, c: FaultCase, personalNumber: string): Promise<void> {
  k.meetParent(personalNumber)
  switch (c.expect.screen.name) {
    case 'failure':
      k.send({ type: 'cancel' }) // "Till början"
      break
    case 'waiting': {
      // The login goes on: the parent finishes it in the app.
      const orderRef = k.pendingOrderRef()
      if (k.screenAs('waiting').qrSvg !== null) expect(k.scan()).toBe(orderRef)
      expect(k.sim.orders.enterSecurityCode(orderRef, PARENT.securityCode)).toMatchObject({ ok: true })
      await k.collectOnce()
      expect(k.screenAs('logged-in').givenName).toBe(PARENT.givenName)
      k.send({ type: 'done' })
      break
    }
    case 'out-of-service': {
      // It retries by itself: while BankID is still down the probe fails and it waits again…
      await k.h.step(k.timing.outOfServiceRetryMs)
      expect(k.screenAs('out-of-service').secondsToRetry).toBe(k.timing.outOfServiceRetryMs / 1000)
      // …and the first retry after BankID is back brings the welcome screen, with no one touching it.
      k.sim.faults.clear()
      await k.h.step(k.timing.outOfServiceRetryMs)
      expect(k.h.logs.map((entry) => entry.event)).toContain('service.back')
      break
    }
  }
  await fullLogin(k, personalNumber, c.usableAgain.firstRetry)
}

// ---- the cases ---------------------------------------------------------------------------------

async function runCase(c: FaultCase): Promise<void> {
  const k = await kioskFor(c)
  const personalNumber = freshPersonalNumber()
  k.meetParent(personalNumber)
  await bounded(CASE_WALL_CLOCK_MS, c.id, async () => {
    const provoked = await provoke(k, c, personalNumber, true)
    checkScreen(k, c)
    checkAttempts(k, c, provoked)
    await checkOrder(k, c, provoked)
    await recover(k, c, provoked)
    await usableAgain(k, c, personalNumber)
    checkCollectSpacing(k)
    await k.h.session.dispose()
    expect(k.scheduler.pendingTimers).toBe(0)
  })
}

/** The same fault, but the kiosk quits while the faulty request is still under way. */
async function disposeMidFault(c: FaultCase): Promise<void> {
  const k = await kioskFor(c)
  const personalNumber = freshPersonalNumber()
  k.meetParent(personalNumber)
  await bounded(CASE_WALL_CLOCK_MS, `${c.id} (dispose)`, async () => {
    await provoke(k, c, personalNumber, false)
    await k.h.session.dispose()
    expect(k.scheduler.pendingTimers, 'timers left on the clock').toBe(0)
    await k.h.session.whenIdle()
    // Quitting cancels what it started, as long as BankID can still be reached.
    if (c.disturbance.kind === 'rule') expect(k.pendingOrders()).toEqual([])
  })
}

// Per case: the wall-clock bound, plus the time to start a simulator and close it.
const TEST_TIMEOUT_MS = CASE_WALL_CLOCK_MS + 5_000

describe.each(STAGES)('fault matrix, stage %s', (stage) => {
  for (const c of FAULT_MATRIX.filter((candidate) => candidate.stage === stage)) {
    const name = c.id.slice(stage.length + 1)
    const checks: [KnownFailurePart, string, (c: FaultCase) => Promise<void>][] = [
      ['case', 'screen, order, usable again, nothing left', runCase],
      ['dispose', 'dispose while the fault is under way leaves nothing behind', disposeMidFault],
    ]
    for (const [part, title, check] of checks) {
      const known = c.knownFailure?.[part]
      if (known) {
        it(`${name}: ${title} — KNOWN FAILURE`, async () => {
          await expect(check(c)).rejects.toThrow(known.symptom)
        }, TEST_TIMEOUT_MS)
      } else {
        it(`${name}: ${title}`, () => check(c), TEST_TIMEOUT_MS)
      }
    }
  }
})

describe('the matrix itself', () => {
  const ruleCases = FAULT_MATRIX.filter((c) => c.disturbance.kind === 'rule')
  const rulesAt = (stage: Stage): FaultSpec[] =>
    ruleCases.flatMap((c) => (c.stage === stage && c.disturbance.kind === 'rule' ? [c.disturbance.fault] : []))

  it('has unique ids', () => {
    const ids = FAULT_MATRIX.map((c) => c.id)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('has every fault kind the simulator can inject at every stage where it applies', () => {
    // A Record over the union: adding a fault kind to the simulator breaks the build until it is listed here.
    const kinds: Record<FaultSpec['kind'], true> = {
      internalError: true,
      maintenance: true,
      requestTimeout: true,
      slow: true,
      hang: true,
      drop: true,
      malformedJson: true,
      hintCode: true,
      errorResponse: true,
    }
    for (const stage of STAGES) {
      const present = new Set(rulesAt(stage).map((fault) => fault.kind))
      const expected = Object.keys(kinds).filter((kind) => stage !== 'start' || kind !== 'hintCode')
      expect([...present].sort(), stage).toEqual(expected.sort())
    }
  })

  it('has, for hint codes, an unknown pending and an unknown failed code and every documented failed code, after the start', () => {
    for (const stage of ['waiting', 'after-pickup'] as const) {
      const hints = rulesAt(stage).flatMap((fault) => (fault.kind === 'hintCode' ? [fault] : []))
      const failed = hints.filter((hint) => hint.status === 'failed').map((hint) => hint.hintCode)
      expect(failed, stage).toEqual(expect.arrayContaining([...FAILED_HINT_CODES]))
      expect(failed.filter((code) => !(FAILED_HINT_CODES as readonly string[]).includes(code)), stage).toHaveLength(1)
      expect(hints.filter((hint) => hint.status === 'pending'), stage).toHaveLength(1)
    }
  })

  it('has, for error answers, an unknown code, 401 unauthorized and 400 invalidParameters at every stage', () => {
    for (const stage of STAGES) {
      const errors = rulesAt(stage).flatMap((fault) => (fault.kind === 'errorResponse' ? [fault] : []))
      const shapes = errors.map((error) => (isBankIdErrorCode(error.errorCode) ? `${error.httpStatus} ${error.errorCode}` : 'unknown'))
      expect(shapes.sort(), stage).toEqual(['400 invalidParameters', '401 unauthorized', 'unknown'])
    }
  })

  it('has network loss mid-collect, both TLS failures and the out-of-service case', () => {
    const special = FAULT_MATRIX.map((c) => c.disturbance.kind).filter((kind) => kind !== 'rule')
    for (const kind of ['simulator-stopped', 'network-down', 'wrong-ca', 'expired-server-certificate', 'repeated-service-faults']) {
      expect(special).toContain(kind)
    }
  })
})

describe('faults that do not apply', () => {
  it('a hint-code rule on /auth is ignored by the simulator: the order starts normally', async () => {
    const k = await Kiosk.start()
    open = k
    k.sim.faults.add({ endpoint: 'auth', fault: { kind: 'hintCode', hintCode: 'userCancel', status: 'failed' } })
    k.sim.faults.add({ endpoint: 'auth', fault: { kind: 'hintCode', hintCode: 'newPendingHint', status: 'pending' } })
    await k.startWith(freshPersonalNumber())
    expect(k.screenAs('waiting')).toMatchObject({ messageKey: 'bankid.rfa1' })
    expect(k.sim.log.list({ endpoint: 'auth' }).map((r) => [r.status, r.fault])).toEqual([[200, null]])
    expect(k.sim.faults.list()).toHaveLength(2)
  })
})

describe(RELIABILITY_DOC_FILE, () => {
  const generated = renderReliabilityDoc()

  it(`is up to date (run ${REGENERATE_COMMAND} after changing the matrix)`, () => {
    const onDisk = readFileSync(reliabilityDocPath(fileURLToPath(new URL('../../..', import.meta.url))), 'utf8')
    const difference = describeDifference(generated, onDisk)
    expect(difference, `${RELIABILITY_DOC_FILE} is out of date: run ${REGENERATE_COMMAND}.\n${difference}`).toBeNull()
  })

  it('is the same every time it is made', () => {
    expect(renderReliabilityDoc()).toBe(generated)
  })

  it('has a row for every case, and shows every known failure', () => {
    for (const c of FAULT_MATRIX) {
      expect(generated).toContain(`<a id="${c.id}"></a>`)
      for (const known of Object.values(c.knownFailure ?? {})) expect(generated).toContain(known.bug)
    }
  })
})
