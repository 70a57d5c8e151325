// The simulator's RP API as BankID's servers answer it: raw HTTPS with mutual TLS, checking exact
// status codes, headers and bodies (reference §2, §4, §11). The client's view is in
// test/main/bankid/client.test.ts; here nothing goes through the BankID client.
import { readFileSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { CLIENT_PASSPHRASE, createForeignClientCertificate } from '../../../src/main/simulator/certificates'
import { RequestLog } from '../../../src/main/simulator/rp-server'
import { httpsRequest, jsonOf, postJson } from '../../support/raw-https'
import type { RawResponse, RawTls } from '../../support/raw-https'
import { issueSecondRpCertificate } from '../../support/rp-client-certificate'
import { freshPersonalNumber, startTestSimulator } from '../../support/simulator'
import type { TestSimulator } from '../../support/simulator'

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const MAX_BODY_BYTES = 512 * 1024

let env: TestSimulator
let rp: RawTls
/** A second RP: its client certificate is from the same RP CA, but it is not the RP in client.p12. */
let otherRp: RawTls
let url: (endpoint: string) => string

beforeAll(async () => {
  env = await startTestSimulator()
  rp = {
    ca: env.simulator.pki.serverCaPem,
    pfx: readFileSync(env.simulator.pki.clientP12Path),
    passphrase: CLIENT_PASSPHRASE,
  }
  const second = await issueSecondRpCertificate(env.simulator.pki)
  otherRp = { ca: env.simulator.pki.serverCaPem, cert: second.certPem, key: second.keyPem }
  url = (endpoint) => `${env.simulator.rpBaseUrl}${endpoint}`
})
afterAll(() => env.close())
afterEach(() => {
  env.simulator.faults.clear()
  env.simulator.log.clear()
  env.simulator.orders.clear()
})

const post = (endpoint: string, body: unknown, tls: RawTls = rp) => postJson(url(endpoint), tls, body)

function expectError(response: RawResponse, status: number, errorCode: string, details: string): void {
  expect({ status: response.status, body: jsonOf(response) }).toEqual({ status, body: { errorCode, details } })
  expect(response.headers['content-type']).toBe('application/json')
}

async function startOrder(body: object = {}): Promise<{ orderRef: string; qrStartToken: string; qrStartSecret: string }> {
  const response = await post('auth', { endUserIp: '127.0.0.1', ...body })
  expect(response.status, response.text).toBe(200)
  return jsonOf(response) as { orderRef: string; qrStartToken: string; qrStartSecret: string }
}

describe('routing', () => {
  it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('%s on /auth is 405 methodNotAllowed with Allow: POST', async (method) => {
    const response = await httpsRequest(url('auth'), rp, { method })
    expectError(response, 405, 'methodNotAllowed', 'Method not allowed')
    expect(response.headers.allow).toBe('POST')
  })

  it('GET on /collect and /cancel is 405 as well', async () => {
    for (const endpoint of ['collect', 'cancel', 'sign']) {
      const response = await httpsRequest(url(endpoint), rp, { method: 'GET' })
      expectError(response, 405, 'methodNotAllowed', 'Method not allowed')
    }
  })

  it.each(['/rp/v6.0/nothing', '/', '/rp/v5.1/auth', '/rp/v6.0/auth/', '/rp/v6.0/'])(
    'POST %s is 404 notFound',
    async (path) => {
      const response = await httpsRequest(new URL(path, env.simulator.rpBaseUrl).href, rp, {
        headers: { 'Content-Type': 'application/json' },
        body: '{"endUserIp":"127.0.0.1"}',
      })
      expectError(response, 404, 'notFound', 'Not found')
    },
  )

  it('an unknown path is 404 whatever the method (the path is judged before the method)', async () => {
    const response = await httpsRequest(new URL('/rp/v6.0/nothing', env.simulator.rpBaseUrl).href, rp, { method: 'GET' })
    expectError(response, 404, 'notFound', 'Not found')
    expect(response.headers.allow).toBeUndefined()
  })

  it('ignores a query string', async () => {
    const response = await postJson(`${url('auth')}?debug=1`, rp, { endUserIp: '127.0.0.1' })
    expect(response.status).toBe(200)
  })
})

describe('media type and body', () => {
  const validAuth = JSON.stringify({ endUserIp: '127.0.0.1' })
  const send = (headers: Record<string, string>, body: string | Buffer = validAuth) =>
    httpsRequest(url('auth'), rp, { headers, body })

  it.each([
    ['application/json; charset=UTF-8'],
    ['application/json;charset=utf-8'],
    ['application/json;'],
    ['text/plain'],
    ['application/x-www-form-urlencoded'],
    ['application/jsonx'],
  ])('Content-Type "%s" is 415 unsupportedMediaType', async (contentType) => {
    expectError(await send({ 'Content-Type': contentType }), 415, 'unsupportedMediaType', 'Unsupported media type')
  })

  it('a missing Content-Type is 415', async () => {
    expectError(await send({}), 415, 'unsupportedMediaType', 'Unsupported media type')
  })

  it('accepts application/json exactly, and in any letter case (media types are case-insensitive)', async () => {
    // rp-server.ts lowercases and trims the header before comparing, so `Application/JSON` is fine.
    for (const contentType of ['application/json', 'Application/JSON', 'APPLICATION/JSON']) {
      const response = await send({ 'Content-Type': contentType })
      expect(response.status, `${contentType}: ${response.text}`).toBe(200)
    }
  })

  it.each([
    ['not JSON at all', '{endUserIp: 127.0.0.1}'],
    ['an empty body', ''],
    ['JSON cut off', '{"endUserIp":"127.0.0.1"'],
    ['a JSON array', '[{"endUserIp":"127.0.0.1"}]'],
    ['JSON null', 'null'],
    ['a JSON string', '"127.0.0.1"'],
  ])('/auth with %s is 400 invalidParameters "Invalid request"', async (_name, body) => {
    expectError(await send({ 'Content-Type': 'application/json' }, body), 400, 'invalidParameters', 'Invalid request')
  })

  it('takes a body of exactly 512 KiB and refuses one byte more', async () => {
    const pad = (bytes: number) => validAuth + ' '.repeat(bytes - validAuth.length)
    const atLimit = await send({ 'Content-Type': 'application/json' }, pad(MAX_BODY_BYTES))
    expect(atLimit.status, atLimit.text).toBe(200)
    const over = await send({ 'Content-Type': 'application/json' }, pad(MAX_BODY_BYTES + 1))
    expectError(over, 400, 'invalidParameters', 'Invalid request')
  })

  it('the limit counts bytes, not characters', async () => {
    // 'é' is two bytes in UTF-8: 300 000 characters of padding inside a string are 600 000 bytes.
    const body = JSON.stringify({ endUserIp: '127.0.0.1', returnUrl: 'é'.repeat(300_000) })
    expect(body.length).toBeLessThan(MAX_BODY_BYTES)
    expectError(await send({ 'Content-Type': 'application/json' }, body), 400, 'invalidParameters', 'Invalid request')
  })

  it('takes the largest valid /sign (40 000 + 200 000 base64 characters)', async () => {
    const response = await post('sign', {
      endUserIp: '127.0.0.1',
      userVisibleData: 'A'.repeat(40_000),
      userNonVisibleData: 'B'.repeat(200_000),
    })
    expect(response.status, response.text).toBe(200)
  })
})

describe('/auth and /sign validation', () => {
  const ip = { endUserIp: '127.0.0.1' }
  const bad: Array<[string, 'auth' | 'sign', object, string]> = [
    ['no endUserIp', 'auth', {}, 'Invalid endUserIp'],
    ['an empty endUserIp', 'auth', { endUserIp: '' }, 'Invalid endUserIp'],
    ['a host name as endUserIp', 'auth', { endUserIp: 'kiosk-7.local' }, 'Invalid endUserIp'],
    ['an IPv4 address out of range', 'auth', { endUserIp: '256.1.1.1' }, 'Invalid endUserIp'],
    ['an endUserIp with a port', 'sign', { endUserIp: '127.0.0.1:443', userVisibleData: 'QQ==' }, 'Invalid endUserIp'],
    ['a numeric endUserIp', 'auth', { endUserIp: 2130706433 }, 'Invalid endUserIp'],
    ['a personalNumber with a dash', 'auth', { ...ip, requirement: { personalNumber: '19900101-2385' } }, 'Incorrect personalNumber'],
    ['a 10-digit personalNumber', 'auth', { ...ip, requirement: { personalNumber: '9001012385' } }, 'Incorrect personalNumber'],
    ['a personalNumber as a number', 'auth', { ...ip, requirement: { personalNumber: 199001012385 } }, 'Incorrect personalNumber'],
    ['cardReader class3', 'auth', { ...ip, requirement: { cardReader: 'class3' } }, 'Invalid requirement'],
    ['an unknown requirement key', 'auth', { ...ip, requirement: { allowFingerprint: true } }, 'Invalid requirement'],
    ['the removed requirement.risk', 'auth', { ...ip, requirement: { risk: 'low' } }, 'Invalid requirement'],
    ['a non-boolean pinCode', 'auth', { ...ip, requirement: { pinCode: 'true' } }, 'Invalid requirement'],
    ['a non-boolean mrtd', 'sign', { ...ip, userVisibleData: 'QQ==', requirement: { mrtd: 1 } }, 'Invalid requirement'],
    ['certificatePolicies not an array', 'auth', { ...ip, requirement: { certificatePolicies: '1.2.752.78.1.5' } }, 'Invalid requirement'],
    ['empty certificatePolicies', 'auth', { ...ip, requirement: { certificatePolicies: [] } }, 'Invalid requirement'],
    ['a certificate policy that is no OID', 'auth', { ...ip, requirement: { certificatePolicies: ['mobile'] } }, 'Invalid requirement'],
    ['a certificate policy that is a number', 'auth', { ...ip, requirement: { certificatePolicies: ['1.2.3.4.25', 5] } }, 'Invalid requirement'],
    ['a requirement that is not an object', 'auth', { ...ip, requirement: ['pinCode'] }, 'Invalid requirement'],
    ['/sign without userVisibleData', 'sign', { ...ip }, 'Invalid userVisibleData'],
    ['/auth userVisibleData over 1 500 characters', 'auth', { ...ip, userVisibleData: 'A'.repeat(1_504) }, 'Invalid userVisibleData'],
    ['/sign userVisibleData over 40 000 characters', 'sign', { ...ip, userVisibleData: 'A'.repeat(40_004) }, 'Invalid userVisibleData'],
    ['userVisibleData that is not base64', 'auth', { ...ip, userVisibleData: 'inte base64!' }, 'Invalid userVisibleData'],
    ['base64 without its padding', 'auth', { ...ip, userVisibleData: 'QQ' }, 'Invalid userVisibleData'],
    ['an empty userVisibleData', 'auth', { ...ip, userVisibleData: '' }, 'Invalid userVisibleData'],
    ['userNonVisibleData alone', 'auth', { ...ip, userNonVisibleData: 'QQ==' }, 'userNonVisible data requires userVisibleData'],
    ['/auth userNonVisibleData over 1 500', 'auth', { ...ip, userVisibleData: 'QQ==', userNonVisibleData: 'A'.repeat(1_504) }, 'Invalid userNonVisibleData'],
    ['userVisibleDataFormat "html"', 'auth', { ...ip, userVisibleData: 'QQ==', userVisibleDataFormat: 'html' }, 'Invalid userVisibleDataFormat'],
    ['userVisibleDataFormat in the wrong case', 'auth', { ...ip, userVisibleData: 'QQ==', userVisibleDataFormat: 'SimpleMarkdownV1' }, 'Invalid userVisibleDataFormat'],
    ['an empty returnUrl', 'auth', { ...ip, returnUrl: '' }, 'Invalid returnUrl'],
    ['a returnUrl over 512 characters', 'auth', { ...ip, returnUrl: `https://example.com/${'a'.repeat(493)}` }, 'Invalid returnUrl'],
    ['a non-boolean returnRisk', 'auth', { ...ip, returnRisk: 'yes' }, 'Invalid returnRisk'],
    ['both web and app', 'auth', { ...ip, web: { userAgent: 'x' }, app: { deviceOS: 'y' } }, 'Invalid request: give web or app, not both'],
    ['an empty web object', 'auth', { ...ip, web: {} }, 'Invalid web'],
    ['an unknown web member', 'auth', { ...ip, web: { browser: 'x' } }, 'Invalid web'],
    ['a web userAgent over 256 characters', 'auth', { ...ip, web: { userAgent: 'u'.repeat(257) } }, 'Invalid web'],
    ['an app deviceIdentifier over 64 characters', 'auth', { ...ip, app: { deviceIdentifier: 'd'.repeat(65) } }, 'Invalid app'],
    ['an app member that is not a string', 'auth', { ...ip, app: { deviceOS: 11 } }, 'Invalid app'],
    ['a top-level personalNumber (removed in v6)', 'auth', { ...ip, personalNumber: '199001012385' }, 'Invalid parameter: personalNumber'],
    ['the removed autoStartTokenRequired', 'sign', { ...ip, userVisibleData: 'QQ==', autoStartTokenRequired: true }, 'Invalid parameter: autoStartTokenRequired'],
  ]

  it.each(bad)('%s (/%s) → 400 invalidParameters', async (_name, endpoint, body, details) => {
    expectError(await post(endpoint, body), 400, 'invalidParameters', details)
    expect(env.simulator.orders.size).toBe(0)
  })

  const good: Array<[string, 'auth' | 'sign', object]> = [
    ['an IPv6 endUserIp', 'auth', { endUserIp: '2001:db8::1' }],
    ['the IPv6 loopback', 'auth', { endUserIp: '::1' }],
    ['an IPv4-mapped IPv6 endUserIp', 'auth', { endUserIp: '::ffff:192.0.2.7' }],
    ['/auth userVisibleData of exactly 1 500 characters', 'auth', { ...ip, userVisibleData: 'A'.repeat(1_500) }],
    ['/sign userVisibleData of exactly 40 000 characters', 'sign', { ...ip, userVisibleData: 'A'.repeat(40_000) }],
    ['a certificate policy wildcard', 'auth', { ...ip, requirement: { certificatePolicies: ['1.2.752.78.*'] } }],
    ['several certificate policies', 'auth', { ...ip, requirement: { certificatePolicies: ['1.2.752.78.1.5', '1.2.3.4.25'] } }],
    ['every requirement at once', 'sign', {
      ...ip,
      userVisibleData: 'QQ==',
      requirement: { pinCode: true, mrtd: true, cardReader: 'class2', certificatePolicies: ['1.2.3.4.10'], personalNumber: '199001012385' },
    }],
    // §9: the live test server checks the format only; S7's CI gets 200 for this Luhn-invalid number.
    ['a personalNumber with a wrong check digit', 'auth', { ...ip, requirement: { personalNumber: '200003121145' } }],
    ['userVisibleDataFormat plaintext', 'auth', { ...ip, userVisibleData: 'QQ==', userVisibleDataFormat: 'plaintext' }],
    ['userVisibleDataFormat simpleMarkdownV1', 'sign', { ...ip, userVisibleData: 'IyBIZWo=', userVisibleDataFormat: 'simpleMarkdownV1' }],
    ['a returnUrl of exactly 512 characters', 'auth', { ...ip, returnUrl: `https://example.com/${'a'.repeat(492)}` }],
    ['returnRisk', 'auth', { ...ip, returnRisk: true }],
    ['full web device data', 'auth', { ...ip, web: { deviceIdentifier: 'd'.repeat(64), referringDomain: 'example.com', userAgent: 'u'.repeat(256) } }],
    ['full app device data', 'auth', { ...ip, app: { appIdentifier: 'se.example.kiosk', deviceOS: 'Windows 11', deviceModelName: 'Kiosk', deviceIdentifier: 'k-1' } }],
  ]

  it.each(good)('accepts %s (/%s)', async (_name, endpoint, body) => {
    const response = await post(endpoint, body)
    expect(response.status, response.text).toBe(200)
    expect(Object.keys(jsonOf(response) as object).sort()).toEqual(['autoStartToken', 'orderRef', 'qrStartSecret', 'qrStartToken'])
  })
})

describe('a successful /auth or /sign', () => {
  it('answers 200 application/json with exactly four UUIDs, all different, new for every order', async () => {
    const first = await post('auth', { endUserIp: '127.0.0.1' })
    expect(first.status).toBe(200)
    expect(first.headers['content-type']).toBe('application/json')
    expect(Number(first.headers['content-length'])).toBe(Buffer.byteLength(first.text))
    const a = jsonOf(first) as Record<string, unknown>
    expect(Object.keys(a).sort()).toEqual(['autoStartToken', 'orderRef', 'qrStartSecret', 'qrStartToken'])
    for (const value of Object.values(a)) expect(value).toMatch(UUID_V4)

    const b = jsonOf(await post('sign', { endUserIp: '127.0.0.1', userVisibleData: 'QQ==' })) as Record<string, unknown>
    const all = [...Object.values(a), ...Object.values(b)]
    expect(new Set(all).size).toBe(8)
  })

  it('a second order for a person with one in progress is 400 alreadyInProgress, also from another RP', async () => {
    const personalNumber = freshPersonalNumber()
    await startOrder({ requirement: { personalNumber } })
    const again = await post('sign', { endUserIp: '127.0.0.1', userVisibleData: 'QQ==', requirement: { personalNumber } })
    expectError(again, 400, 'alreadyInProgress', 'Order already in progress for pno')
    // The conflict cancelled the first order (conflictCancelsExisting); a new one is pending again.
    await startOrder({ requirement: { personalNumber } })
    const fromOther = await post('auth', { endUserIp: '127.0.0.1', requirement: { personalNumber } }, otherRp)
    expectError(fromOther, 400, 'alreadyInProgress', 'Order already in progress for pno')
  })
})

describe('/collect and /cancel', () => {
  it.each([
    ['an empty object', {}],
    ['a numeric orderRef', { orderRef: 42 }],
    ['an extra key', { orderRef: '00000000-0000-4000-8000-000000000000', endUserIp: '127.0.0.1' }],
    ['a JSON array', ['00000000-0000-4000-8000-000000000000']],
    ['JSON null', null],
  ])('with %s → 400 "Invalid orderRef"', async (_name, body) => {
    for (const endpoint of ['collect', 'cancel']) {
      expectError(await post(endpoint, body), 400, 'invalidParameters', 'Invalid orderRef')
    }
  })

  it('collect answers 200 application/json with the order state', async () => {
    const { orderRef } = await startOrder()
    const response = await post('collect', { orderRef })
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toBe('application/json')
    expect(jsonOf(response)).toEqual({ orderRef, status: 'pending', hintCode: 'outstandingTransaction' })
  })

  it('cancel answers 200 {}; then collect and a second cancel are 400 "No such order"', async () => {
    const { orderRef } = await startOrder()
    const cancelled = await post('cancel', { orderRef })
    expect({ status: cancelled.status, text: cancelled.text }).toEqual({ status: 200, text: '{}' })
    expectError(await post('collect', { orderRef }), 400, 'invalidParameters', 'No such order')
    expectError(await post('cancel', { orderRef }), 400, 'invalidParameters', 'No such order')
  })

  it('an order is invisible to an RP with a different client certificate from the same RP CA', async () => {
    const other = otherRp
    const { orderRef } = await startOrder()

    expectError(await post('collect', { orderRef }, other), 400, 'invalidParameters', 'No such order')
    expectError(await post('cancel', { orderRef }, other), 400, 'invalidParameters', 'No such order')
    // The other RP's cancel did nothing: the owner still sees its order.
    expect(jsonOf(await post('collect', { orderRef }))).toMatchObject({ orderRef, status: 'pending' })

    // And the other RP's own orders are its own.
    const theirs = jsonOf(await post('auth', { endUserIp: '127.0.0.1' }, other)) as { orderRef: string }
    expect(jsonOf(await post('collect', { orderRef: theirs.orderRef }, other))).toMatchObject({ status: 'pending' })
    expectError(await post('collect', { orderRef: theirs.orderRef }), 400, 'invalidParameters', 'No such order')
  })
})

describe('mutual TLS', () => {
  /** 'answered' if an HTTP response came back, else the client's error code. */
  const attempt = (tls: RawTls) =>
    post('collect', { orderRef: '00000000-0000-4000-8000-000000000000' }, tls).then(
      (response) => `answered ${response.status}`,
      (error: NodeJS.ErrnoException) => error.code ?? error.message,
    )

  it('a client without a certificate never reaches the HTTP layer', async () => {
    const outcome = await attempt({ ca: env.simulator.pki.serverCaPem })
    expect(outcome).not.toMatch(/^answered/)
    expect(env.simulator.log.list()).toEqual([])
  })

  it('a client certificate from a foreign CA never reaches the HTTP layer', async () => {
    const foreign = await createForeignClientCertificate()
    const outcome = await attempt({ ca: env.simulator.pki.serverCaPem, cert: foreign.certPem, key: foreign.keyPem })
    expect(outcome).not.toMatch(/^answered/)
    expect(env.simulator.log.list()).toEqual([])
  })

  it('the same request with the right certificate is answered and logged (the two above are not vacuous)', async () => {
    expect(await attempt(rp)).toBe('answered 400')
    expect(env.simulator.log.list()).toHaveLength(1)
  })
})

describe('fault rules', () => {
  it('a counted rule fires that many times, counting down, and then disappears', async () => {
    const rule = env.simulator.faults.add({ endpoint: 'collect', times: 2, fault: { kind: 'maintenance' } })
    const body = { orderRef: 'nope' }
    expectError(await post('collect', body), 503, 'maintenance', 'Service temporarily unavailable')
    expect(env.simulator.faults.list()).toEqual([{ ...rule, remaining: 1 }])
    expectError(await post('collect', body), 503, 'maintenance', 'Service temporarily unavailable')
    expect(env.simulator.faults.list()).toEqual([])
    expectError(await post('collect', body), 400, 'invalidParameters', 'No such order')
  })

  it('a rule without times stays until removed', async () => {
    const rule = env.simulator.faults.add({ endpoint: 'auth', fault: { kind: 'internalError' } })
    for (let i = 0; i < 3; i++) expectError(await post('auth', { endUserIp: '127.0.0.1' }), 500, 'internalError', 'Internal error')
    expect(env.simulator.faults.remove(rule.id)).toBe(true)
    expect((await post('auth', { endUserIp: '127.0.0.1' })).status).toBe(200)
  })

  it('an orderRef rule affects only that order', async () => {
    const a = await startOrder()
    const b = await startOrder()
    env.simulator.faults.add({ endpoint: 'collect', orderRef: a.orderRef, fault: { kind: 'requestTimeout' } })
    expect(jsonOf(await post('collect', { orderRef: b.orderRef }))).toMatchObject({ orderRef: b.orderRef, status: 'pending' })
    expectError(await post('collect', { orderRef: a.orderRef }), 408, 'requestTimeout', 'Request timeout')
    expectError(await post('collect', { orderRef: a.orderRef }), 408, 'requestTimeout', 'Request timeout')
    expect((await post('cancel', { orderRef: b.orderRef })).status).toBe(200)
    // /auth bodies carry no orderRef, so an order-scoped rule never hits them.
    expect((await post('auth', { endUserIp: '127.0.0.1' })).status).toBe(200)
  })

  it("endpoint '*' (also the default) hits every endpoint", async () => {
    env.simulator.faults.add({ fault: { kind: 'errorResponse', errorCode: 'unauthorized', httpStatus: 401 } })
    const requests: Array<[string, object]> = [
      ['auth', { endUserIp: '127.0.0.1' }],
      ['sign', { endUserIp: '127.0.0.1', userVisibleData: 'QQ==' }],
      ['collect', { orderRef: 'x' }],
      ['cancel', { orderRef: 'x' }],
    ]
    for (const [endpoint, body] of requests) {
      expectError(await post(endpoint, body), 401, 'unauthorized', 'Injected by the simulator')
    }
    expect(env.simulator.log.list().map((record) => [record.endpoint, record.fault])).toEqual(
      requests.map(([endpoint]) => [endpoint, 'errorResponse']),
    )
  })

  it('an endpoint rule leaves the other endpoints alone', async () => {
    env.simulator.faults.add({ endpoint: 'sign', fault: { kind: 'maintenance' } })
    expect((await post('auth', { endUserIp: '127.0.0.1' })).status).toBe(200)
    expect((await post('sign', { endUserIp: '127.0.0.1', userVisibleData: 'QQ==' })).status).toBe(503)
  })

  it('a hintCode rule only ever applies to collect, even with endpoint * or auth', async () => {
    env.simulator.faults.add({ fault: { kind: 'hintCode', hintCode: 'userCallConfirm', status: 'pending' } })
    env.simulator.faults.add({ endpoint: 'auth', fault: { kind: 'hintCode', hintCode: 'noClient', status: 'pending' } })
    const { orderRef } = await startOrder()
    expect(jsonOf(await post('collect', { orderRef }))).toEqual({ orderRef, status: 'pending', hintCode: 'userCallConfirm' })
    expect(await post('cancel', { orderRef })).toMatchObject({ status: 200, text: '{}' })
    expect(env.simulator.faults.list()).toHaveLength(2)
    expect(env.simulator.log.list().map((record) => record.fault)).toEqual([null, 'hintCode', null])
  })

  it('a failed hintCode rule ends the order for good: later collects without the rule still say so', async () => {
    const { orderRef } = await startOrder()
    env.simulator.faults.add({ endpoint: 'collect', times: 1, fault: { kind: 'hintCode', hintCode: 'transactionRiskBlocked', status: 'failed' } })
    const failed = { orderRef, status: 'failed', hintCode: 'transactionRiskBlocked' }
    expect(jsonOf(await post('collect', { orderRef }))).toEqual(failed)
    expect(env.simulator.faults.list()).toEqual([])
    expect(jsonOf(await post('collect', { orderRef }))).toEqual(failed)
  })

  it('malformedJson is a 200 JSON response cut off mid-string', async () => {
    env.simulator.faults.add({ endpoint: 'collect', times: 1, fault: { kind: 'malformedJson' } })
    const response = await post('collect', { orderRef: 'x' })
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toBe('application/json')
    expect(response.text).toBe('{"orderRef": "')
  })

  it('a slow rule answers normally after the delay', async () => {
    env.simulator.faults.add({ endpoint: 'auth', times: 1, fault: { kind: 'slow', delayMs: 150 } })
    const started = performance.now()
    const response = await post('auth', { endUserIp: '127.0.0.1' })
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
    expect(response.status).toBe(200)
    await vi.waitFor(() => expect(env.simulator.log.list()).toMatchObject([{ endpoint: 'auth', fault: 'slow', status: 200 }]))
  })

  it('drop closes the connection without an answer, and logs no status', async () => {
    env.simulator.faults.add({ endpoint: 'collect', times: 1, fault: { kind: 'drop' } })
    await expect(post('collect', { orderRef: 'x' })).rejects.toMatchObject({ code: 'ECONNRESET' })
    expect(env.simulator.log.list()).toMatchObject([{ endpoint: 'collect', orderRef: 'x', status: null, fault: 'drop' }])
  })
})

describe('closing the simulator with requests in flight', () => {
  const rpOf = (own: TestSimulator): RawTls => ({
    ca: own.simulator.pki.serverCaPem,
    pfx: readFileSync(own.simulator.pki.clientP12Path),
    passphrase: CLIENT_PASSPHRASE,
  })
  /** Ref'd timers: what would keep the process alive. */
  const timers = () => process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length
  /** Waits without timers of its own, so `timers()` counts only what the simulator holds. */
  async function untilLogged(own: TestSimulator, count: number): Promise<void> {
    const deadline = performance.now() + 5_000
    while (own.simulator.log.list().length < count) {
      if (performance.now() > deadline) throw new Error('the request never reached the simulator')
      await new Promise((resolve) => setImmediate(resolve))
    }
  }

  it('close() resolves promptly while a request hangs, and ends that request', async () => {
    const own = await startTestSimulator()
    let closed = false
    try {
      own.simulator.faults.add({ endpoint: 'collect', fault: { kind: 'hang' } })
      const pending = postJson(`${own.simulator.rpBaseUrl}collect`, rpOf(own), { orderRef: 'x' }).then(
        () => 'answered',
        (error: NodeJS.ErrnoException) => error.code,
      )
      await untilLogged(own, 1)
      const started = performance.now()
      await own.close()
      closed = true
      expect(performance.now() - started).toBeLessThan(500)
      expect(await pending).toBe('ECONNRESET')
      expect(own.simulator.log.list()).toMatchObject([{ endpoint: 'collect', fault: 'hang', status: null }])
    } finally {
      if (!closed) await own.close()
    }
  })

  it('a 60 s slow request neither delays close() nor leaves its timer running', async () => {
    const own = await startTestSimulator()
    let closed = false
    try {
      own.simulator.faults.add({ endpoint: 'auth', fault: { kind: 'slow', delayMs: 60_000 } })
      const pending = postJson(`${own.simulator.rpBaseUrl}auth`, rpOf(own), { endUserIp: '127.0.0.1' }).then(
        () => 'answered',
        (error: NodeJS.ErrnoException) => error.code,
      )
      await untilLogged(own, 1)
      const during = timers() // includes the slow rule's 60 s timer
      expect(during).toBeGreaterThanOrEqual(1)
      const started = performance.now()
      await own.close()
      closed = true
      expect(performance.now() - started).toBeLessThan(500)
      expect(timers()).toBe(during - 1)
      expect(await pending).toBe('ECONNRESET')
      expect(own.simulator.orders.size).toBe(0) // the delayed /auth never ran
    } finally {
      if (!closed) await own.close()
    }
  })
})

describe('the request log', () => {
  it('records endpoint, time, orderRef, status and fault kind of each request', async () => {
    const personalNumber = freshPersonalNumber()
    const t0 = env.clock.now()
    const { orderRef } = await startOrder({ requirement: { personalNumber } })
    env.clock.advance(2_000)
    await post('collect', { orderRef })
    env.simulator.faults.add({ endpoint: 'collect', times: 1, fault: { kind: 'maintenance' } })
    env.clock.advance(2_000)
    await post('collect', { orderRef })
    await post('cancel', { orderRef })
    await post('collect', { orderRef })
    await post('sign', { endUserIp: 'nowhere' })

    await vi.waitFor(() => expect(env.simulator.log.list().every((record) => record.status !== null)).toBe(true))
    expect(env.simulator.log.list()).toEqual([
      // The request that created an order is filed under it.
      { endpoint: 'auth', at: t0, orderRef, status: 200, fault: null },
      { endpoint: 'collect', at: t0 + 2_000, orderRef, status: 200, fault: null },
      { endpoint: 'collect', at: t0 + 4_000, orderRef, status: 503, fault: 'maintenance' },
      { endpoint: 'cancel', at: t0 + 4_000, orderRef, status: 200, fault: null },
      { endpoint: 'collect', at: t0 + 4_000, orderRef, status: 400, fault: null },
      { endpoint: 'sign', at: t0 + 4_000, orderRef: null, status: 400, fault: null },
    ])
    expect(env.simulator.log.list({ endpoint: 'collect' })).toHaveLength(3)
    expect(env.simulator.log.list({ orderRef })).toHaveLength(5)
    expect(env.simulator.log.list({ endpoint: 'cancel', orderRef })).toHaveLength(1)
  })

  it('never holds a request body: no personal number, no visible text, no IP address', async () => {
    const personalNumber = freshPersonalNumber()
    const userVisibleData = Buffer.from('Hemlig text för loggen').toString('base64')
    const { orderRef } = await startOrder({ endUserIp: '198.51.100.23', userVisibleData, requirement: { personalNumber } })
    await post('collect', { orderRef })
    // A refused body too: the log must not keep what it could not use.
    await post('auth', { endUserIp: '198.51.100.23', personalNumber })
    expect(env.simulator.log.list()).toHaveLength(3)
    const logged = JSON.stringify(env.simulator.log.list())
    for (const secret of [personalNumber, userVisibleData, '198.51.100.23', 'Hemlig']) expect(logged).not.toContain(secret)
  })

  it('keeps only the newest records up to its maximum', () => {
    const log = new RequestLog(3)
    for (let at = 1; at <= 5; at++) log.add({ endpoint: 'collect', at, orderRef: null, status: 200, fault: null })
    expect(log.list().map((record) => record.at)).toEqual([3, 4, 5])
    log.clear()
    expect(log.list()).toEqual([])
  })
})

describe('regressions', () => {
  it('an unparseable request target is 404 notFound, not a BankID internal error', async () => {
    const raw = await new Promise<number>((resolve, reject) => {
      // A request line node's URL parser rejects; sent over TLS by hand.
      import('node:tls').then(({ connect }) => {
        const socket = connect({ host: '127.0.0.1', port: Number(new URL(env.simulator.rpBaseUrl).port), ...rp, servername: 'localhost' }, () =>
          socket.end('POST http://[::1/rp/v6.0/auth HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}'),
        )
        let text = ''
        socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
        socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)))
        socket.on('error', reject)
      }, reject)
    })
    expect(raw).toBe(404)
  })

  it.each([
    ['1.2.*', 400],
    ['1.2.752.*', 400],
    ['1.2.752.78.*', 200],
    ['1.2.752.78.1.5', 200],
  ])('certificate policy %s → %i (a * only from the fifth component)', async (oid, status) => {
    const response = await post('auth', { endUserIp: '127.0.0.1', requirement: { certificatePolicies: [oid] } })
    expect(response.status).toBe(status)
  })

  it.each(['HTTPS://Ex ample!', 'EXAMPLE.COM', 'ab'])('web.referringDomain %j is refused', async (referringDomain) => {
    expectError(await post('auth', { endUserIp: '127.0.0.1', web: { referringDomain } }), 400, 'invalidParameters', 'Invalid web')
  })

  it('a hint-code fault is not used up by a collect without an order reference', async () => {
    env.simulator.faults.add({ endpoint: 'collect', times: 1, fault: { kind: 'hintCode', hintCode: 'x', status: 'pending' } })
    expectError(await post('collect', {}), 400, 'invalidParameters', 'Invalid orderRef')
    expect(env.simulator.faults.list()).toHaveLength(1)
  })
})
