// The browser host against the real session and the BankID simulator: a scripted renderer over a
// real WebSocket (with the headers a browser sends, or deliberately wrong ones), and raw HTTP.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { BrowserHost, SessionPort } from '../../../src/main/browser-host/server'
import {
  CONTENT_SECURITY_POLICY,
  MAX_MESSAGES_PER_SECOND,
  MAX_REJECTS,
  REPLACED_CLOSE_CODE,
  startBrowserHost,
} from '../../../src/main/browser-host/server'
import type { Intent, Screen, Snapshot } from '../../../src/shared/contract'
import { MAX_INTENT_BYTES } from '../../../src/shared/contract'
import type { BridgeClient, BridgeOptions } from '../../support/bridge-client'
import { BRIDGE_PROTOCOL, connectBridge, rawHttp, sleep, tokenOf, TOKEN_PROTOCOL_PREFIX } from '../../support/bridge-client'
import { decodeQrSvg } from '../../support/qr-decode'
import type { SessionHarness } from '../../support/session-harness'
import { startSessionHarness } from '../../support/session-harness'
import { freshPersonalNumber } from '../../support/simulator'

interface HostLog {
  level: string
  event: string
  fields?: Record<string, unknown> | undefined
}

let h: SessionHarness
let host: BrowserHost
let workDir: string
let rendererDir: string
let hostLogs: HostLog[]
let calls: { dispatched: Intent[]; rendererGone: number }
const clients: BridgeClient[] = []

/** The session as the host sees it, counting what reaches it. */
const sessionPort: SessionPort = {
  subscribe: (listener) => h.session.subscribe(listener),
  dispatch: (intent) => {
    calls.dispatched.push(intent)
    h.session.dispatch(intent)
  },
  rendererGone: () => {
    calls.rendererGone += 1
    h.session.rendererGone()
  },
}

beforeAll(async () => {
  h = await startSessionHarness()
  workDir = mkdtempSync(join(tmpdir(), 'browser-host-'))
  // A secret beside the renderer folder: what a traversal would be after.
  writeFileSync(join(workDir, 'secret.txt'), 'TOP-SECRET-CONTENT')
  writeFileSync(join(workDir, 'package.json'), '{"name":"TOP-SECRET-CONTENT"}')
  rendererDir = join(workDir, 'renderer')
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>kiosk</title><script type="module" src="./assets/x.js"></script>')
  writeFileSync(join(rendererDir, 'assets', 'x.js'), 'export const x = 1\n')
  writeFileSync(join(rendererDir, 'assets', 'style.css'), 'body{}\n')
  writeFileSync(join(rendererDir, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
  writeFileSync(join(rendererDir, 'assets', 'font.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]))
  writeFileSync(join(rendererDir, '.env'), 'TOP-SECRET-CONTENT')
  symlinkSync(join(workDir, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'))
})
afterAll(async () => {
  await h.close()
  rmSync(workDir, { recursive: true, force: true })
})
beforeEach(async () => {
  h.newSession()
  h.logs.length = 0
  h.outcomes.length = 0
  hostLogs = []
  calls = { dispatched: [], rendererGone: 0 }
  host = await startBrowserHost({
    session: sessionPort,
    rendererDir,
    log: (level, event, fields) => hostLogs.push({ level, event, fields }),
  })
})
afterEach(async () => {
  for (const client of clients.splice(0)) client.ws.terminate()
  await host.close()
  await h.session.dispose()
  h.env.simulator.faults.clear()
  h.env.simulator.log.clear()
})

const sim = () => h.env.simulator
const port = () => new URL(host.origin).port

function connect(options: BridgeOptions = {}): BridgeClient {
  const client = connectBridge(host.url, options)
  clients.push(client)
  return client
}

/** A connected renderer that has had its first snapshot. */
async function renderer(options: BridgeOptions = {}): Promise<BridgeClient> {
  const client = connect(options)
  expect(await client.outcome).toEqual({ open: true })
  await client.waitFor(() => true)
  return client
}

const isScreen = (name: Screen['name']) => (snapshot: Snapshot) => snapshot.screen.name === name

async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await sleep(5)
  }
}

/** begin + start over the bridge, then the QR the renderer was sent. */
async function startLogin(client: BridgeClient, personalNumber: string): Promise<string> {
  client.sendJson({ type: 'intent', intent: { type: 'begin' } })
  await client.waitFor(isScreen('keypad'))
  client.sendJson({ type: 'intent', intent: { type: 'start', personnummer: personalNumber } })
  await client.waitFor(isScreen('starting'))
  await h.step(0)
  const waiting = await client.waitFor((s) => s.screen.name === 'waiting' && s.screen.qrSvg !== null)
  if (waiting.screen.name !== 'waiting' || !waiting.screen.qrSvg) throw new Error('no QR')
  return waiting.screen.qrSvg
}

const rejections = () => hostLogs.filter((entry) => entry.event === 'bridge.rejected')

describe('a login over the bridge', () => {
  it('welcome → keypad → QR (scanned off the snapshot) → app → logged in with the given name', async () => {
    const personalNumber = freshPersonalNumber()
    sim().people.upsert({ personalNumber, givenName: 'Fatima', surname: 'Hassan', securityCode: '123456' })
    const client = connect()
    expect(await client.outcome).toEqual({ open: true })
    expect(client.ws.protocol).toBe(BRIDGE_PROTOCOL)

    const first = await client.waitFor(() => true)
    expect(first.screen).toEqual({ name: 'welcome' })
    expect(first.schoolName).toBe('Testskolan')

    const qrSvg = await startLogin(client, personalNumber)
    const payload = decodeQrSvg(qrSvg)
    expect(payload).toMatch(/^bankid\.[0-9a-f-]{36}\.0\.[0-9a-f]{64}$/)
    const scanned = sim().orders.scan(payload ?? '')
    if (!scanned.ok) throw new Error(scanned.error.details)

    await h.step(2_000)
    await client.waitFor((s) => s.screen.name === 'waiting' && s.screen.qrSvg === null)
    expect(sim().orders.enterSecurityCode(scanned.value.orderRef, '123456')).toMatchObject({ ok: true })
    await h.step(2_000)

    const loggedIn = await client.waitFor(isScreen('logged-in'))
    expect(loggedIn.screen).toEqual({ name: 'logged-in', givenName: 'Fatima', secondsLeft: 8, secondsTotal: 8 })
    expect(h.outcomes).toEqual(['success'])
    // Every snapshot the session published reached the renderer, in order.
    const sequences = client.snapshots.map((s) => s.sequence)
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b))
    expect(client.snapshots.at(-1)).toEqual(h.latest())
    expect(rejections()).toEqual([])
  })

  it('the kiosk URL carries a fresh 32-byte token in the fragment, on 127.0.0.1', async () => {
    expect(host.origin).toBe(`http://127.0.0.1:${port()}`)
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port()}/#token=[A-Za-z0-9_-]{43}$`))
    const other = await startBrowserHost({ session: sessionPort, rendererDir })
    try {
      expect(tokenOf(other.url)).not.toBe(tokenOf(host.url))
      expect(other.origin).not.toBe(host.origin)
    } finally {
      await other.close()
    }
    expect(JSON.stringify(hostLogs)).not.toContain(tokenOf(host.url))
  })
})

describe('who may connect', () => {
  const refusals: [string, () => BridgeOptions, number, string][] = [
    ['a wrong token of the right length', () => ({ token: 'A'.repeat(43) }), 401, 'token'],
    ['a wrong token of another length', () => ({ token: 'nope' }), 401, 'token'],
    ['the token with one character changed', () => ({ token: `${tokenOf(host.url).slice(0, -1)}${tokenOf(host.url).endsWith('A') ? 'B' : 'A'}` }), 401, 'token'],
    ['no token', () => ({ token: null }), 401, 'no-token'],
    ['the token without the protocol name', () => ({ protocols: [TOKEN_PROTOCOL_PREFIX + tokenOf(host.url)] }), 401, 'no-token'],
    ['the right token under a foreign Origin', () => ({ origin: 'http://evil.example' }), 403, 'origin'],
    ['the right token from an opaque Origin', () => ({ origin: 'null' }), 403, 'origin'],
    ['the right token from another port on 127.0.0.1', () => ({ origin: 'http://127.0.0.1:1' }), 403, 'origin'],
    ['the right token with no Origin (not a browser page)', () => ({ origin: null }), 403, 'no-origin'],
    ['the right token and Origin with Host evil.example (DNS rebinding)', () => ({ host: `evil.example:${port()}` }), 421, 'host'],
  ]

  it.each(refusals)('refuses %s before any WebSocket exists', async (_name, options, status, reason) => {
    const before = h.snapshots.length
    const client = connect(options())
    const outcome = await client.outcome
    expect(outcome).toMatchObject({ open: false, status })
    if (!outcome.open) expect(outcome.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
    await sleep(100)
    expect(client.messages).toEqual([])
    expect(h.snapshots.length).toBe(before)
    expect(h.latest().screen).toEqual({ name: 'welcome' })
    expect(calls).toEqual({ dispatched: [], rendererGone: 0 })
    expect(hostLogs.filter((e) => e.event === 'bridge.refused')).toEqual([
      { level: 'warn', event: 'bridge.refused', fields: { status, reason } },
    ])
    expect(hostLogs.some((e) => e.event === 'bridge.connected')).toBe(false)
  })

  it('refuses a plain HTTP GET to /bridge (no upgrade): no snapshot, the session untouched', async () => {
    const before = h.snapshots.length
    const response = await rawHttp(host.origin, { path: '/bridge', headers: { Origin: host.origin } })
    expect(response.status).toBe(426)
    expect(response.text).not.toContain('snapshot')
    expect(response.text).not.toContain('welcome')
    expect(h.snapshots.length).toBe(before)
    expect(calls).toEqual({ dispatched: [], rendererGone: 0 })
  })

  it('refuses an upgrade anywhere but /bridge', async () => {
    const outcome = await new Promise<number>((resolve, reject) => {
      const req = rawUpgrade(`/bridge/../x`)
      req.on('response', (res) => resolve(res.statusCode ?? 0))
      req.on('upgrade', () => reject(new Error('upgraded')))
      req.on('error', reject)
      req.end()
    })
    expect(outcome).toBe(404)
    expect(calls.rendererGone).toBe(0)
  })

  it('accepts the page from http://localhost:PORT too, and never echoes the token back', async () => {
    // Token first: the server still answers with the protocol name only.
    const client = connect({
      origin: `http://localhost:${port()}`,
      host: `localhost:${port()}`,
      protocols: [TOKEN_PROTOCOL_PREFIX + tokenOf(host.url), BRIDGE_PROTOCOL],
    })
    expect(await client.outcome).toEqual({ open: true })
    expect(client.ws.protocol).toBe(BRIDGE_PROTOCOL)
    expect((await client.waitFor(() => true)).screen).toEqual({ name: 'welcome' })
  })
})

describe('what the bridge accepts', () => {
  const MARKER = '19900101SECRET'
  const garbage: [string, string | Buffer, string][] = [
    ['malformed JSON', `{"type":"intent","intent":{"type":"begin"}${MARKER}`, 'json'],
    ['a non-object', JSON.stringify(`${MARKER}`), 'not-object'],
    ['an array', JSON.stringify([{ type: 'intent', intent: { type: 'begin' } }]), 'not-object'],
    ['null', 'null', 'not-object'],
    ['an unknown message type', JSON.stringify({ type: 'snapshot', snapshot: { marker: MARKER } }), 'unknown-type'],
    ['extra keys on the envelope', JSON.stringify({ type: 'intent', intent: { type: 'begin' }, [MARKER]: 1 }), 'envelope'],
    ['an unknown intent type', JSON.stringify({ type: 'intent', intent: { type: MARKER } }), 'intent'],
    ['an intent with extra keys', JSON.stringify({ type: 'intent', intent: { type: 'begin', [MARKER]: true } }), 'intent'],
    ['set-language with a language not in the contract', JSON.stringify({ type: 'intent', intent: { type: 'set-language', language: 'de' } }), 'intent'],
    ['a start with a 33-character personnummer', JSON.stringify({ type: 'intent', intent: { type: 'start', personnummer: `${MARKER}`.repeat(3) } }), 'intent'],
    ['a binary frame', Buffer.from(JSON.stringify({ type: 'intent', intent: { type: 'begin' } })), 'binary'],
  ]

  it.each(garbage)('rejects %s: logged with a reason (never the payload), the connection stays open', async (_name, data, reason) => {
    const client = await renderer()
    const before = h.snapshots.length
    client.sendRaw(data)
    await until(() => rejections().length === 1)
    expect(rejections()[0]).toMatchObject({ level: 'warn', event: 'bridge.rejected', fields: { reason } })
    expect(JSON.stringify(hostLogs)).not.toContain(MARKER)
    expect(calls.dispatched).toEqual([])
    expect(h.snapshots.length).toBe(before)

    // Still open, still working.
    client.sendJson({ type: 'intent', intent: { type: 'begin' } })
    expect((await client.waitFor(isScreen('keypad'))).screen).toEqual({ name: 'keypad', fault: null })
    expect(client.ws.readyState).toBe(client.ws.OPEN)
  })

  it('closes a connection sending a 10 kB personnummer with 1009; the session is unharmed', async () => {
    const client = await renderer()
    const huge = JSON.stringify({ type: 'intent', intent: { type: 'start', personnummer: '1'.repeat(10_000) } })
    expect(Buffer.byteLength(huge)).toBeGreaterThan(MAX_INTENT_BYTES)
    client.sendRaw(huge)
    expect((await client.closed).code).toBe(1009)
    expect(rejections()).toMatchObject([{ fields: { reason: 'too-large' } }])
    expect(calls.dispatched).toEqual([])
    // That renderer is gone (it will reconnect); on the welcome screen there was nothing to wipe.
    await until(() => calls.rendererGone === 1)
    expect(h.latest().screen).toEqual({ name: 'welcome' })

    const fresh = await renderer()
    fresh.sendJson({ type: 'intent', intent: { type: 'begin' } })
    expect((await fresh.waitFor(isScreen('keypad'))).screen).toEqual({ name: 'keypad', fault: null })
  })

  it('a message of exactly MAX_INTENT_BYTES is read (and rejected as garbage), one byte more closes', async () => {
    const client = await renderer()
    const padded = (size: number) => {
      const base = JSON.stringify({ type: 'intent', intent: { type: 'begin' }, pad: '' })
      return JSON.stringify({ type: 'intent', intent: { type: 'begin' }, pad: 'x'.repeat(size - base.length) })
    }
    client.sendRaw(padded(MAX_INTENT_BYTES))
    await until(() => rejections().length === 1)
    expect(rejections()[0]?.fields).toMatchObject({ reason: 'envelope' })
    client.sendRaw(padded(MAX_INTENT_BYTES + 1))
    expect((await client.closed).code).toBe(1009)
  })

  it(`closes a connection that keeps sending garbage (more than ${MAX_REJECTS} rejects) with 1008`, async () => {
    const client = await renderer()
    for (let i = 0; i < MAX_REJECTS; i++) client.sendRaw('nonsense')
    await until(() => rejections().length === MAX_REJECTS)
    expect(client.ws.readyState).toBe(client.ws.OPEN)
    client.sendRaw('nonsense')
    expect((await client.closed).code).toBe(1008)
    expect(hostLogs.some((e) => e.event === 'bridge.closed-for-garbage')).toBe(true)
  })

  it(`drops messages beyond ${MAX_MESSAGES_PER_SECOND} a second without closing, and logs it once`, async () => {
    const client = await renderer()
    for (let i = 0; i < MAX_MESSAGES_PER_SECOND + 30; i++) client.sendJson({ type: 'intent', intent: { type: 'activity' } })
    await sleep(300)
    expect(calls.dispatched.length).toBeLessThanOrEqual(MAX_MESSAGES_PER_SECOND)
    expect(calls.dispatched.length).toBeGreaterThan(0)
    expect(rejections().filter((e) => e.fields?.reason === 'rate-limited')).toHaveLength(1)
    expect(client.ws.readyState).toBe(client.ws.OPEN)
    await sleep(1_000)
    client.sendJson({ type: 'intent', intent: { type: 'begin' } })
    await client.waitFor(isScreen('keypad'))
  })
})

describe('the renderer going away', () => {
  it('the socket closing mid-login → rendererGone → the order is cancelled and the parent forgotten', async () => {
    const client = await renderer()
    const personalNumber = freshPersonalNumber()
    await startLogin(client, personalNumber)
    const [order] = sim().orders.list().filter((o) => o.status === 'pending')
    expect(order).toBeDefined()

    await client.close()
    await until(() => calls.rendererGone === 1)
    await h.session.whenIdle()
    expect(sim().log.list({ endpoint: 'cancel' })).toHaveLength(1)
    expect(sim().orders.list().filter((o) => o.status === 'pending')).toEqual([])
    expect(h.latest().screen).toEqual({ name: 'welcome' })
    expect(h.outcomes).toEqual(['abandoned'])
    expect(JSON.stringify(h.session.snapshot())).not.toContain(personalNumber.slice(0, 8))
  })

  it('a second authenticated connection replaces the first: the first is closed, the login carries on', async () => {
    const first = await renderer()
    await startLogin(first, freshPersonalNumber())

    const second = connect()
    expect(await second.outcome).toEqual({ open: true })
    expect((await first.closed).code).toBe(REPLACED_CLOSE_CODE)
    // The newcomer is shown where the session is, and nothing was cancelled.
    const current = await second.waitFor(() => true)
    expect(current.screen.name).toBe('waiting')
    await sleep(50)
    expect(calls.rendererGone).toBe(0)
    expect(sim().log.list({ endpoint: 'cancel' })).toEqual([])
    expect(hostLogs.some((e) => e.event === 'bridge.replaced')).toBe(true)

    // Only the newcomer receives snapshots and drives the session.
    const firstCount = first.snapshots.length
    second.sendJson({ type: 'intent', intent: { type: 'cancel' } })
    await second.waitFor(isScreen('welcome'))
    expect(first.snapshots.length).toBe(firstCount)
    await h.session.whenIdle()
    expect(sim().log.list({ endpoint: 'cancel' })).toHaveLength(1)

    // When the newcomer goes, that is the renderer gone.
    await second.close()
    await until(() => calls.rendererGone === 1)
  })

  it('close() ends every connection promptly and counts as the renderer gone', async () => {
    const client = await renderer()
    await startLogin(client, freshPersonalNumber())
    // A keep-alive HTTP connection must not hold close() up either.
    await rawHttp(host.origin, { path: '/', headers: { Connection: 'keep-alive' } })
    const started = Date.now()
    await host.close()
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(calls.rendererGone).toBe(1)
    expect((await client.closed).code).toBe(1006)
    await h.session.whenIdle()
    expect(sim().log.list({ endpoint: 'cancel' })).toHaveLength(1)
    await host.close() // twice is fine
    const late = connect()
    await expect(late.outcome).rejects.toThrow(/ECONNREFUSED/)
  })
})

describe('HTTP through the host', () => {
  // What files are served and how: static-files.test.ts. Here: the Host check in front of them.
  const securityHeaders = {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  }

  it('/ is index.html, with the CSP and the other security headers', async () => {
    const response = await rawHttp(host.origin, { path: '/' })
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(response.headers).toMatchObject(securityHeaders)
    expect(response.text).toContain('<title>kiosk</title>')
  })

  it('refuses a traversal through the host too', async () => {
    const response = await rawHttp(host.origin, { path: '/%2e%2e/secret.txt' })
    expect([400, 404]).toContain(response.status)
    expect(response.text).not.toContain('TOP-SECRET-CONTENT')
  })

  it.each([['evil.example'], ['evil.example:PORT'], ['127.0.0.1'], ['127.0.0.1:1'], ['localhost.evil.example:PORT']])(
    'Host %s → 421 (DNS rebinding)',
    async (hostHeader) => {
      const response = await rawHttp(host.origin, { path: '/', headers: { Host: hostHeader.replace('PORT', port()) } })
      expect(response.status).toBe(421)
      expect(response.text).not.toContain('kiosk')
      expect(response.headers).toMatchObject(securityHeaders)
    },
  )

  it('Host localhost:PORT is fine', async () => {
    const response = await rawHttp(host.origin, { path: '/', headers: { Host: `localhost:${port()}` } })
    expect(response.status).toBe(200)
  })
})

/** An upgrade request with everything right but the path. */
function rawUpgrade(path: string) {
  const url = new URL(host.origin)
  return httpRequest({
    hostname: url.hostname,
    port: url.port,
    path,
    headers: {
      Host: `127.0.0.1:${url.port}`,
      Origin: host.origin,
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Protocol': `${BRIDGE_PROTOCOL}, ${TOKEN_PROTOCOL_PREFIX}${tokenOf(host.url)}`,
    },
    agent: false,
  })
}
