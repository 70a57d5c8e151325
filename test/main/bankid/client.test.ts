// The BankID client against the running simulator, over real mutual TLS on loopback.
import { readFileSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { FAILED_HINT_CODES, PENDING_HINT_CODES } from '../../../src/main/bankid/api-types'
import type { BankIdClient, StartedOrder } from '../../../src/main/bankid/client'
import { encodeUserVisibleData } from '../../../src/main/bankid/client'
import type { BankIdFailure, Result } from '../../../src/main/bankid/failure'
import { BANKID_ERROR_STATUS } from '../../../src/main/bankid/failure'
import { AnimatedQr } from '../../../src/main/bankid/qr'
import { CLIENT_PASSPHRASE, createForeignClientCertificate, issueServerCertificate } from '../../../src/main/simulator/certificates'
import type { FaultRuleInput } from '../../../src/main/simulator/faults'
import { freshPersonalNumber, startTestSimulator } from '../../support/simulator'
import type { TestSimulator } from '../../support/simulator'

let env: TestSimulator
let client: BankIdClient

beforeAll(async () => {
  env = await startTestSimulator()
  client = env.client()
})
afterAll(() => env.close())
afterEach(() => {
  env.simulator.faults.clear()
  env.simulator.log.clear()
})

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`)
  return result.value
}
function failure<T>(result: Result<T>): BankIdFailure {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`)
  return result.error
}

async function startAuth(personalNumber = freshPersonalNumber(), extra: object = {}): Promise<StartedOrder> {
  return value(await client.auth({ endUserIp: '127.0.0.1', requirement: { personalNumber }, ...extra }))
}

/** Scans the frame the kiosk would show now, computed from the client's side of the order. */
function scan(order: StartedOrder): void {
  const qr = new AnimatedQr(order.response, order.receivedAt, env.clock)
  const scanned = env.simulator.orders.scan(qr.payload())
  if (!scanned.ok) throw new Error(`scan refused: ${scanned.error.details}`)
}

const inject = (rule: FaultRuleInput) => env.simulator.faults.add(rule)
const requests = (endpoint: 'auth' | 'sign' | 'collect' | 'cancel') => env.simulator.log.list({ endpoint }).length

describe('a login from start to finish', () => {
  it('goes outstandingTransaction → userSign → complete with the person who was asked for', async () => {
    const personalNumber = freshPersonalNumber()
    env.simulator.people.upsert({ personalNumber, givenName: 'Karin', surname: 'Lind', securityCode: '112233' })
    const order = await startAuth(personalNumber, { userVisibleData: encodeUserVisibleData('Logga in på skolan') })
    expect(order.response.orderRef).toMatch(/^[0-9a-f-]{36}$/)
    expect(order.receivedAt).toBe(env.clock.now())

    expect(value(await client.collect(order.response.orderRef))).toEqual({
      orderRef: order.response.orderRef,
      status: 'pending',
      hintCode: 'outstandingTransaction',
    })
    env.clock.advance(3_400)
    scan(order)
    expect(value(await client.collect(order.response.orderRef))).toMatchObject({ status: 'pending', hintCode: 'userSign' })

    const entered = env.simulator.orders.enterSecurityCode(order.response.orderRef, '112233')
    expect(entered).toMatchObject({ ok: true, value: { result: 'complete' } })
    const done = value(await client.collect(order.response.orderRef))
    if (done.status !== 'complete') throw new Error(`expected complete, got ${done.status}`)
    expect(done.completionData.user).toEqual({ personalNumber, name: 'Karin Lind', givenName: 'Karin', surname: 'Lind' })
    expect(done.completionData.risk).toBeUndefined()
    expect(done.completionData.stepUp).toBeUndefined()
    const signature = Buffer.from(done.completionData.signature, 'base64').toString('utf8')
    expect(signature).toContain(encodeUserVisibleData('Logga in på skolan'))
  })

  it('signs with an ID-document step-up (userMrtd) and returns the risk when asked', async () => {
    const started = value(
      await client.sign({
        endUserIp: '::1',
        userVisibleData: encodeUserVisibleData('Jag godkänner **villkoren**'),
        userVisibleDataFormat: 'simpleMarkdownV1',
        returnRisk: true,
        requirement: { personalNumber: freshPersonalNumber(), mrtd: true, pinCode: true },
        app: { appIdentifier: 'se.example.kiosk', deviceOS: 'Windows 11' },
      }),
    )
    scan(started)
    const ref = started.response.orderRef
    expect(value(await client.collect(ref))).toMatchObject({ status: 'pending', hintCode: 'userMrtd' })
    expect(env.simulator.orders.completeMrtd(ref).ok).toBe(true)
    expect(value(await client.collect(ref))).toMatchObject({ status: 'pending', hintCode: 'userSign' })
    env.simulator.orders.enterSecurityCode(ref, '123456')
    const done = value(await client.collect(ref))
    expect(done).toMatchObject({ status: 'complete', completionData: { stepUp: { mrtd: true }, risk: 'low' } })
  })
})

describe('failed hint codes', () => {
  it('startFailed when nobody scans within the start window', async () => {
    const order = await startAuth()
    env.clock.advance(29_999)
    expect(value(await client.collect(order.response.orderRef))).toMatchObject({ status: 'pending' })
    env.clock.advance(1)
    expect(value(await client.collect(order.response.orderRef))).toMatchObject({ status: 'failed', hintCode: 'startFailed' })
  })

  it('expiredTransaction when the parent does not finish in the app in time', async () => {
    const order = await startAuth()
    scan(order)
    env.clock.advance(180_000)
    expect(value(await client.collect(order.response.orderRef))).toMatchObject({
      status: 'failed',
      hintCode: 'expiredTransaction',
    })
  })

  it('userCancel when the parent cancels in the app', async () => {
    const order = await startAuth()
    scan(order)
    env.simulator.orders.cancelInApp(order.response.orderRef)
    expect(value(await client.collect(order.response.orderRef))).toMatchObject({ status: 'failed', hintCode: 'userCancel' })
  })

  it('certificateErr after four wrong security codes, and for every later order of that person', async () => {
    const personalNumber = freshPersonalNumber()
    const order = await startAuth(personalNumber)
    scan(order)
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(env.simulator.orders.enterSecurityCode(order.response.orderRef, '000000')).toMatchObject({
        value: { result: 'wrong', attemptsLeft: 4 - attempt },
      })
      expect(value(await client.collect(order.response.orderRef))).toMatchObject({ status: 'pending', hintCode: 'userSign' })
    }
    expect(env.simulator.orders.enterSecurityCode(order.response.orderRef, '000000')).toMatchObject({
      value: { result: 'blocked' },
    })
    expect(value(await client.collect(order.response.orderRef))).toMatchObject({ status: 'failed', hintCode: 'certificateErr' })

    const next = await startAuth(personalNumber)
    scan(next)
    expect(value(await client.collect(next.response.orderRef))).toMatchObject({ status: 'failed', hintCode: 'certificateErr' })
    env.simulator.people.unblock(personalNumber)
  })

  it('cancelled for the first order when a second one for the same person arrives (and alreadyInProgress for the second)', async () => {
    const personalNumber = freshPersonalNumber()
    const first = await startAuth(personalNumber)
    const second = failure(await client.auth({ endUserIp: '127.0.0.1', requirement: { personalNumber } }))
    expect(second).toEqual({
      kind: 'bankid-error',
      errorCode: 'alreadyInProgress',
      httpStatus: 400,
      details: 'Order already in progress for pno',
    })
    expect(value(await client.collect(first.response.orderRef))).toMatchObject({ status: 'failed', hintCode: 'cancelled' })
  })

  it.each(['transactionRiskBlocked', 'notSupportedByUserApp', 'userDeclinedCall'])('%s as scripted in the app', async (hint) => {
    const order = await startAuth()
    scan(order)
    env.simulator.orders.failOrder(order.response.orderRef, hint)
    expect(value(await client.collect(order.response.orderRef))).toMatchObject({ status: 'failed', hintCode: hint })
  })

  it('every documented failed code and an unknown one come through as data', async () => {
    for (const hintCode of [...FAILED_HINT_CODES, 'brandNewFailure']) {
      const order = await startAuth()
      inject({ endpoint: 'collect', orderRef: order.response.orderRef, times: 1, fault: { kind: 'hintCode', hintCode, status: 'failed' } })
      expect(value(await client.collect(order.response.orderRef))).toMatchObject({ status: 'failed', hintCode })
    }
  })
})

describe('pending hint codes', () => {
  it('every documented pending code and an unknown one come through as data, and polling goes on', async () => {
    const order = await startAuth()
    for (const hintCode of [...PENDING_HINT_CODES, 'brandNewHint']) {
      inject({ endpoint: 'collect', times: 1, fault: { kind: 'hintCode', hintCode, status: 'pending' } })
      expect(value(await client.collect(order.response.orderRef))).toEqual({
        orderRef: order.response.orderRef,
        status: 'pending',
        hintCode,
      })
    }
    // The unknown pending code did not end anything: the order is still waiting for its scan.
    expect(value(await client.collect(order.response.orderRef))).toMatchObject({ hintCode: 'outstandingTransaction' })
  })
})

describe('error codes', () => {
  it('invalidParameters "No such order" for an order BankID does not have', async () => {
    expect(failure(await client.collect('00000000-0000-4000-8000-000000000000'))).toEqual({
      kind: 'bankid-error',
      errorCode: 'invalidParameters',
      httpStatus: 400,
      details: 'No such order',
    })
  })

  it('notFound for a wrong API path', async () => {
    const wrongPath = env.client({ transport: { baseUrl: env.simulator.rpBaseUrl.replace('v6.0', 'v5.1') } })
    expect(failure(await wrongPath.collect('x'))).toMatchObject({ kind: 'bankid-error', errorCode: 'notFound', httpStatus: 404 })
  })

  it.each(Object.entries(BANKID_ERROR_STATUS))('%s (HTTP %i) is recognised with its status', async (errorCode, httpStatus) => {
    inject({ endpoint: 'auth', times: 5, fault: { kind: 'errorResponse', errorCode, httpStatus } })
    expect(failure(await client.auth({ endUserIp: '127.0.0.1' }))).toEqual({
      kind: 'bankid-error',
      errorCode,
      httpStatus,
      details: 'Injected by the simulator',
    })
  })

  it('an unknown errorCode is a value, not an exception', async () => {
    inject({ endpoint: 'auth', times: 1, fault: { kind: 'errorResponse', errorCode: 'quantumFlux', httpStatus: 400 } })
    expect(failure(await client.auth({ endUserIp: '127.0.0.1' }))).toEqual({
      kind: 'unknown-error-code',
      errorCode: 'quantumFlux',
      httpStatus: 400,
      details: 'Injected by the simulator',
    })
  })
})

describe('retry rules', () => {
  it('retries 503 maintenance silently and succeeds when it clears', async () => {
    inject({ endpoint: 'auth', times: 2, fault: { kind: 'maintenance' } })
    const order = await startAuth()
    expect(order.response.orderRef).toBeTruthy()
    expect(requests('auth')).toBe(3)
  })

  it('gives up on maintenance after the retry cap', async () => {
    inject({ endpoint: 'collect', fault: { kind: 'maintenance' } })
    expect(failure(await client.collect('any'))).toMatchObject({ kind: 'bankid-error', errorCode: 'maintenance', httpStatus: 503 })
    expect(requests('collect')).toBe(4)
  })

  it.each([
    ['internalError', 500],
    ['requestTimeout', 408],
  ] as const)('does not retry %s', async (kind, httpStatus) => {
    inject({ endpoint: 'auth', times: 1, fault: { kind } })
    expect(failure(await client.auth({ endUserIp: '127.0.0.1' }))).toMatchObject({ kind: 'bankid-error', errorCode: kind, httpStatus })
    expect(requests('auth')).toBe(1)
  })

  it('stops waiting between retries when the caller aborts', async () => {
    inject({ endpoint: 'auth', fault: { kind: 'maintenance' } })
    const slowRetries = env.client({ maintenanceRetry: { maxRetries: 3, initialDelayMs: 10_000, maxDelayMs: 10_000 } })
    const controller = new AbortController()
    const pending = slowRetries.auth({ endUserIp: '127.0.0.1' }, { signal: controller.signal })
    await waitFor(() => requests('auth') === 1)
    controller.abort()
    expect(failure(await pending)).toEqual({ kind: 'aborted' })
  })
})

describe('network faults', () => {
  it('a slow answer within the timeout is fine; beyond it is a timeout', async () => {
    inject({ endpoint: 'auth', times: 1, fault: { kind: 'slow', delayMs: 50 } })
    expect((await client.auth({ endUserIp: '127.0.0.1' }, { timeoutMs: 2_000 })).ok).toBe(true)
    inject({ endpoint: 'auth', times: 1, fault: { kind: 'slow', delayMs: 1_000 } })
    expect(failure(await client.auth({ endUserIp: '127.0.0.1' }, { timeoutMs: 100 }))).toEqual({ kind: 'timeout', timeoutMs: 100 })
  })

  it('a hung request ends in our timeout', async () => {
    inject({ endpoint: 'collect', times: 1, fault: { kind: 'hang' } })
    expect(failure(await client.collect('x', { timeoutMs: 150 }))).toEqual({ kind: 'timeout', timeoutMs: 150 })
  })

  it('a dropped connection is a network failure', async () => {
    inject({ endpoint: 'auth', times: 1, fault: { kind: 'drop' } })
    expect(failure(await client.auth({ endUserIp: '127.0.0.1' }))).toMatchObject({ kind: 'network' })
  })

  it('broken JSON is a malformed response', async () => {
    inject({ endpoint: 'auth', times: 1, fault: { kind: 'malformedJson' } })
    expect(failure(await client.auth({ endUserIp: '127.0.0.1' }))).toEqual({
      kind: 'malformed-response',
      httpStatus: 200,
      reason: 'body is not JSON',
    })
  })

  it('an aborted request is reported as aborted', async () => {
    inject({ endpoint: 'collect', times: 1, fault: { kind: 'hang' } })
    const controller = new AbortController()
    const pending = client.collect('x', { signal: controller.signal })
    await waitFor(() => requests('collect') === 1)
    controller.abort()
    expect(failure(await pending)).toEqual({ kind: 'aborted' })
  })

  it('a refused connection is a network failure', async () => {
    const nobody = env.client({ transport: { baseUrl: 'https://127.0.0.1:1/rp/v6.0/' } })
    expect(failure(await nobody.collect('x'))).toMatchObject({ kind: 'network', code: 'ECONNREFUSED' })
  })

  it('the client keeps working after every fault above', async () => {
    const order = await startAuth()
    expect(value(await client.collect(order.response.orderRef))).toMatchObject({ status: 'pending' })
  })
})

describe('trust', () => {
  it('refuses a server whose certificate is not from the configured root CA', async () => {
    const trustsBankIdTest = env.client({ transport: { caPem: readFileSync('resources/bankid-ca/test.pem') } })
    const result = failure(await trustsBankIdTest.collect('x'))
    expect(result).toMatchObject({ kind: 'tls' })
    expect(env.simulator.log.list()).toHaveLength(0)
  })

  it('is refused by the simulator with a client certificate the simulator did not issue', async () => {
    const foreign = await createForeignClientCertificate()
    const stranger = env.client({ transport: { credentials: { kind: 'pem', cert: foreign.certPem, key: foreign.keyPem } } })
    const result = failure(await stranger.collect('x'))
    // Under TLS 1.3 the server checks the client certificate after the client has finished its
    // side of the handshake, so the client mostly sees a reset connection rather than an alert.
    expect(['tls', 'network']).toContain(result.kind)
    expect(env.simulator.log.list()).toHaveLength(0)
  })

  it('refuses an expired server certificate even from the right CA', async () => {
    const now = Date.now()
    const expired = await issueServerCertificate(env.simulator.pki, {
      notBefore: new Date(now - 10 * 86_400_000),
      notAfter: new Date(now - 86_400_000),
    })
    const stale = await startTestSimulator({ serverCertificate: expired })
    try {
      expect(failure(await stale.client().collect('x'))).toMatchObject({ kind: 'tls', code: 'CERT_HAS_EXPIRED' })
    } finally {
      await stale.close()
    }
  })

  it('accepts the RP certificate as PEM with an encrypted key and its passphrase', async () => {
    const pem = env.client({
      transport: {
        credentials: {
          kind: 'pem',
          cert: readFileSync(env.simulator.pki.clientCertPath),
          key: readFileSync(env.simulator.pki.clientKeyPath),
          passphrase: CLIENT_PASSPHRASE,
        },
      },
    })
    const order = value(await pem.auth({ endUserIp: '127.0.0.1' }))
    expect(value(await pem.collect(order.response.orderRef))).toMatchObject({ status: 'pending' })
  })
})

describe('requests are checked before they are sent', () => {
  const bad: Array<[string, unknown, string]> = [
    ['top-level personalNumber (removed in v6)', { endUserIp: '127.0.0.1', personalNumber: '199001012385' }, 'personalNumber'],
    ['an endUserIp that is not an address', { endUserIp: 'kiosk-7' }, 'endUserIp'],
    ['userVisibleData over 1 500 characters', { endUserIp: '127.0.0.1', userVisibleData: 'A'.repeat(1_504) }, 'userVisibleData'],
    ['userVisibleData that is not base64', { endUserIp: '127.0.0.1', userVisibleData: 'inte base64!' }, 'userVisibleData'],
    ['both web and app device data', { endUserIp: '127.0.0.1', web: { userAgent: 'x' }, app: { deviceOS: 'y' } }, 'app'],
    ['a personalNumber with a dash', { endUserIp: '127.0.0.1', requirement: { personalNumber: '19900101-2385' } }, 'requirement.personalNumber'],
    ['an unknown userVisibleDataFormat', { endUserIp: '127.0.0.1', userVisibleDataFormat: 'html' }, 'userVisibleDataFormat'],
  ]
  it.each(bad)('refuses %s', async (_name, request, field) => {
    const result = failure(await client.auth(request as never))
    expect(result).toMatchObject({ kind: 'invalid-request', field })
    expect(requests('auth')).toBe(0)
  })

  it('allows a /sign text up to 40 000 base64 characters but not /auth', async () => {
    const text = 'A'.repeat(40_000)
    expect((await client.sign({ endUserIp: '127.0.0.1', userVisibleData: text })).ok).toBe(true)
    expect(failure(await client.sign({ endUserIp: '127.0.0.1', userVisibleData: `${text}AAAA` }))).toMatchObject({
      kind: 'invalid-request',
      field: 'userVisibleData',
    })
  })
})

describe('collect after the end', () => {
  it('is never sent after complete, failed or cancel', async () => {
    const completed = await startAuth()
    scan(completed)
    env.simulator.orders.enterSecurityCode(completed.response.orderRef, '123456')
    const failedOrder = await startAuth()
    env.clock.advance(30_000)
    const cancelled = await startAuth()

    expect(value(await client.collect(completed.response.orderRef)).status).toBe('complete')
    expect(value(await client.collect(failedOrder.response.orderRef)).status).toBe('failed')
    expect(value(await client.cancel(cancelled.response.orderRef))).toBeUndefined()
    const before = requests('collect')

    for (const order of [completed, failedOrder, cancelled]) {
      expect(failure(await client.collect(order.response.orderRef))).toEqual({
        kind: 'order-finished',
        orderRef: order.response.orderRef,
      })
    }
    expect(requests('collect')).toBe(before)
  })

  it('BankID itself answers "No such order" after a cancel, and a second cancel is invalidParameters', async () => {
    const order = await startAuth()
    expect((await client.cancel(order.response.orderRef)).ok).toBe(true)
    const unguarded = env.client() // a client that has not seen the cancel
    expect(failure(await unguarded.collect(order.response.orderRef))).toMatchObject({
      errorCode: 'invalidParameters',
      details: 'No such order',
    })
    expect(failure(await unguarded.cancel(order.response.orderRef))).toMatchObject({ errorCode: 'invalidParameters' })
  })
})

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
