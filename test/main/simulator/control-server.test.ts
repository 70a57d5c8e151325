// The simulator's loopback control side over real HTTP: the simulated app page, its JSON API, and
// the protections that keep another web page (or a rebound DNS name) from driving it.
import http from 'node:http'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { qrPayload } from '../../../src/main/bankid/qr'
import { APP_PAGE_CSS, APP_PAGE_HTML, APP_PAGE_JS } from '../../../src/main/simulator/app-page'
import type { OrderRequirement } from '../../../src/main/simulator/order-book'
import { startTestSimulator } from '../../support/simulator'
import type { TestSimulator } from '../../support/simulator'

const RP = 'control-test-rp'
const ANNA = '199001012385'
const MOHAMMED = '198505152382'

let env: TestSimulator
let appUrl: URL

beforeAll(async () => {
  env = await startTestSimulator()
  appUrl = new URL(env.simulator.appUrl)
})
afterAll(() => env.close())
afterEach(() => {
  const { orders, faults, people, log } = env.simulator
  orders.clear()
  faults.clear()
  people.reset()
  log.clear()
  orders.conflictCancelsExisting = true
})

interface Reply {
  status: number
  body: unknown
  headers: Headers
}

async function api(method: string, path: string, body?: unknown): Promise<Reply> {
  const response = await fetch(new URL(path, appUrl), {
    method,
    ...(method === 'GET' ? {} : { headers: { 'Content-Type': 'application/json' } }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined, headers: response.headers }
}

/** A raw request with any Host and headers (fetch will not let us set Host). */
function rawRequest(
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: appUrl.hostname,
        port: appUrl.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers ?? {},
        agent: false,
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

function createOrder(requirement: OrderRequirement = {}) {
  const result = env.simulator.orders.create({
    type: 'auth',
    clientId: RP,
    endUserIp: '127.0.0.1',
    requirement,
    returnRisk: false,
  })
  if (!result.ok) throw new Error(result.error.details)
  return result.value
}

const collect = (orderRef: string) => env.simulator.orders.collect(orderRef, RP)

describe('the simulated app page', () => {
  it('GET / serves the page with a strict Content-Security-Policy', async () => {
    const response = await fetch(appUrl)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    const csp = response.headers.get('content-security-policy') ?? ''
    const directives = new Map(
      csp.split(';').map((part) => {
        const [name = '', ...values] = part.trim().split(/\s+/)
        return [name, values.join(' ')] as const
      }),
    )
    expect(directives.get('default-src')).toBe("'none'")
    expect(directives.get('script-src')).toBe("'self'")
    expect(directives.get('style-src')).toBe("'self'")
    expect(directives.get('connect-src')).toBe("'self'")
    expect(directives.get('frame-ancestors')).toBe("'none'")
    expect(directives.get('form-action')).toBe("'none'")
    expect(directives.get('base-uri')).toBe("'none'")
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/)
    expect(await response.text()).toBe(APP_PAGE_HTML)
  })

  it('the page has no inline script, event handler or style the CSP would have to allow', async () => {
    const html = await (await fetch(appUrl)).text()
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)]
    expect(scripts.length).toBeGreaterThan(0)
    for (const [, attributes = '', content] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/app\.js"/)
      expect(content).toBe('')
    }
    expect(html).not.toMatch(/\son[a-z]+\s*=/i)
    expect(html).not.toMatch(/<style\b|\sstyle\s*=/i)
    expect(html).not.toMatch(/javascript:/i)
  })

  it.each([
    ['/app.js', 'text/javascript; charset=utf-8', APP_PAGE_JS],
    ['/app.css', 'text/css; charset=utf-8', APP_PAGE_CSS],
  ])('serves %s', async (path, type, body) => {
    const response = await fetch(new URL(path, appUrl))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe(type)
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(await response.text()).toBe(body)
  })

  it('the script renders data as text, never as HTML', () => {
    expect(APP_PAGE_JS).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/)
  })
})

describe('protections', () => {
  it.each(['evil.example', 'evil.example:PORT', '127.0.0.1', '127.0.0.1:1', 'localhost.evil.example:PORT'])(
    'a request with Host "%s" is 421',
    async (hostTemplate) => {
      const host = hostTemplate.replace('PORT', appUrl.port)
      for (const path of ['/', '/api/orders']) {
        const response = await rawRequest({ path, headers: { Host: host } })
        expect({ status: response.status, body: JSON.parse(response.text) as unknown }).toEqual({
          status: 421,
          body: { error: 'Wrong host' },
        })
      }
    },
  )

  it('a 421 changes nothing', async () => {
    env.simulator.faults.add({ fault: { kind: 'maintenance' } })
    const response = await rawRequest({
      method: 'POST',
      path: '/api/reset',
      headers: { Host: 'evil.example', 'Content-Type': 'application/json' },
      body: '{}',
    })
    expect(response.status).toBe(421)
    expect(env.simulator.faults.list()).toHaveLength(1)
  })

  it('accepts Host localhost:<port> as well as 127.0.0.1:<port>', async () => {
    for (const host of [`localhost:${appUrl.port}`, `127.0.0.1:${appUrl.port}`]) {
      expect((await rawRequest({ path: '/api/orders', headers: { Host: host } })).status).toBe(200)
    }
  })

  it.each([
    ['no Content-Type', undefined],
    ['text/plain (what a cross-site form or a simple fetch may send)', 'text/plain'],
    ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded'],
    ['multipart/form-data', 'multipart/form-data; boundary=x'],
  ])('a POST with %s is 415 and does nothing', async (_name, contentType) => {
    env.simulator.faults.add({ fault: { kind: 'maintenance' } })
    const response = await rawRequest({
      method: 'POST',
      path: '/api/reset',
      headers: { Host: appUrl.host, ...(contentType ? { 'Content-Type': contentType } : {}) },
      body: '{}',
    })
    expect({ status: response.status, body: JSON.parse(response.text) as unknown }).toEqual({
      status: 415,
      body: { error: 'Send JSON' },
    })
    expect(env.simulator.faults.list()).toHaveLength(1)
  })

  it('answers with no CORS headers, so other origins cannot read the API', async () => {
    const response = await fetch(new URL('/api/orders', appUrl), { headers: { Origin: 'https://evil.example' } })
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
    expect(response.headers.get('cache-control')).toBe('no-store')
  })

  it('a body that is not JSON is 400; one over 64 KiB is 413', async () => {
    const headers = { Host: appUrl.host, 'Content-Type': 'application/json' }
    const notJson = await rawRequest({ method: 'POST', path: '/api/config', headers, body: '{nope' })
    expect({ status: notJson.status, text: notJson.text }).toEqual({ status: 400, text: '{"error":"Body is not JSON"}' })
    const body = JSON.stringify({ payload: 'x'.repeat(64 * 1024) })
    const tooLarge = await rawRequest({ method: 'POST', path: '/api/scan', headers, body })
    expect({ status: tooLarge.status, text: tooLarge.text }).toEqual({ status: 413, text: '{"error":"Body too large"}' })
  })

  it('an unknown route is 404, a known one with the wrong method 405', async () => {
    expect(await api('GET', '/api/nothing')).toMatchObject({ status: 404, body: { error: 'Not found' } })
    expect(await api('GET', '/favicon.ico')).toMatchObject({ status: 404, body: { error: 'Not found' } })
    expect(await api('POST', '/api/orders/x/unknown-action', {})).toMatchObject({ status: 404 })
    expect(await api('DELETE', '/api/faults/abc')).toMatchObject({ status: 404 })
    expect(await api('POST', '/api/people/123/unblock', {})).toMatchObject({ status: 404 })
    for (const [method, path] of [
      ['PUT', '/api/orders'],
      ['DELETE', '/api/orders'],
      ['GET', '/api/scan'],
      ['GET', '/api/reset'],
      ['GET', '/api/orders/x/code'],
      ['PATCH', '/api/faults/1'],
    ] as const) {
      expect(await api(method, path), `${method} ${path}`).toMatchObject({ status: 405, body: { error: 'Method not allowed' } })
    }
  })
})

describe('driving orders', () => {
  it('/api/scan with the payload the kiosk shows picks the order up', async () => {
    const order = createOrder()
    env.clock.advance(4_200)
    const payload = qrPayload(order.qrStartToken, order.qrStartSecret, 4)
    expect(await api('POST', '/api/scan', { payload })).toEqual(
      expect.objectContaining({ status: 200, body: { orderRef: order.orderRef } }),
    )
    expect(collect(order.orderRef)).toMatchObject({ ok: true, value: { status: 'pending', hintCode: 'userSign' } })
  })

  it('/api/scan as a given person, and refusals as 409 with the reason', async () => {
    const order = createOrder()
    env.clock.advance(10_000)
    const stale = qrPayload(order.qrStartToken, order.qrStartSecret, 5)
    expect(await api('POST', '/api/scan', { payload: stale })).toMatchObject({
      status: 409,
      body: { error: 'The QR code is too old' },
    })
    const current = qrPayload(order.qrStartToken, order.qrStartSecret, 10)
    expect(await api('POST', '/api/scan', { payload: current, personalNumber: MOHAMMED })).toMatchObject({ status: 200 })
    expect(env.simulator.orders.list()[0]).toMatchObject({ personalNumber: MOHAMMED })
    expect(await api('POST', '/api/scan', { payload: current })).toMatchObject({
      status: 409,
      body: { error: 'The order has already been picked up' },
    })
  })

  it.each([
    ['no payload', {}, /^payload: /],
    ['an empty payload', { payload: '' }, /^payload: /],
    ['a payload over 512 characters', { payload: 'x'.repeat(513) }, /^payload: /],
    ['a bad personalNumber', { payload: 'bankid.x.0.y', personalNumber: '19900101-2385' }, /^personalNumber: /],
    ['an unknown key', { payload: 'bankid.x.0.y', camera: 'front' }, /camera/],
  ])('/api/scan with %s is 400 naming the field', async (_name, body, message) => {
    const reply = await api('POST', '/api/scan', body)
    expect(reply.status).toBe(400)
    expect((reply.body as { error: string }).error).toMatch(message)
  })

  it('/api/orders/:ref/scan-current scans the frame of this second', async () => {
    const order = createOrder()
    env.clock.advance(7_500)
    expect(await api('POST', `/api/orders/${order.orderRef}/scan-current`, {})).toMatchObject({
      status: 200,
      body: { orderRef: order.orderRef },
    })
    expect(env.simulator.orders.list()[0]).toMatchObject({ stage: 'awaiting-code', personalNumber: ANNA })
    expect(await api('POST', '/api/orders/no-such-order/scan-current')).toMatchObject({
      status: 404,
      body: { error: 'No such order' },
    })
  })

  it('scan-current with a personalNumber, and 400 for a bad one', async () => {
    const order = createOrder()
    expect(await api('POST', `/api/orders/${order.orderRef}/scan-current`, { personalNumber: '123' })).toMatchObject({
      status: 400,
    })
    expect(await api('POST', `/api/orders/${order.orderRef}/scan-current`, { personalNumber: MOHAMMED })).toMatchObject({
      status: 200,
    })
    expect(env.simulator.orders.list()[0]).toMatchObject({ personalNumber: MOHAMMED })
  })

  it('/code: a wrong code gives attemptsLeft, the right one completes', async () => {
    const order = createOrder()
    await api('POST', `/api/orders/${order.orderRef}/scan-current`, {})
    expect(await api('POST', `/api/orders/${order.orderRef}/code`, { code: '000000' })).toMatchObject({
      status: 200,
      body: { result: 'wrong', attemptsLeft: 3 },
    })
    expect(await api('POST', `/api/orders/${order.orderRef}/code`, { code: '123456' })).toMatchObject({
      status: 200,
      body: { result: 'complete', attemptsLeft: 4 },
    })
    expect(collect(order.orderRef)).toMatchObject({ ok: true, value: { status: 'complete' } })
    expect(await api('POST', `/api/orders/${order.orderRef}/code`, { code: '123456' })).toMatchObject({
      status: 409,
      body: { error: 'No such order' },
    })
  })

  it('/code with a non-string code is 400 naming code', async () => {
    const reply = await api('POST', '/api/orders/x/code', { code: 123456 })
    expect(reply.status).toBe(400)
    expect((reply.body as { error: string }).error).toMatch(/^code: /)
    expect(await api('POST', '/api/orders/x/code', {})).toMatchObject({ status: 400 })
  })

  it('/cancel is the user pressing cancel in the app', async () => {
    const order = createOrder()
    expect(await api('POST', `/api/orders/${order.orderRef}/cancel`)).toMatchObject({
      status: 200,
      body: { orderRef: order.orderRef, status: 'failed', hintCode: 'userCancel' },
    })
    expect(collect(order.orderRef)).toMatchObject({ ok: true, value: { status: 'failed', hintCode: 'userCancel' } })
    expect(await api('POST', `/api/orders/${order.orderRef}/cancel`)).toMatchObject({ status: 409 })
  })

  it('/fail ends the order with any hint code, and refuses a malformed one', async () => {
    const order = createOrder()
    const bad = await api('POST', `/api/orders/${order.orderRef}/fail`, { hintCode: 'not a code!' })
    expect(bad.status).toBe(400)
    expect((bad.body as { error: string }).error).toMatch(/^hintCode: /)
    expect(await api('POST', `/api/orders/${order.orderRef}/fail`, { hintCode: 'brandNewFailure' })).toMatchObject({
      status: 200,
      body: { status: 'failed', hintCode: 'brandNewFailure' },
    })
    expect(collect(order.orderRef)).toMatchObject({ ok: true, value: { status: 'failed', hintCode: 'brandNewFailure' } })
  })

  it('/mrtd is the user scanning their ID document', async () => {
    const order = createOrder({ mrtd: true })
    expect(await api('POST', `/api/orders/${order.orderRef}/mrtd`)).toMatchObject({ status: 409 }) // not picked up
    await api('POST', `/api/orders/${order.orderRef}/scan-current`, {})
    expect(collect(order.orderRef)).toMatchObject({ ok: true, value: { hintCode: 'userMrtd' } })
    expect(await api('POST', `/api/orders/${order.orderRef}/mrtd`)).toMatchObject({
      status: 200,
      body: { stage: 'awaiting-code', hintCode: 'userSign', mrtd: true },
    })
    expect(await api('POST', `/api/orders/${order.orderRef}/mrtd`)).toMatchObject({ status: 409 })
  })

  it('decodes percent-encoded order references', async () => {
    const order = createOrder()
    const encoded = order.orderRef.replace(/-/g, '%2D')
    expect(await api('POST', `/api/orders/${encoded}/cancel`)).toMatchObject({ status: 200 })
  })

  it('GET /api/orders never exposes qrStartSecret, qrStartToken or autoStartToken', async () => {
    const orders = [createOrder(), createOrder({ mrtd: true })]
    await api('POST', `/api/orders/${orders[1]?.orderRef ?? ''}/scan-current`, {})
    const reply = await api('GET', '/api/orders')
    expect(reply.status).toBe(200)
    const text = JSON.stringify(reply.body)
    for (const order of orders) {
      for (const secret of [order.qrStartSecret, order.qrStartToken, order.autoStartToken]) {
        expect(text).not.toContain(secret)
      }
    }
    expect(text).not.toMatch(/qrStart|autoStart|secret|token/i)
    expect((reply.body as unknown[]).map((view) => (view as { orderRef: string }).orderRef)).toEqual(
      orders.map((order) => order.orderRef),
    )
  })
})

describe('people, faults, config, log and reset', () => {
  it('POST /api/people adds a person (default code 123456) and GET lists them', async () => {
    const person = { personalNumber: '200001012384', givenName: 'Karin', surname: 'Lind' }
    expect(await api('POST', '/api/people', person)).toMatchObject({
      status: 200,
      body: { ...person, securityCode: '123456' },
    })
    const list = (await api('GET', '/api/people')).body as Array<Record<string, unknown>>
    expect(list).toContainEqual({ ...person, securityCode: '123456', blocked: false, wrongCodesInARow: 0 })
    // And replaces one with the same number.
    await api('POST', '/api/people', { ...person, givenName: 'Karolina', securityCode: '2468' })
    expect(env.simulator.people.get(person.personalNumber)).toMatchObject({ givenName: 'Karolina', securityCode: '2468' })
  })

  it.each([
    ['a bad personalNumber', { personalNumber: '1', givenName: 'A', surname: 'B' }, /^personalNumber: /],
    ['an empty givenName', { personalNumber: '200001012384', givenName: '', surname: 'B' }, /^givenName: /],
    ['a short security code', { personalNumber: '200001012384', givenName: 'A', surname: 'B', securityCode: '12' }, /^securityCode: /],
    ['an unknown key', { personalNumber: '200001012384', givenName: 'A', surname: 'B', blocked: true }, /blocked/],
  ])('POST /api/people with %s is 400 naming the field', async (_name, body, message) => {
    const reply = await api('POST', '/api/people', body)
    expect(reply.status).toBe(400)
    expect((reply.body as { error: string }).error).toMatch(message)
  })

  it('POST /api/people/:pnr/unblock unblocks', async () => {
    const order = createOrder({ personalNumber: MOHAMMED })
    await api('POST', `/api/orders/${order.orderRef}/scan-current`, {})
    for (let i = 0; i < 4; i++) await api('POST', `/api/orders/${order.orderRef}/code`, { code: '000000' })
    expect(env.simulator.people.isBlocked(MOHAMMED)).toBe(true)
    expect(await api('POST', `/api/people/${MOHAMMED}/unblock`, {})).toMatchObject({ status: 200, body: {} })
    expect(env.simulator.people.isBlocked(MOHAMMED)).toBe(false)
    const people = (await api('GET', '/api/people')).body as Array<{ personalNumber: string; blocked: boolean }>
    expect(people.find((person) => person.personalNumber === MOHAMMED)).toMatchObject({ blocked: false, wrongCodesInARow: 0 })
  })

  it('faults: add, list, delete by id, clear', async () => {
    const added = await api('POST', '/api/faults', { fault: { kind: 'maintenance' }, endpoint: 'collect', times: 2 })
    expect(added).toMatchObject({
      status: 200,
      body: { fault: { kind: 'maintenance' }, endpoint: 'collect', remaining: 2 },
    })
    const { id } = added.body as { id: number }
    const defaulted = await api('POST', '/api/faults', { fault: { kind: 'slow', delayMs: 10 } })
    expect(defaulted.body).toMatchObject({ endpoint: '*', remaining: null })
    expect(((await api('GET', '/api/faults')).body as unknown[]).length).toBe(2)
    expect(env.simulator.faults.list()).toHaveLength(2)

    expect(await api('DELETE', `/api/faults/${id}`)).toMatchObject({ status: 200, body: {} })
    expect(await api('DELETE', `/api/faults/${id}`)).toMatchObject({ status: 404, body: { error: 'No such fault' } })
    expect(env.simulator.faults.list().map((rule) => rule.fault.kind)).toEqual(['slow'])

    await api('POST', '/api/faults', { fault: { kind: 'drop' }, orderRef: 'abc' })
    expect(await api('DELETE', '/api/faults')).toMatchObject({ status: 200, body: {} })
    expect(await api('GET', '/api/faults')).toMatchObject({ status: 200, body: [] })
  })

  it.each([
    ['an unknown kind', { fault: { kind: 'explode' } }, /^fault/],
    ['an unknown endpoint', { fault: { kind: 'drop' }, endpoint: 'phone/auth' }, /^endpoint: /],
    ['times 0', { fault: { kind: 'drop' }, times: 0 }, /^times: /],
    ['a delay over 10 minutes', { fault: { kind: 'slow', delayMs: 600_001 } }, /^fault\.delayMs: /],
    ['an HTTP status below 400', { fault: { kind: 'errorResponse', errorCode: 'x', httpStatus: 200 } }, /^fault\.httpStatus: /],
    ['a malformed hint code', { fault: { kind: 'hintCode', hintCode: 'a b', status: 'pending' } }, /^fault\.hintCode: /],
    ['no body', undefined, /^fault: /],
  ])('POST /api/faults with %s is 400 naming the field', async (_name, body, message) => {
    const reply = await api('POST', '/api/faults', body)
    expect(reply.status).toBe(400)
    expect((reply.body as { error: string }).error).toMatch(message)
    expect(env.simulator.faults.list()).toEqual([])
  })

  it('/api/config sets conflictCancelsExisting; a bad value is 400', async () => {
    expect(await api('POST', '/api/config', { conflictCancelsExisting: false })).toMatchObject({
      status: 200,
      body: { conflictCancelsExisting: false },
    })
    expect(env.simulator.orders.conflictCancelsExisting).toBe(false)
    const first = createOrder({ personalNumber: MOHAMMED })
    expect(env.simulator.orders.create({ type: 'auth', clientId: RP, endUserIp: '::1', requirement: { personalNumber: MOHAMMED }, returnRisk: false }).ok).toBe(false)
    expect(collect(first.orderRef)).toMatchObject({ ok: true, value: { status: 'pending' } })

    const bad = await api('POST', '/api/config', { conflictCancelsExisting: 'no' })
    expect(bad.status).toBe(400)
    expect((bad.body as { error: string }).error).toMatch(/^conflictCancelsExisting: /)
    expect(env.simulator.orders.conflictCancelsExisting).toBe(false)
  })

  it('GET /api/requests is the request log', async () => {
    env.simulator.log.add({ endpoint: 'collect', at: 5, orderRef: 'abc', status: 200, fault: null })
    expect(await api('GET', '/api/requests')).toMatchObject({
      status: 200,
      body: [{ endpoint: 'collect', at: 5, orderRef: 'abc', status: 200, fault: null }],
    })
  })

  it('/api/reset clears orders, faults, people, the log and the config', async () => {
    const order = createOrder({ personalNumber: MOHAMMED })
    await api('POST', `/api/orders/${order.orderRef}/scan-current`, {})
    for (let i = 0; i < 4; i++) await api('POST', `/api/orders/${order.orderRef}/code`, { code: '000000' })
    createOrder()
    await api('POST', '/api/faults', { fault: { kind: 'drop' } })
    await api('POST', '/api/people', { personalNumber: '200001012384', givenName: 'Karin', surname: 'Lind' })
    await api('POST', '/api/config', { conflictCancelsExisting: false })
    env.simulator.log.add({ endpoint: 'auth', at: 1, orderRef: null, status: 200, fault: null })
    const builtIn = (await api('GET', '/api/people')).body as Array<{ personalNumber: string }>
    expect(builtIn.length).toBe(4)

    expect(await api('POST', '/api/reset')).toMatchObject({ status: 200, body: {} })

    expect(await api('GET', '/api/orders')).toMatchObject({ body: [] })
    expect(await api('GET', '/api/faults')).toMatchObject({ body: [] })
    expect(await api('GET', '/api/requests')).toMatchObject({ body: [] })
    const people = (await api('GET', '/api/people')).body as Array<{ personalNumber: string; blocked: boolean }>
    expect(people.map((person) => person.personalNumber)).toEqual([ANNA, MOHAMMED, '197703072384'])
    expect(people.every((person) => !person.blocked)).toBe(true)
    expect(env.simulator.orders.conflictCancelsExisting).toBe(true)
  })
})

describe('requests it cannot make sense of', () => {
  const host = () => ({ Host: appUrl.host, 'Content-Type': 'application/json' })
  it.each([
    ['a bad percent-escape in an order reference', 'POST', '/api/orders/%/cancel'],
    ['an unparseable request target', 'GET', 'http://[::1/api/orders'],
  ])('%s is a 400, and the simulator keeps running', async (_name, method, path) => {
    expect((await rawRequest({ method, path, headers: host(), body: '{}' })).status).toBe(400)
    expect((await api('GET', '/api/orders')).status).toBe(200)
  })

  it('DELETE needs no body or content type (it cannot be sent cross-site without a preflight)', async () => {
    await api('POST', '/api/faults', { fault: { kind: 'hang' } })
    expect((await rawRequest({ method: 'DELETE', path: '/api/faults', headers: { Host: appUrl.host } })).status).toBe(200)
    expect((await api('GET', '/api/faults')).body).toEqual([])
  })
})
