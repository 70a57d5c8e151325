// The hand-off client against real HTTPS servers on 127.0.0.1 (the simulator's PKI standing in for
// the school's): the example receiver for the happy paths, and small servers that misbehave on
// purpose for the rest.
import { createServer as createTcpServer } from 'node:net'
import type { AddressInfo, Server as TcpServer } from 'node:net'
import { createServer } from 'node:https'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startReceiver } from '../../../examples/handoff-receiver/receiver.mjs'
import type { RunningReceiver } from '../../../examples/handoff-receiver/receiver.mjs'
import { HandoffClient } from '../../../src/main/handoff/client'
import type { HandoffClientOptions, HandoffResult } from '../../../src/main/handoff/client'
import { parseSignatureHeader, verifySignature } from '../../../src/main/handoff/signature'
import type { SimulatorPki } from '../../../src/main/simulator/certificates'
import { PERSON, SECRET, completionFor, handoffPki, hmacAuth, mtlsAuth, receiverTrust } from '../../support/handoff'

let pki: SimulatorPki
beforeAll(async () => {
  pki = await handoffPki()
})

const closers: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

interface Seen {
  headers: IncomingMessage['headers']
  body: Buffer
}

/** An HTTPS server with the simulator's 127.0.0.1 certificate; `answer` decides each response. */
async function server(
  answer: (seen: Seen, index: number, res: ServerResponse) => void,
  options: { requestCert?: boolean } = {},
): Promise<{ url: string; origin: string; seen: Seen[] }> {
  const seen: Seen[] = []
  const https: Server = createServer(
    {
      cert: pki.serverCertPem,
      key: pki.serverKeyPem,
      ...(options.requestCert ? { requestCert: true, rejectUnauthorized: true, ca: pki.clientCaPem } : {}),
    },
    (req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const entry = { headers: req.headers, body: Buffer.concat(chunks) }
        seen.push(entry)
        answer(entry, seen.length - 1, res)
      })
    },
  )
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve))
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        https.close(() => resolve())
        https.closeAllConnections()
      }),
  )
  const { port } = https.address() as AddressInfo
  return { url: `https://127.0.0.1:${port}/kiosk/login`, origin: `https://127.0.0.1:${port}`, seen }
}

const json = (res: ServerResponse, status: number, value: unknown, type = 'application/json; charset=utf-8') => {
  const text = JSON.stringify(value)
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}

const logs: { level: string; event: string; fields?: Record<string, unknown> | undefined }[] = []

function client(url: string, overrides: Partial<HandoffClientOptions> = {}): HandoffClient {
  const made = new HandoffClient({
    url,
    auth: hmacAuth(),
    caPem: pki.serverCaPem,
    timeoutMs: 2_000,
    allowedOrigins: ['https://portal.example-skola.se'],
    kioskId: 'reception-1',
    environment: 'simulator',
    retryDelaysMs: [10, 20],
    log: (level, event, fields) => logs.push({ level, event, fields }),
    ...overrides,
  })
  closers.push(() => made.close())
  return made
}

const deliver = (made: HandoffClient, signal?: AbortSignal): Promise<HandoffResult> =>
  made.deliver(completionFor(), signal ? { signal } : {})

async function receiver(options: Partial<Parameters<typeof startReceiver>[0]> = {}): Promise<RunningReceiver> {
  const running = await startReceiver({
    cert: pki.serverCertPem,
    key: pki.serverKeyPem,
    secret: SECRET,
    ...(await receiverTrust()),
    log: () => undefined,
    ...options,
  })
  closers.push(() => running.close())
  return running
}

afterEach(() => {
  // Whatever happened, nothing about the parent reached the log.
  const written = JSON.stringify(logs)
  for (const value of Object.values(PERSON)) expect(written).not.toContain(value)
  logs.length = 0
})

describe('with the example receiver', () => {
  it('delivers a signed login and shows the message it answers', async () => {
    const running = await receiver({ message: 'Välkommen till skolans reception!' })
    const result = await deliver(client(running.url))
    expect(result).toMatchObject({ ok: true, answer: { kind: 'message', message: 'Välkommen till skolans reception!' }, status: 200, tries: 1 })
    expect(running.requests).toEqual([{ status: 200, reason: 'accepted from reception-1' }])
    expect(running.seenNonces()).toBe(1)
  })

  it('opens the page it answers when its origin is allowed, and refuses it otherwise', async () => {
    const running = await receiver({ answer: 'url' })
    const allowed = await deliver(client(running.url, { allowedOrigins: [running.origin] }))
    expect(allowed.ok && allowed.answer).toMatchObject({ kind: 'url' })
    expect(allowed.ok && allowed.answer.kind === 'url' && allowed.answer.url).toMatch(new RegExp(`^${running.origin}/portal\\?session=[0-9a-f]{32}$`))
    // Another login (the receiver accepts each orderRef once), whose answer's origin is not allowed.
    const other = completionFor(PERSON, 'b1f6c3e0-5d43-4f6e-9a5e-2f0c1d7e8a90')
    expect(await client(running.url).deliver(other)).toMatchObject({ ok: false, reference: 'HO-ORIGIN', status: 200 })
  })

  it('over mutual TLS: the client certificate is the authentication', async () => {
    const running = await receiver({ secret: null, clientCa: pki.clientCaPem })
    expect(await deliver(client(running.url, { auth: await mtlsAuth() }))).toMatchObject({ ok: true, tries: 1 })
    // Without a client certificate the handshake fails: a TLS problem, not tried again.
    expect(await deliver(client(running.url))).toMatchObject({ ok: false, reference: 'HO-TLS', tries: 1 })
  })

  it('a service that is unavailable at first: the same login is tried again, with the same nonce', async () => {
    const running = await receiver({ unavailableTimes: 2 })
    expect(await deliver(client(running.url))).toMatchObject({ ok: true, tries: 3 })
    expect(running.requests.map((r) => r.status)).toEqual([503, 503, 200])
    expect(logs.filter((l) => l.event === 'handoff.retry').map((l) => l.fields?.status)).toEqual([503, 503])
  })

  it('a secret the receiver does not share is refused (401), and not tried again', async () => {
    const running = await receiver({ secret: Buffer.from('a different secret, also 32 bytes or more') })
    expect(await deliver(client(running.url))).toMatchObject({ ok: false, reference: 'HO-HTTP-401', tries: 1 })
    expect(running.requests).toEqual([{ status: 401, reason: 'signature does not match' }])
  })
})

describe('what is sent', () => {
  it('JSON with every field, signed over exactly the bytes sent, the nonce in body and header alike', async () => {
    const { url, seen } = await server((_, __, res) => json(res, 200, { message: 'ok' }))
    const now = new Date('2026-11-24T09:00:00Z')
    await deliver(client(url, { now: () => now, kioskId: 'hus-a' }))
    const [request] = seen
    if (!request) throw new Error('nothing arrived')
    expect(request.headers['content-type']).toBe('application/json')
    const payload = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>
    expect(payload).toMatchObject({
      version: 1,
      kioskId: 'hus-a',
      environment: 'simulator',
      completedAt: '2026-11-24T09:00:00.000Z',
      personnummer: PERSON.personalNumber,
      givenName: PERSON.givenName,
      surname: PERSON.surname,
      name: PERSON.name,
      orderRef: completionFor().orderRef,
      signature: completionFor().completionData.signature,
      ocspResponse: completionFor().completionData.ocspResponse,
    })
    const header = String(request.headers['x-kiosk-signature'])
    expect(verifySignature(SECRET, header, request.body, now.getTime() / 1000)).toEqual({
      ok: true,
      timestamp: now.getTime() / 1000,
      nonce: payload.nonce,
    })
  })

  it('each login has a nonce of its own', async () => {
    const { url, seen } = await server((_, __, res) => json(res, 200, { message: 'ok' }))
    const made = client(url)
    await deliver(made)
    await deliver(made)
    const nonces = seen.map((s) => parseSignatureHeader(String(s.headers['x-kiosk-signature']))?.nonce)
    expect(new Set(nonces).size).toBe(2)
  })

  it('mutual TLS sends no signature header', async () => {
    const { url, seen } = await server((_, __, res) => json(res, 200, { message: 'ok' }), { requestCert: true })
    expect(await deliver(client(url, { auth: await mtlsAuth() }))).toMatchObject({ ok: true })
    expect(seen[0]?.headers['x-kiosk-signature']).toBeUndefined()
  })
})

describe('retries', () => {
  it.each([502, 503, 504])('%i: tried again (same body, fresh signature time), at most three tries', async (status) => {
    let clock = 1_800_000_000_000
    const { url, seen } = await server((_, __, res) => json(res, status, { error: 'gateway' }))
    const result = await deliver(client(url, { now: () => new Date((clock += 7_000)) }))
    expect(result).toMatchObject({ ok: false, reference: `HO-HTTP-${status}`, status, tries: 3 })
    expect(seen).toHaveLength(3)
    expect(new Set(seen.map((s) => s.body.toString('utf8'))).size).toBe(1)
    const signatures = seen.map((s) => parseSignatureHeader(String(s.headers['x-kiosk-signature'])))
    expect(new Set(signatures.map((s) => s?.nonce)).size).toBe(1)
    expect(new Set(signatures.map((s) => s?.timestamp)).size).toBe(3)
  })

  it('a 504 after the service did act: the retry is refused as a replay, so the parent is never logged in twice', async () => {
    const running = await receiver()
    // A gateway in front of the receiver that passes the first try on and then loses the answer.
    const { url } = await server((entry, index, res) => {
      void fetchThrough(running.url, entry).then((answer) => {
        if (index === 0) return json(res, 504, { error: 'gateway timeout' })
        json(res, answer.status, answer.body)
      })
    })
    expect(await deliver(client(url))).toMatchObject({ ok: false, reference: 'HO-HTTP-409', tries: 2 })
    expect(running.requests.map((r) => r.status)).toEqual([200, 409])
  })

  it.each([400, 401, 404, 409, 500])('%i: not tried again', async (status) => {
    const { url, seen } = await server((_, __, res) => json(res, status, { error: 'no' }))
    expect(await deliver(client(url))).toMatchObject({ ok: false, reference: `HO-HTTP-${status}`, tries: 1 })
    expect(seen).toHaveLength(1)
  })

  it('nobody listening (refused before anything was sent): tried three times, then HO-NETWORK', async () => {
    const port = await freePort()
    const result = await deliver(client(`https://127.0.0.1:${port}/kiosk/login`))
    expect(result).toMatchObject({ ok: false, reference: 'HO-NETWORK', status: null, tries: 3 })
    expect(logs.filter((l) => l.event === 'handoff.retry').map((l) => l.fields?.code)).toEqual(['ECONNREFUSED', 'ECONNREFUSED'])
  })

  it('a connection closed before the TLS handshake: nothing was sent, so tried again', async () => {
    const tcp: TcpServer = createTcpServer((socket) => socket.destroy())
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve))
    closers.push(() => new Promise<void>((resolve) => tcp.close(() => resolve())))
    const { port } = tcp.address() as AddressInfo
    expect(await deliver(client(`https://127.0.0.1:${port}/x`))).toMatchObject({ ok: false, reference: 'HO-NETWORK', tries: 3 })
  })

  it('a connection reset after the request was sent: not tried again (the service may have acted)', async () => {
    const { url, seen } = await server((_, __, res) => res.socket?.destroy())
    expect(await deliver(client(url))).toMatchObject({ ok: false, reference: 'HO-NETWORK', tries: 1 })
    expect(seen).toHaveLength(1)
  })

  it('no answer in time: HO-TIMEOUT after one try', async () => {
    const { url, seen } = await server(() => undefined)
    const started = Date.now()
    expect(await deliver(client(url, { timeoutMs: 300 }))).toMatchObject({ ok: false, reference: 'HO-TIMEOUT', tries: 1 })
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(seen).toHaveLength(1)
  })
})

describe('trust', () => {
  it('a server certificate from another CA than handoff.ca: HO-TLS, not tried again', async () => {
    const { url, seen } = await server((_, __, res) => json(res, 200, { message: 'ok' }))
    expect(await deliver(client(url, { caPem: pki.clientCaPem }))).toMatchObject({ ok: false, reference: 'HO-TLS', tries: 1 })
    expect(seen).toHaveLength(0)
  })

  it('without handoff.ca the public CAs are trusted, and they do not vouch for a private one', async () => {
    const { url } = await server((_, __, res) => json(res, 200, { message: 'ok' }))
    expect(await deliver(client(url, { caPem: null }))).toMatchObject({ ok: false, reference: 'HO-TLS' })
  })
})

describe('the answer', () => {
  const answered = async (respond: (res: ServerResponse) => void, overrides: Partial<HandoffClientOptions> = {}) => {
    const { url } = await server((_, __, res) => respond(res))
    return deliver(client(url, overrides))
  }

  it('a message is cleaned of control characters and shown as one paragraph', async () => {
    expect(await answered((res) => json(res, 200, { message: '  Hej!\n\tVälkommen\u0007 in.  ', extra: true }))).toMatchObject({
      ok: true,
      answer: { kind: 'message', message: 'Hej! Välkommen in.' },
    })
  })

  it.each([
    ['both keys', { message: 'a', url: 'https://portal.example-skola.se/' }],
    ['neither', { ok: true }],
    ['an empty message', { message: ' \n ' }],
    ['a message too long', { message: 'x'.repeat(1_001) }],
    ['a number', { message: 42 }],
    ['a list', ['https://portal.example-skola.se/']],
    ['an http url', { url: 'http://portal.example-skola.se/' }],
    ['a javascript: url', { url: 'javascript:alert(1)' }],
    ['not a url', { url: 'portal' }],
  ])('refuses %s: HO-RESPONSE', async (_, value) => {
    expect(await answered((res) => json(res, 200, value))).toMatchObject({ ok: false, reference: 'HO-RESPONSE' })
  })

  it.each([
    ['another site', 'https://evil.example/portal'],
    ['another port', 'https://portal.example-skola.se:8443/'],
    ['a look-alike host', 'https://portal.example-skola.se.evil.example/'],
    ['a user name', 'https://me@portal.example-skola.se/'],
  ])('refuses a page on %s: HO-ORIGIN', async (_, url) => {
    expect(await answered((res) => json(res, 200, { url }))).toMatchObject({ ok: false, reference: 'HO-ORIGIN' })
  })

  it('accepts a page on an allowed origin, as given (path and query kept)', async () => {
    expect(await answered((res) => json(res, 200, { url: 'https://portal.example-skola.se/start?ticket=abc' }))).toMatchObject({
      ok: true,
      answer: { kind: 'url', url: 'https://portal.example-skola.se/start?ticket=abc' },
    })
    const view = logs.find((l) => l.event === 'handoff.view')
    expect(view).toBeUndefined() // the session, not the client, logs the outcome
  })

  it('refuses what is not JSON, and JSON that says it is something else', async () => {
    expect(await answered((res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{nope'))).toMatchObject({ reference: 'HO-RESPONSE' })
    expect(await answered((res) => json(res, 200, { message: 'ok' }, 'text/html'))).toMatchObject({ reference: 'HO-RESPONSE' })
  })

  it('cuts off an answer over 64 kB: HO-TOO-LARGE', async () => {
    expect(await answered((res) => json(res, 200, { message: 'x'.repeat(70_000) }))).toMatchObject({ ok: false, reference: 'HO-TOO-LARGE' })
  })

  it('a redirect is not followed: HO-HTTP-302', async () => {
    expect(await answered((res) => res.writeHead(302, { Location: 'https://evil.example/' }).end())).toMatchObject({ reference: 'HO-HTTP-302' })
  })
})

it('an abort (the parent left) ends the try at once: HO-ABORTED', async () => {
  const { url } = await server(() => undefined)
  const controller = new AbortController()
  const pending = deliver(client(url, { timeoutMs: 5_000 }), controller.signal)
  setTimeout(() => controller.abort(), 50)
  expect(await pending).toMatchObject({ ok: false, reference: 'HO-ABORTED', tries: 1 })
})

// ---- helpers ----

function freePort(): Promise<number> {
  const probe = createTcpServer()
  return new Promise((resolve) =>
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    }),
  )
}

/** Passes a request on to the receiver as it came (headers that matter, body), like a gateway. */
async function fetchThrough(url: string, entry: Seen): Promise<{ status: number; body: unknown }> {
  const { request } = await import('node:https')
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        ca: pki.serverCaPem,
        headers: {
          'Content-Type': 'application/json',
          'X-Kiosk-Signature': String(entry.headers['x-kiosk-signature']),
          'Content-Length': entry.body.length,
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }))
      },
    )
    req.on('error', reject)
    req.end(entry.body)
  })
}
