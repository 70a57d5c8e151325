// The BankID gateway's front (src/gateway/front-server.ts and rp-front.ts) under random and mutated
// traffic, through the real TLS stack: node:https requests with the kiosks' client certificates
// (or a foreign one, or none) to a real gateway in front of the BankID simulator. Like the kiosk's
// bridge suite, every expectation comes from an independent reading of the RP API v6 reference and
// of the gateway's documented rules, not from the code under test.
//
// 1. Bodies. Arbitrary JSON values, bytes that are not JSON (or not UTF-8), and valid /auth, /sign,
//    /collect and /cancel bodies with mutations (wrong types, extra keys such as __proto__ and
//    constructor, repeated keys, escaped keys, huge strings, deep nesting, unicode, invalid UTF-8).
//    A model judges each body: for /auth and /sign it lists every fault the reference names, and
//    the answer must be BankID's 400 invalidParameters naming one of them, or, with no fault, a
//    started order (200 in the v6 shape, the orderRef a sealed "g1." token, never BankID's own);
//    for /collect and /cancel, anything but exactly {orderRef: string} is "Invalid orderRef", a
//    string that is not the kiosk's live token "No such order", the live token itself a pending
//    collect or a cancel. Every answer is BankID-shaped, never a 500; the gateway keeps serving
//    (a real auth + cancel from kiosk 'a', periodically and at the end) and every order started is
//    cancelled, so none is left pending at the simulator.
// 2. Headers. Methods, paths (dot segments, encodings, trailing slashes, queries, absolute form,
//    very long), Content-Type variants (case, whitespace, parameters, missing, repeated), huge and
//    many headers, Expect. The exact answer for each class: 404 notFound, 405 methodNotAllowed with
//    Allow: POST, 415 unsupportedMediaType, else the body's verdict; and the few answers that Node's
//    own HTTP parser writes before the gateway sees a request (431, 417, 400), without a body.
// 3. Sizes. Bodies either side of the 256 KiB limit, counted in bytes, in one piece or chunked
//    (at most the limit: parsed; over it: 400 "Invalid request", never 413), a 10 MB body (answered
//    in bounded time, the gateway still serving), a body trickled in pieces (parsed like any other),
//    and stalled headers (slowloris), cut with 408 within the 5 s headersTimeout. A stalled *body*
//    is not tested: requestTimeout is 10 s, so the case would take over 10 s on its own.
// 4. Identity. No client certificate, or one from a foreign CA, on every endpoint and with any
//    method, path, media type or body: always 401 unauthorized with BankID's body, one
//    `gateway.refused` log line (no-certificate / untrusted-certificate), nothing sent to BankID.
// 5. Tokens. Generated orderRefs for /collect and /cancel: random base64url after "g1.", bit flips,
//    character substitutions, truncations and extensions of real tokens, other prefixes, another
//    kiosk's token: "No such order" (or "Invalid orderRef" for a body of another shape), and BankID
//    is not asked (the simulator's log of collects and cancels does not grow). The only strings that
//    open are the real token and its equivalents (the same bytes in base64url, e.g. a different
//    value in the last character's unused bits), from the kiosk it was issued to.
// 6. The rate limit (429 with Retry-After), and the whole suite's exact set of statuses.
import { Buffer } from 'node:buffer'
import type { IncomingHttpHeaders } from 'node:http'
import { Agent, request } from 'node:https'
import { isIP } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { BankIdClient } from '../../src/main/bankid/client'
import type { RpCredentials } from '../../src/main/bankid/transport'
import { authBody, startTestGateway } from '../support/gateway'
import type { TestGateway } from '../support/gateway'
import { startTestSimulator } from '../support/simulator'
import type { TestSimulator } from '../support/simulator'
import { defineOwn, fuzzOptions, within } from './support'

// ---- what the reference and the gateway's documentation say ----------------------------------

const RP = '/rp/v6.0/'
const ENDPOINTS = ['auth', 'sign', 'collect', 'cancel'] as const
type Endpoint = (typeof ENDPOINTS)[number]
/** The gateway's body limit: the largest /sign, with room for JSON. */
const LIMIT = 256 * 1024
/** Node's default limit on the request line and headers together (--max-http-header-size). */
const NODE_HEADER_LIMIT = 16 * 1024
/** §2.1: the members an /auth or /sign body may have. */
const TOP_LEVEL = new Set(['endUserIp', 'userVisibleData', 'userNonVisibleData', 'userVisibleDataFormat', 'returnUrl', 'returnRisk', 'requirement', 'web', 'app'])
const REQUIREMENT_KEYS = new Set(['pinCode', 'mrtd', 'cardReader', 'certificatePolicies', 'personalNumber'])
const WEB_LIMITS = new Map([['deviceIdentifier', 64], ['referringDomain', 253], ['userAgent', 256]])
const APP_LIMITS = new Map([['appIdentifier', 256], ['deviceOS', 256], ['deviceModelName', 256], ['deviceIdentifier', 64]])
const ORDER_LIMITS = { auth: { visible: 1_500, nonVisible: 1_500 }, sign: { visible: 40_000, nonVisible: 200_000 } }
/** RFC 4648 base64 with padding. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
/** §2.2: an OID, a `*` allowed from the fifth component on. */
const POLICY = /^(\d+(\.\d+)+|\d+(\.\d+){3,}\.\*)$/

/**
 * Every status the front can send, and the ones this suite sees. 500 is not among them: nothing
 * here injects a fault at the simulator, so BankID never answers 500 and a 500 could only be the
 * gateway failing on what a client sent. 503 (BankID unreachable) is not provoked either. 413 is
 * never sent: an oversized body is BankID's 400 "Invalid request".
 */
const EXPECTED_STATUSES = [200, 400, 401, 404, 405, 408, 415, 417, 429, 431]
/**
 * Answers written by Node's HTTP server itself, before the gateway's handler sees a request: 400
 * for a request it cannot parse (an unknown method), 408 for a request that took too long, 417 for
 * an Expect other than 100-continue, 431 for headers over 16 KiB. They carry no body.
 */
const NODE_STATUSES = new Set([400, 408, 417, 431])

// ---- plumbing ---------------------------------------------------------------------------------

let sim: TestSimulator
let gw: TestGateway
let live: BankIdClient
const unexpectedErrors: unknown[] = []
const onUnexpected = (error: unknown) => unexpectedErrors.push(error)
const statuses = new Map<number, number>()
const ran = new Set<string>()

type Kiosk = 'a' | 'b' | 'c'
type Identity = Kiosk | 'foreign' | 'none'
const agents = new Map<Identity, Agent>()

beforeAll(async () => {
  process.on('unhandledRejection', onUnexpected)
  process.on('uncaughtExceptionMonitor', onUnexpected)
  sim = await startTestSimulator()
  gw = await startTestGateway({ simulator: sim.simulator })
  live = gw.kioskClient('a')
}, 60_000)

afterAll(async () => {
  for (const agent of agents.values()) agent.destroy()
  await gw?.close()
  await sim?.close()
  process.off('unhandledRejection', onUnexpected)
  process.off('uncaughtExceptionMonitor', onUnexpected)
})

function pkcs12(credentials: RpCredentials): { pfx: Buffer; passphrase?: string } {
  if (credentials.kind !== 'pkcs12') throw new Error('the test PKI gives PKCS#12 credentials')
  return { pfx: credentials.pfx, ...(credentials.passphrase === undefined ? {} : { passphrase: credentials.passphrase }) }
}

/** What a TLS client with this identity presents and trusts. */
function tlsOf(as: Identity): { ca: string; pfx?: Buffer; passphrase?: string } {
  const ca = gw.pki.gatewayCaPem
  if (as === 'none') return { ca }
  return { ca, ...pkcs12(as === 'foreign' ? gw.pki.foreign.credentials : gw.pki.kiosks[as].credentials) }
}

/** One keep-alive agent per identity: a handshake costs ~10 ms, a request on an open connection ~1 ms. */
function agentOf(as: Identity): Agent {
  let agent = agents.get(as)
  if (!agent) {
    // Idle sockets are dropped after 2 s, before the gateway's 5 s keep-alive timeout could race a reuse.
    agent = new Agent({ keepAlive: true, maxSockets: 4, timeout: 2_000, ...tlsOf(as) })
    agents.set(as, agent)
  }
  return agent
}

interface Exchange {
  as: Identity
  path: string
  method?: string
  headers?: Record<string, string | string[]>
  /** One buffer is sent with a Content-Length; several are written one by one (chunked), gapMs apart. */
  body?: Buffer | readonly Buffer[]
  gapMs?: number
  timeoutMs?: number
  /** A connection of its own (agent: false), for bodies the gateway may stop reading. */
  fresh?: boolean
}

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  text: string
  ms: number
}

const JSON_TYPE = { 'Content-Type': 'application/json' }

/** The one way this suite talks to the gateway: a raw HTTPS request, bounded in time. */
function exchange(x: Exchange): Promise<Answer> {
  const method = x.method ?? 'POST'
  const timeoutMs = x.timeoutMs ?? 5_000
  const what = `${method} ${x.path.slice(0, 80)} as ${x.as}`
  return new Promise<Answer>((resolve, reject) => {
    const started = performance.now()
    let settled = false
    const settle = (outcome: { answer: Answer } | { error: Error }) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if ('answer' in outcome) {
        statuses.set(outcome.answer.status, (statuses.get(outcome.answer.status) ?? 0) + 1)
        resolve(outcome.answer)
      } else reject(outcome.error)
    }
    // Node's client sends a GET, DELETE, OPTIONS or TRACE body without Content-Length or chunking,
    // so the gateway would read it as the start of the next request: say how long a body is.
    const headers = { ...x.headers }
    const framed = Object.keys(headers).some((name) => ['content-length', 'transfer-encoding'].includes(name.toLowerCase()))
    if (Buffer.isBuffer(x.body) && !framed) headers['Content-Length'] = String(x.body.length)
    const req = request({
      host: '127.0.0.1',
      port: gw.gateway.port,
      path: x.path,
      method,
      headers,
      agent: x.fresh ? false : agentOf(x.as),
      ...tlsOf(x.as),
    })
    const timer = setTimeout(() => {
      req.destroy()
      settle({ error: new Error(`no answer within ${timeoutMs} ms to ${what}`) })
    }, timeoutMs)
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        settle({ answer: { status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started } }),
      )
      res.on('aborted', () => settle({ error: new Error(`the answer to ${what} was cut off`) }))
      res.on('error', (error) => settle({ error: new Error(`${what}: ${error.message}`) }))
    })
    req.on('error', (error) => settle({ error: new Error(`${what}: ${error.message}`) }))
    const body = x.body
    if (body === undefined || Buffer.isBuffer(body)) req.end(body)
    else {
      const pieces = [...body]
      const next = () => {
        const piece = pieces.shift()
        if (piece === undefined) return void req.end()
        req.write(piece)
        if (x.gapMs) setTimeout(next, x.gapMs)
        else next()
      }
      next()
    }
  })
}

/** A POST with the JSON media type. */
const post = (as: Identity, endpoint: string, body: Buffer | string, extra: Partial<Exchange> = {}) =>
  exchange({ as, path: RP + endpoint, headers: JSON_TYPE, body: Buffer.from(body), ...extra })

/**
 * Slowloris on the headers, on a raw TLS connection with kiosk 'a''s certificate: the request line
 * and one header, then another header every 250 ms, never the blank line. Resolves when the gateway
 * hangs up, or after boundMs with closed false.
 */
function stalledHeaders(boundMs: number): Promise<{ closed: boolean; afterMs: number; text: string }> {
  return new Promise((resolve) => {
    const started = performance.now()
    let text = ''
    let done = false
    let trickle: NodeJS.Timeout | undefined
    const socket = tlsConnect({ host: '127.0.0.1', port: gw.gateway.port, ...tlsOf('a') })
    const finish = (closed: boolean) => {
      if (done) return
      done = true
      clearInterval(trickle)
      clearTimeout(bound)
      socket.destroy()
      resolve({ closed, afterMs: performance.now() - started, text })
    }
    const bound = setTimeout(() => finish(false), boundMs)
    socket.on('secureConnect', () => {
      socket.write(`POST ${RP}auth HTTP/1.1\r\nHost: 127.0.0.1\r\n`)
      let n = 0
      trickle = setInterval(() => socket.write(`X-Slow-${n++}: still typing\r\n`), 250)
    })
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
    socket.on('close', () => finish(true))
    socket.on('error', () => undefined) // writes after the gateway hung up
  })
}

// ---- the answers ------------------------------------------------------------------------------

const errorSchema = z.strictObject({ errorCode: z.string().min(1), details: z.string() })
const startedSchema = z.strictObject({
  orderRef: z.string().regex(/^g1\.[A-Za-z0-9_-]+$/),
  autoStartToken: z.string().min(1),
  qrStartToken: z.string().min(1),
  qrStartSecret: z.string().min(1),
})
const pendingSchema = z.strictObject({ orderRef: z.string(), status: z.literal('pending'), hintCode: z.string().optional() })

const isNodeAnswer = (a: Answer) => NODE_STATUSES.has(a.status) && a.headers['content-type'] === undefined

/**
 * What every answer must be: a status from the exact set (never 500); Node's own refusals bare;
 * everything else application/json, and an error BankID's {errorCode, details}. Returns the JSON.
 */
function checkAnswer(a: Answer, context: string, method = 'POST'): unknown {
  expect(a.status, `${context}: a 500 is the gateway failing on what a client sent (${a.text.slice(0, 200)})`).not.toBe(500)
  expect(EXPECTED_STATUSES, `${context}: status ${a.status}`).toContain(a.status)
  if (isNodeAnswer(a)) {
    expect(a.text, `${context}: Node's own ${a.status}`).toBe('')
    return null
  }
  expect(a.headers['content-type'], context).toBe('application/json')
  if (method === 'HEAD') {
    expect(a.text, context).toBe('')
    return null
  }
  let json: unknown
  try {
    json = JSON.parse(a.text) as unknown
  } catch {
    throw new Error(`${context}: the answer is not JSON: ${a.text.slice(0, 200)}`)
  }
  if (a.status !== 200) {
    const parsed = errorSchema.safeParse(json)
    expect(parsed.success, `${context}: not BankID's error body: ${a.text.slice(0, 200)}`).toBe(true)
  }
  return json
}

function detailsOf(a: Answer): string {
  return (JSON.parse(a.text) as { details: string }).details
}

/** The orders this suite started and has not seen end: token → the kiosk that holds it. */
const open = new Map<string, Kiosk>()

/** Notes an order the answer started or ended, before anything is asserted about it. */
function observe(endpoint: Endpoint | null, as: Identity, sent: Buffer | undefined, a: Answer): void {
  if (a.status !== 200 || endpoint === null || isNodeAnswer(a) || as === 'none' || as === 'foreign') return
  let json: unknown
  try {
    json = JSON.parse(a.text) as unknown
  } catch {
    return
  }
  if ((endpoint === 'auth' || endpoint === 'sign') && isRecord(json) && typeof json.orderRef === 'string') open.set(json.orderRef, as)
  if (endpoint === 'cancel' || (endpoint === 'collect' && isRecord(json) && json.status !== 'pending')) {
    const token = sentOrderRef(sent)
    if (token !== null) open.delete(token)
  }
}

function sentOrderRef(sent: Buffer | undefined): string | null {
  try {
    const value = JSON.parse(decode(sent ?? Buffer.alloc(0))) as unknown
    return isRecord(value) && typeof value.orderRef === 'string' ? value.orderRef : null
  } catch {
    return null
  }
}

/** Cancels every order the suite still holds (but `keep`); each cancel must succeed. */
async function cancelOpen(keep: ReadonlySet<string> = new Set()): Promise<void> {
  for (const [token, as] of [...open]) {
    if (keep.has(token)) continue
    const a = await post(as, 'cancel', JSON.stringify({ orderRef: token }))
    expect(a.status, `cancelling an order the suite started: ${a.text}`).toBe(200)
    open.delete(token)
  }
}

const pendingAtSimulator = () =>
  sim.simulator.orders
    .list()
    .filter((order) => order.status === 'pending')
    .map((order) => order.orderRef)

/** The gateway still serves a real kiosk: kiosk 'a''s own BankID client starts an order and cancels it. */
async function liveness(): Promise<void> {
  const started = await within(live.auth(authBody()), 5_000)
  if (started === 'timed-out' || !started.ok) throw new Error(`the gateway no longer serves kiosk a: ${JSON.stringify(started)}`)
  const cancelled = await within(live.cancel(started.value.response.orderRef), 5_000)
  if (cancelled === 'timed-out' || !cancelled.ok) throw new Error(`kiosk a cannot cancel: ${JSON.stringify(cancelled)}`)
}

async function settleSuite(): Promise<void> {
  await cancelOpen()
  await liveness()
  expect(pendingAtSimulator(), 'orders left pending at the simulator').toEqual([])
  expect(unexpectedErrors).toEqual([])
}

let pnrSerial = 0
/** A personnummer-shaped number (12 digits) nobody else uses in this run. */
const freshPnr = () => `1999${String(pnrSerial++).padStart(8, '0')}`

// ---- the model of a body ----------------------------------------------------------------------

type Verdict =
  | { kind: 'started' }
  | { kind: 'collected'; token: string }
  | { kind: 'cancelled'; token: string }
  | { kind: 'refused'; details: readonly string[] }

const refused = (...details: string[]): Verdict => ({ kind: 'refused', details })

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
/** A member of a parsed JSON object (its own: JSON has no other). */
const member = (record: Record<string, unknown>, key: string): unknown => (Object.hasOwn(record, key) ? record[key] : undefined)

/** UTF-8 as the WHATWG decoder reads it: invalid sequences become U+FFFD; a BOM is kept (JSON refuses it). */
const decode = (bytes: Uint8Array) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)

/** How deeply arrays and objects nest in a JSON text (outside strings). */
function nestingDepth(text: string): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
    } else if (c === '"') inString = true
    else if (c === '[' || c === '{') max = Math.max(max, ++depth)
    else if (c === ']' || c === '}') depth--
  }
  return max
}

interface LiveToken {
  token: string
  alive: boolean
}

/** What the gateway must answer a POST with the JSON media type to `endpoint`, from this kiosk. */
function judgeBody(endpoint: Endpoint, bytes: Buffer, liveToken: LiveToken | null): Verdict {
  if (bytes.length > LIMIT) return refused('Invalid request')
  const text = decode(bytes)
  let value: unknown
  try {
    value = JSON.parse(text) as unknown
  } catch {
    return refused('Invalid request')
  }
  if (endpoint === 'collect' || endpoint === 'cancel') {
    if (!isRecord(value) || Object.keys(value).length !== 1 || typeof member(value, 'orderRef') !== 'string') return refused('Invalid orderRef')
    if (liveToken !== null && value.orderRef === liveToken.token && liveToken.alive) {
      return endpoint === 'collect' ? { kind: 'collected', token: liveToken.token } : { kind: 'cancelled', token: liveToken.token }
    }
    return refused('No such order')
  }
  const faults = orderFaults(endpoint, value)
  // A body nested this deeply may be refused as a whole (no validator needs to walk it).
  if (nestingDepth(text) > 1_000) faults.push('Invalid request')
  return faults.length === 0 ? { kind: 'started' } : { kind: 'refused', details: faults }
}

const base64Within = (value: unknown, max: number) => typeof value === 'string' && value.length >= 1 && value.length <= max && BASE64.test(value)

function deviceOk(value: unknown, limits: ReadonlyMap<string, number>): boolean {
  if (!isRecord(value)) return false
  const entries = Object.entries(value)
  return (
    entries.length > 0 &&
    entries.every(([key, text]) => {
      const max = limits.get(key)
      if (max === undefined || typeof text !== 'string' || text.length < 1 || text.length > max) return false
      return key !== 'referringDomain' || /^[0-9a-z.-]{3,253}$/.test(text)
    })
  )
}

/** Everything the reference finds wrong with an /auth or /sign body; BankID names one of them. */
function orderFaults(type: 'auth' | 'sign', body: unknown): string[] {
  if (!isRecord(body)) return ['Invalid request']
  const faults: string[] = []
  for (const key of Object.keys(body)) if (!TOP_LEVEL.has(key)) faults.push(`Invalid parameter: ${key.slice(0, 64)}`)
  const get = (key: string) => member(body, key)
  const ip = get('endUserIp')
  if (!(typeof ip === 'string' && isIP(ip) !== 0)) faults.push('Invalid endUserIp')
  const limits = ORDER_LIMITS[type]
  const visible = get('userVisibleData')
  const nonVisible = get('userNonVisibleData')
  if ((type === 'sign' || visible !== undefined) && !base64Within(visible, limits.visible)) faults.push('Invalid userVisibleData')
  if (nonVisible !== undefined) {
    if (visible === undefined) faults.push('userNonVisible data requires userVisibleData')
    if (!base64Within(nonVisible, limits.nonVisible)) faults.push('Invalid userNonVisibleData')
  }
  const format = get('userVisibleDataFormat')
  if (format !== undefined && format !== 'simpleMarkdownV1' && format !== 'plaintext') faults.push('Invalid userVisibleDataFormat')
  const returnUrl = get('returnUrl')
  if (returnUrl !== undefined && !(typeof returnUrl === 'string' && returnUrl.length >= 1 && returnUrl.length <= 512)) faults.push('Invalid returnUrl')
  const returnRisk = get('returnRisk')
  if (returnRisk !== undefined && typeof returnRisk !== 'boolean') faults.push('Invalid returnRisk')
  const web = get('web')
  const app = get('app')
  if (web !== undefined && app !== undefined) faults.push('Invalid request: give web or app, not both')
  if (web !== undefined && !deviceOk(web, WEB_LIMITS)) faults.push('Invalid web')
  if (app !== undefined && !deviceOk(app, APP_LIMITS)) faults.push('Invalid app')
  const requirement = get('requirement')
  if (requirement !== undefined) {
    if (!isRecord(requirement)) faults.push('Invalid requirement')
    else {
      const r = (key: string) => member(requirement, key)
      const policies = r('certificatePolicies')
      if (
        Object.keys(requirement).some((key) => !REQUIREMENT_KEYS.has(key)) ||
        (r('pinCode') !== undefined && typeof r('pinCode') !== 'boolean') ||
        (r('mrtd') !== undefined && typeof r('mrtd') !== 'boolean') ||
        (r('cardReader') !== undefined && r('cardReader') !== 'class1' && r('cardReader') !== 'class2') ||
        (policies !== undefined &&
          !(Array.isArray(policies) && policies.length > 0 && policies.every((oid) => typeof oid === 'string' && POLICY.test(oid))))
      ) {
        faults.push('Invalid requirement')
      }
      const pnr = r('personalNumber')
      if (pnr !== undefined && !(typeof pnr === 'string' && /^\d{12}$/.test(pnr))) faults.push('Incorrect personalNumber')
    }
  }
  return faults
}

/** Asserts that the answer is what the verdict says (the answer has passed checkAnswer). */
function expectVerdict(a: Answer, json: unknown, verdict: Verdict, context: string): void {
  switch (verdict.kind) {
    case 'started': {
      expect(a.status, `${context}: expected a started order, got ${a.text.slice(0, 300)}`).toBe(200)
      const parsed = startedSchema.safeParse(json)
      expect(parsed.success, `${context}: not the v6 order shape: ${a.text.slice(0, 300)}`).toBe(true)
      // The kiosk never sees BankID's own orderRef.
      const orders = sim.simulator.orders.list()
      expect(new Set(orders.map((order) => order.orderRef)).has((json as { orderRef: string }).orderRef), context).toBe(false)
      // BankID sees the kiosk's address as the gateway does, whatever endUserIp the kiosk sent.
      for (const order of orders) expect(order.endUserIp, `${context}: endUserIp at BankID`).toBe('127.0.0.1')
      return
    }
    case 'collected':
      expect(a.status, `${context}: expected a pending collect, got ${a.text.slice(0, 300)}`).toBe(200)
      expect(pendingSchema.safeParse(json).success, `${context}: ${a.text.slice(0, 300)}`).toBe(true)
      expect((json as { orderRef: string }).orderRef, context).toBe(verdict.token)
      return
    case 'cancelled':
      expect(a.status, `${context}: expected a cancel, got ${a.text.slice(0, 300)}`).toBe(200)
      expect(json, context).toStrictEqual({})
      return
    case 'refused':
      expect(a.status, `${context}: expected 400 (${verdict.details.join(' | ').slice(0, 300)}), got ${a.text.slice(0, 300)}`).toBe(400)
      expect((json as { errorCode: string }).errorCode, context).toBe('invalidParameters')
      expect(verdict.details, `${context}: the details`).toContain(detailsOf(a))
  }
}

// ---- bodies: pieces of JSON text, so that anything can be sent --------------------------------

/** A key: written by JSON.stringify, as \u escapes only, or as raw bytes between the quotes. */
type Key = { s: string } | { escaped: string } | { raw: readonly number[] }
/** A value: any JSON value, nesting deeper than JSON.stringify could go, raw bytes, or raw text. */
type Value =
  | { json: unknown }
  | { deep: 'array' | 'object'; depth: number }
  | { inString: readonly number[] }
  | { bytes: readonly number[] }
  | { text: string }
interface Entry {
  key: Key
  value: Value
}
type Mutation =
  | { kind: 'add'; key: Key; value: Value }
  | { kind: 'set'; field: string; value: Value }
  | { kind: 'drop'; at: number }
  | { kind: 'dup'; at: number; value: Value }
  | { kind: 'escape'; at: number }
type Shape = 'object' | 'array' | 'bom' | 'truncated' | 'padded' | 'trailing'
type BodyForm =
  | { kind: 'entries'; withPnr: boolean; mutations: readonly Mutation[]; shape: Shape; cut: number }
  | { kind: 'json'; value: unknown }
  | { kind: 'bytes'; bytes: readonly number[] }
  | { kind: 'text'; text: string }
interface BodyCase {
  endpoint: Endpoint
  form: BodyForm
}

/** Placeholders filled in when a body is sent: a fresh personnummer, the kiosk's live token. */
const PNR = '@@PNR@@'
const LIVE = '@@LIVE@@'
interface RenderContext {
  live: string
}

const b64 = (text: string) => Buffer.from(text).toString('base64')

function baseEntries(endpoint: Endpoint, withPnr: boolean): Entry[] {
  if (endpoint === 'collect' || endpoint === 'cancel') return [{ key: { s: 'orderRef' }, value: { json: LIVE } }]
  return [
    { key: { s: 'endUserIp' }, value: { json: '127.0.0.1' } },
    { key: { s: 'userVisibleData' }, value: { json: b64(endpoint === 'auth' ? 'Inloggning på Testskolan' : 'Jag godkänner') } },
    ...(withPnr ? [{ key: { s: 'requirement' }, value: { json: { personalNumber: PNR } } }] : []),
  ]
}

const keyName = (key: Key): string | null => ('s' in key ? key.s : 'escaped' in key ? key.escaped : null)

function mutate(entries: Entry[], m: Mutation): void {
  const at = (n: number) => (entries.length === 0 ? -1 : n % entries.length)
  switch (m.kind) {
    case 'add':
      entries.push({ key: m.key, value: m.value })
      return
    case 'set': {
      const index = entries.findLastIndex((entry) => keyName(entry.key) === m.field)
      if (index >= 0) (entries[index] as Entry).value = m.value
      else entries.push({ key: { s: m.field }, value: m.value })
      return
    }
    case 'drop':
      if (at(m.at) >= 0) entries.splice(at(m.at), 1)
      return
    case 'dup': {
      const entry = entries[at(m.at)]
      if (entry) entries.push({ key: entry.key, value: m.value })
      return
    }
    case 'escape': {
      const entry = entries[at(m.at)]
      const name = entry ? keyName(entry.key) : null
      if (entry && name !== null) entry.key = { escaped: name }
    }
  }
}

function fill(text: string, context: RenderContext): string {
  return text.replaceAll(JSON.stringify(PNR), () => JSON.stringify(freshPnr())).replaceAll(JSON.stringify(LIVE), () => JSON.stringify(context.live))
}

function renderKey(key: Key): Buffer {
  if ('s' in key) return Buffer.from(JSON.stringify(key.s))
  if ('escaped' in key) {
    const units = [...Array(key.escaped.length).keys()].map((i) => `\\u${key.escaped.charCodeAt(i).toString(16).padStart(4, '0')}`)
    return Buffer.from(`"${units.join('')}"`)
  }
  return Buffer.concat([Buffer.from('"k'), Buffer.from(key.raw), Buffer.from('"')])
}

function renderValue(value: Value, context: RenderContext): Buffer {
  if ('json' in value) return Buffer.from(fill(JSON.stringify(value.json) ?? 'null', context))
  if ('deep' in value) {
    return Buffer.from(value.deep === 'array' ? '['.repeat(value.depth) + ']'.repeat(value.depth) : '{"a":'.repeat(value.depth) + '{}' + '}'.repeat(value.depth))
  }
  if ('inString' in value) return Buffer.concat([Buffer.from('"x'), Buffer.from(value.inString), Buffer.from('y"')])
  if ('bytes' in value) return Buffer.from(value.bytes)
  return Buffer.from(value.text)
}

function renderObject(entries: readonly Entry[], context: RenderContext): Buffer {
  const parts: Buffer[] = [Buffer.from('{')]
  entries.forEach((entry, i) => {
    if (i > 0) parts.push(Buffer.from(','))
    parts.push(renderKey(entry.key), Buffer.from(':'), renderValue(entry.value, context))
  })
  parts.push(Buffer.from('}'))
  return Buffer.concat(parts)
}

function renderBody(c: BodyCase, context: RenderContext): Buffer {
  const form = c.form
  switch (form.kind) {
    case 'json':
      return Buffer.from(JSON.stringify(form.value) ?? 'null')
    case 'bytes':
      return Buffer.from(form.bytes)
    case 'text':
      return Buffer.from(form.text)
    case 'entries': {
      const entries = baseEntries(c.endpoint, form.withPnr)
      for (const m of form.mutations) mutate(entries, m)
      const object = renderObject(entries, context)
      switch (form.shape) {
        case 'object':
          return object
        case 'array':
          return Buffer.concat([Buffer.from('['), object, Buffer.from(']')])
        case 'bom':
          return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), object])
        case 'truncated':
          return object.subarray(0, Math.floor(object.length * form.cut))
        case 'padded':
          return Buffer.concat([Buffer.from(' \r\n\t'), object, Buffer.from('\n ')])
        case 'trailing':
          return Buffer.concat([object, Buffer.from(' x')])
      }
    }
  }
}

/** What a body looks like in a failure message (never JSON.stringify: it may be 60 000 levels deep). */
const describeBody = (endpoint: string, bytes: Buffer) => `${endpoint} ${JSON.stringify(decode(bytes.subarray(0, 240)))}${bytes.length > 240 ? `… (${bytes.length} bytes)` : ''}`

// ---- arbitraries for bodies -------------------------------------------------------------------

const protoObject = defineOwn({}, '__proto__', { orderRef: 'x', polluted: true })
const constructorObject = defineOwn({}, 'constructor', { prototype: { polluted: true } })
const invalidUtf8 = fc.constantFrom(
  [0xff],
  [0xfe, 0xfe],
  [0xc3],
  [0x80],
  [0xc0, 0xaf], // overlong "/"
  [0xed, 0xa0, 0x80], // an encoded surrogate
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
)

const json = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<Value> => arbitrary.map((value) => ({ json: value }))

/** Anything at all, in any field. */
const junkArb: fc.Arbitrary<Value> = fc.oneof(
  { weight: 5, arbitrary: json(fc.jsonValue({ maxDepth: 3 })) },
  {
    weight: 2,
    arbitrary: json(
      fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 1e308, '', ' ', '\u0000', '\ud800', '\udc00\ud800', '𝒳', 'åäö', '\u202e', [], {}, [[]], protoObject, constructorObject),
    ),
  },
  { weight: 1, arbitrary: fc.record({ deep: fc.constantFrom<'array' | 'object'>('array', 'object'), depth: fc.integer({ min: 1_000, max: 60_000 }) }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 300_000 }).map((n) => ({ json: 'a'.repeat(n) })) },
  { weight: 1, arbitrary: invalidUtf8.map((bytes) => ({ inString: bytes })) },
  { weight: 1, arbitrary: invalidUtf8.map((bytes) => ({ bytes })) },
  { weight: 1, arbitrary: fc.constantFrom('1e400', '-0', '1e-400', '"\\ud800\\udc00"', '"\\u0000"', '123456789012345678901234567890', '[1,\n2]', 'tru', '"unterminated').map((text) => ({ text })) },
)

const base64Arb: fc.Arbitrary<string> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 1_125 }).map((bytes) => Buffer.from(bytes).toString('base64')),
  fc.integer({ min: 1_126, max: 30_000 }).map((n) => Buffer.alloc(n, 0x5a).toString('base64')),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64').replace(/=+$/, '')),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
  fc.uint8Array({ minLength: 3, maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64').replace(/^(.{2})/, '$1\n')),
  fc.constantFrom('', '=', '====', 'QQ', 'QQ=', 'QQ==', 'QR==', 'Q===', 'ÅÄÖ=', 'AAAA\n', ' AAAA', 'AA AA'),
)

const deviceMemberArb = fc.oneof(
  fc.string({ maxLength: 70 }),
  fc.constantFrom('x'.repeat(64), 'x'.repeat(65), 'x'.repeat(253), 'x'.repeat(254), 'x'.repeat(256), 'x'.repeat(257), '', 'skolan.se', 'Skolan.se', 'ab', 'xn--skla-7qa.se'),
  fc.constantFrom<unknown>(null, 1, true, [], {}),
)
const deviceArb = (keys: readonly string[]): fc.Arbitrary<Value> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: json(
        fc
          .array(fc.tuple(fc.constantFrom(...keys, '__proto__', 'constructor', 'toString', 'extra'), deviceMemberArb), { maxLength: 3 })
          .map((pairs) => pairs.reduce<object>((object, [key, value]) => defineOwn(object, key, value), {})),
      ),
    },
    { weight: 1, arbitrary: junkArb },
  )

const REQUIREMENT_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  pinCode: fc.oneof(fc.boolean(), fc.constantFrom<unknown>('true', 0, null)),
  mrtd: fc.oneof(fc.boolean(), fc.constantFrom<unknown>('false', 1, null)),
  cardReader: fc.constantFrom<unknown>('class1', 'class2', 'class3', 'CLASS1', '', null),
  certificatePolicies: fc.constantFrom<unknown>(
    ['1.2.752.78.1.5'],
    ['1.2.752.78.*'],
    ['1.2.3.4.*'],
    ['1.2.752.78.1.2', '1.2.3'],
    [],
    ['1.2.*'],
    ['1'],
    ['a.b'],
    '1.2.3',
    [1],
    [['1.2.3']],
  ),
  personalNumber: fc.constantFrom<unknown>(PNR, PNR, PNR, '19900101238', '1990010123855', '19900101-2385', 199001012385, '', 'abcdefghijkl', '１９９００１０１２３８５'),
}
const requirementArb: fc.Arbitrary<Value> = fc.oneof(
  {
    weight: 4,
    arbitrary: json(
      fc
        .array(
          fc
            .constantFrom(...REQUIREMENT_KEYS, '__proto__', 'constructor', 'personalnumber', 'extra')
            .chain((key) => fc.tuple(fc.constant(key), Object.hasOwn(REQUIREMENT_VALUES, key) ? (REQUIREMENT_VALUES[key] as fc.Arbitrary<unknown>) : fc.jsonValue({ maxDepth: 1 }))),
          { maxLength: 3 },
        )
        .map((pairs) => pairs.reduce<object>((object, [key, value]) => defineOwn(object, key, value), {})),
    ),
  },
  { weight: 1, arbitrary: junkArb },
)

/** Values for one field: valid ones, ones that are almost, and junk. */
const FIELD_VALUES: Record<string, fc.Arbitrary<Value>> = {
  endUserIp: fc.oneof(
    json(fc.ipV4()),
    json(fc.ipV6()),
    json(fc.constantFrom('localhost', '::ffff:127.0.0.1', '127.0.0.1 ', ' 127.0.0.1', '127.1', '999.0.0.1', '0x7f.0.0.1', '::', '1.2.3.4/24', '', '127.0.0.1\u0000', '203.0.113.7')),
    junkArb,
  ),
  userVisibleData: fc.oneof({ weight: 3, arbitrary: json(base64Arb) }, { weight: 1, arbitrary: junkArb }),
  userNonVisibleData: fc.oneof(
    { weight: 3, arbitrary: json(base64Arb) },
    { weight: 1, arbitrary: fc.integer({ min: 100_000, max: 160_000 }).map((n) => ({ json: Buffer.alloc(n, 0x33).toString('base64') })) },
    { weight: 1, arbitrary: junkArb },
  ),
  userVisibleDataFormat: fc.oneof(
    json(fc.constantFrom<unknown>('plaintext', 'simpleMarkdownV1', 'PLAINTEXT', 'simplemarkdownv1', 'markdown', '', ['plaintext'], [['simpleMarkdownV1']], null, 0)),
    fc.integer({ min: 1_000, max: 60_000 }).map((depth) => ({ deep: 'array' as const, depth })),
    junkArb,
  ),
  returnUrl: fc.oneof(
    json(fc.string({ unit: 'binary', minLength: 1, maxLength: 520 })),
    json(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 100 })),
    json(fc.constantFrom('', 'x'.repeat(512), 'x'.repeat(513), 'https://skolan.example/inloggad')),
    invalidUtf8.map((bytes) => ({ inString: bytes })),
    junkArb,
  ),
  returnRisk: fc.oneof(json(fc.boolean()), json(fc.constantFrom<unknown>('true', 1, null)), junkArb),
  web: deviceArb([...WEB_LIMITS.keys()]),
  app: deviceArb([...APP_LIMITS.keys()]),
  requirement: requirementArb,
  orderRef: fc.oneof(
    { weight: 3, arbitrary: json(fc.constant(LIVE)) },
    { weight: 2, arbitrary: json(fc.string({ maxLength: 40 })) },
    { weight: 1, arbitrary: json(fc.constantFrom('g1.', 'g1.AAAA', ' ', '131daac9-16c6-4618-beb0-365768f37288')) },
    { weight: 2, arbitrary: junkArb },
  ),
}

const keyArb: fc.Arbitrary<Key> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(
        '__proto__',
        'constructor',
        'prototype',
        'toString',
        'valueOf',
        'hasOwnProperty',
        'personalNumber',
        'orderRef',
        'endUserIP',
        'EndUserIp',
        'endUserIp ',
        '',
        '\u0000',
        'ä',
        '𝒳',
        '\ud800',
        '0',
        '1e3',
        'status',
      )
      .map((s) => ({ s })),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => ({ s })) },
  { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 100_000 }).map((n) => ({ s: 'k'.repeat(n) })) },
  { weight: 1, arbitrary: invalidUtf8.map((raw) => ({ raw })) },
)

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('add' as const), key: keyArb, value: fc.oneof(junkArb, ...Object.values(FIELD_VALUES)) }) },
  {
    weight: 6,
    arbitrary: fc
      .constantFrom(...Object.keys(FIELD_VALUES))
      .chain((field) => fc.record({ kind: fc.constant('set' as const), field: fc.constant(field), value: FIELD_VALUES[field] as fc.Arbitrary<Value> })),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dup' as const), at: fc.nat(), value: fc.oneof(junkArb, json(fc.constant(LIVE))) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('escape' as const), at: fc.nat() }) },
)

const bodyFormArb: fc.Arbitrary<BodyForm> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('entries' as const),
      withPnr: fc.boolean(),
      mutations: fc.array(mutationArb, { maxLength: 3 }),
      shape: fc.oneof(
        { weight: 12, arbitrary: fc.constant<Shape>('object') },
        { weight: 1, arbitrary: fc.constantFrom<Shape>('array', 'bom', 'truncated', 'padded', 'trailing') },
      ),
      cut: fc.double({ min: 0, max: 0.999, noNaN: true }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('json' as const), value: fc.jsonValue() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bytes' as const), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('text' as const),
      text: fc.constantFrom('', ' ', 'null', 'true', '0', '[]', '{}', '{', '{"orderRef":', '\ufeff{}', 'NaN', '{"a":1,}', "{'orderRef':'x'}", '[1,2', '\u0000', '{"orderRef":"x"}{}'),
    }),
  },
)
const bodyCaseArb: fc.Arbitrary<BodyCase> = fc.record({ endpoint: fc.constantFrom(...ENDPOINTS), form: bodyFormArb })

// ---- 1. bodies --------------------------------------------------------------------------------

describe('bodies to the gateway (fuzz)', () => {
  it('every body gets BankID\'s error naming a fault the reference names, or a v6 success; never a 500 (200 runs)', async () => {
    const stats = { started: 0, collected: 0, cancelled: 0, details: new Map<string, number>() }
    // Kiosk c's live order: the token mutated /collect and /cancel bodies carry.
    let liveToken: LiveToken = { token: '', alive: false }
    const freshLive = async () => {
      const a = await post('c', 'auth', JSON.stringify(authBody()))
      observe('auth', 'c', undefined, a)
      expect(a.status, a.text).toBe(200)
      liveToken = { token: (JSON.parse(a.text) as { orderRef: string }).orderRef, alive: true }
    }
    let runs = 0
    await fc.assert(
      fc.asyncProperty(fc.array(bodyCaseArb, { minLength: 1, maxLength: 4 }), async (cases) => {
        for (const c of cases) {
          if (!liveToken.alive) await freshLive()
          const bytes = renderBody(c, { live: liveToken.token })
          const verdict = judgeBody(c.endpoint, bytes, liveToken)
          const a = await post('c', c.endpoint, bytes)
          observe(c.endpoint, 'c', bytes, a)
          const context = describeBody(c.endpoint, bytes)
          const body = checkAnswer(a, context)
          expect(isNodeAnswer(a), context).toBe(false)
          expectVerdict(a, body, verdict, context)
          if (verdict.kind === 'refused') stats.details.set(detailsOf(a), (stats.details.get(detailsOf(a)) ?? 0) + 1)
          else stats[verdict.kind]++
          if (verdict.kind === 'cancelled') liveToken.alive = false
        }
        await cancelOpen(new Set([liveToken.token]))
        if (++runs % 25 === 0) await liveness()
      }),
      fuzzOptions(0x6a7e_0101, 200, { interruptAfterTimeLimit: 40_000 }),
    )
    await settleSuite()
    // The runs reach every kind of answer.
    expect(stats.started).toBeGreaterThan(20)
    expect(stats.collected).toBeGreaterThan(5)
    expect(stats.cancelled).toBeGreaterThan(5)
    for (const details of ['Invalid request', 'Invalid orderRef', 'No such order', 'Invalid endUserIp', 'Invalid userVisibleData', 'Invalid requirement', 'Invalid returnUrl']) {
      expect(stats.details.get(details) ?? 0, `answers "${details}"`).toBeGreaterThan(0)
    }
    expect([...stats.details.keys()].some((details) => details.startsWith('Invalid parameter: '))).toBe(true)
    ran.add('bodies')
  }, 60_000)

  it('answers known edge cases exactly', async () => {
    const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)
    const started = await post('a', 'auth', JSON.stringify(authBody()))
    observe('auth', 'a', undefined, started)
    const token = (JSON.parse(started.text) as { orderRef: string }).orderRef
    const liveToken = { token, alive: true }
    const cases: [Endpoint, string | Buffer][] = [
      // A deeply nested array where a string belongs: no stack overflow, no 500.
      ['auth', `{"endUserIp":"127.0.0.1","userVisibleDataFormat":${deep(5_000)}}`],
      ['sign', `{"endUserIp":"127.0.0.1","userVisibleData":"QQ==","userVisibleDataFormat":${deep(100_000)}}`],
      ['auth', `{"endUserIp":"127.0.0.1","requirement":${deep(100_000)}}`],
      ['collect', `{"orderRef":${deep(100_000)}}`],
      // __proto__ and constructor are keys like any other.
      ['auth', '{"endUserIp":"127.0.0.1","__proto__":{"personalNumber":"199001012385"}}'],
      ['auth', '{"endUserIp":"127.0.0.1","requirement":{"__proto__":{"personalNumber":"1"}}}'],
      ['auth', '{"endUserIp":"127.0.0.1","web":{"constructor":"x"}}'],
      ['auth', '{"endUserIp":"127.0.0.1","app":{"__proto__":"x"}}'],
      ['collect', `{"__proto__":{"orderRef":${JSON.stringify(token)}}}`],
      ['collect', `{"orderRef":${JSON.stringify(token)},"constructor":{}}`],
      // Repeated keys: the last one counts, as in JSON.parse.
      ['collect', `{"orderRef":"x","orderRef":${JSON.stringify(token)}}`],
      ['collect', `{"orderRef":${JSON.stringify(token)},"orderRef":"x"}`],
      ['auth', '{"endUserIp":"127.0.0.1","endUserIp":"nope"}'],
      // A format that is a one-element array is still not a string.
      ['auth', '{"endUserIp":"127.0.0.1","userVisibleDataFormat":["plaintext"]}'],
      ['auth', '\ufeff{"endUserIp":"127.0.0.1"}'],
      // Another address claimed: started, and BankID sees the kiosk's own (expectVerdict checks).
      ['auth', JSON.stringify({ ...authBody(), endUserIp: '203.0.113.7' })],
      ['sign', '{"endUserIp":"::1","userVisibleData":"QQ=="}'],
      // Invalid UTF-8 inside a string is read as U+FFFD, not refused (see the report).
      ['auth', Buffer.concat([Buffer.from('{"endUserIp":"127.0.0.1","returnUrl":"'), Buffer.from([0xff, 0xc0, 0xaf]), Buffer.from('"}')])],
      ['auth', ''],
    ]
    for (const [endpoint, text] of cases) {
      const bytes = Buffer.from(text)
      const a = await post('a', endpoint, bytes)
      observe(endpoint, 'a', bytes, a)
      const context = describeBody(endpoint, bytes)
      expectVerdict(a, checkAnswer(a, context), judgeBody(endpoint, bytes, liveToken), context)
    }
    await settleSuite()
  })
})

// ---- 2. headers, methods and paths ------------------------------------------------------------

type Route = 'route' | 'none' | 'too-long' | 'unparseable'
interface PathCase {
  text: string
  route: Route
}
type Extra =
  | { kind: 'none' }
  | { kind: 'fill'; size: number }
  | { kind: 'many'; count: number }
  | { kind: 'expect'; value: string }
  | { kind: 'odd'; name: string; value: string }
interface HeaderCase {
  endpoint: Endpoint
  method: string
  path: PathCase
  contentType: readonly string[]
  extra: Extra
  validBody: boolean
}

const percentAll = (text: string) => [...text].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('')
/** Paths for one endpoint, and whether the gateway's routing (WHATWG URL paths) reaches it. */
const pathArb = (ep: Endpoint): fc.Arbitrary<PathCase> => {
  const to = (text: string, route: Route = 'route'): PathCase => ({ text, route })
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(to(`${RP}${ep}`)) },
    { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...'abz09=&+%-._~'), maxLength: 30 }).map((q) => to(`${RP}${ep}?${q}`)) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        to(`${RP}${ep}#fragment`),
        to(`${RP}${ep}?`),
        to(`${RP}${ep}/`, 'none'),
        to(`${RP}${ep}//`, 'none'),
        to(`/rp/v6.0//${ep}`, 'none'),
        to(`//rp/v6.0/${ep}`, 'none'), // a host "rp", the path /v6.0/…
        to(`/rp/v6.0/./${ep}`),
        to(`/rp/v6.0/x/../${ep}`),
        to(`/rp/v6.0/%2e/${ep}`),
        to(`/rp/v6.0/%2E%2E/v6.0/${ep}`),
        to(`/../rp/v6.0/${ep}`),
        to(`/rp/v6.0/${ep}/..`, 'none'),
        to(`/rp/v6.0/${ep}/.`, 'none'),
        to(`/rp/v6.0/${percentAll(ep)}`, 'none'),
        to(`/rp%2Fv6.0%2F${ep}`, 'none'),
        to(`/rp\\v6.0\\${ep}`), // a backslash is a slash in an https URL
        to(`/RP/V6.0/${ep.toUpperCase()}`, 'none'),
        to(`${RP}${ep.toUpperCase()}`, 'none'),
        to(`/rp/v5.1/${ep}`, 'none'),
        to(`/rp/v6/${ep}`, 'none'),
        to(`${RP}${ep}%00`, 'none'),
        to(`${RP}${ep};x`, 'none'),
        to(`${RP}${ep}x`, 'none'),
        to(`${RP}${ep}.json`, 'none'),
        to(`https://gateway.example${RP}${ep}`), // absolute form
        to(`http://127.0.0.1${RP}${ep}`),
        to(`https://[::1${RP}${ep}`, 'none'), // not a URL at all
        to('*', 'none'),
        to('/', 'none'),
        to(RP, 'none'),
      ),
    },
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 6_000 }).map((n) => to(`${RP}${ep}?pad=${'a'.repeat(n)}`)) },
    { weight: 1, arbitrary: fc.integer({ min: NODE_HEADER_LIMIT + 600, max: 40_000 }).map((n) => to(`${RP}${ep}?pad=${'a'.repeat(n)}`, 'too-long')) },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'abcxyzABZ0129-_~!$&\'()*+,;=:@'), maxLength: 40 }).map((s) => to(`/${s}`, 'none')) },
    // Node's parser takes only ASCII in a request target: a raw é (byte E9) is a malformed request.
    { weight: 1, arbitrary: fc.constantFrom(to(`${RP}${ep}é`, 'unparseable'), to(`/é`, 'unparseable'), to(`${RP}${ep}?q=å`, 'unparseable')) },
  )
}

const owsArb = fc.constantFrom('', '', ' ', '\t', '  ', ' \t')
const contentTypeValueArb = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(owsArb, fc.mixedCase(fc.constant('application/json')), owsArb).map(([a, b, c]) => a + b + c) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
      'application/json ;',
      'application/json,',
      'application/json, text/plain',
      'text/json',
      'application/jsonx',
      'application/x-json',
      'application/problem+json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      '*/*',
      '',
      'application/ json',
      'application /json',
      'application\\/json',
      '"application/json"',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'abjnos/;=+- \tåÿ'), maxLength: 30 }) },
)
const extraArb: fc.Arbitrary<Extra> = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Extra>({ kind: 'none' }) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(fc.integer({ min: 0, max: 6_000 }), fc.integer({ min: NODE_HEADER_LIMIT + 600, max: 60_000 }))
      .map((size): Extra => ({ kind: 'fill', size })),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 300 }).map((count): Extra => ({ kind: 'many', count })) },
  { weight: 1, arbitrary: fc.constantFrom('100-continue', '100-Continue', 'foo', '', '200-ok').map((value): Extra => ({ kind: 'expect', value })) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom<[string, string]>(
        ['X-Forwarded-For', '203.0.113.9'],
        ['X-Real-IP', '198.51.100.1'],
        ['Content-Encoding', 'gzip'],
        ['Connection', 'close'],
        ['Transfer-Encoding', 'chunked'],
        ["X-Token!#$%&'*+.^_`|~", 'v'],
        ['X-Latin1', 'åäö\u00ff'],
        ['X-Empty', ''],
        ['Authorization', 'Bearer x'],
        ['Cookie', `c=${'z'.repeat(5_000)}`],
        ['Accept', 'text/html'],
      )
      .map(([name, value]): Extra => ({ kind: 'odd', name, value })),
  },
)
const headerCaseArb: fc.Arbitrary<HeaderCase> = fc.constantFrom(...ENDPOINTS).chain((endpoint) =>
  fc.record({
    endpoint: fc.constant(endpoint),
    method: fc.oneof(
      { weight: 6, arbitrary: fc.constant('POST') },
      { weight: 4, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE', 'PROPFIND', 'post', 'Post', 'FOO') },
    ),
    path: pathArb(endpoint),
    contentType: fc.oneof(
      { weight: 6, arbitrary: contentTypeValueArb.map((value) => [value]) },
      { weight: 1, arbitrary: fc.constant([]) },
      { weight: 1, arbitrary: fc.tuple(contentTypeValueArb, contentTypeValueArb) },
    ),
    extra: extraArb,
    validBody: fc.boolean(),
  }),
)

function headersOf(c: HeaderCase): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {}
  if (c.contentType.length === 1) headers['Content-Type'] = c.contentType[0] as string
  if (c.contentType.length > 1) headers['Content-Type'] = [...c.contentType]
  const extra = c.extra
  if (extra.kind === 'fill') headers['X-Fill'] = 'f'.repeat(extra.size)
  if (extra.kind === 'many') for (let i = 0; i < extra.count; i++) headers[`X-Many-${i}`] = String(i)
  if (extra.kind === 'expect') headers.Expect = extra.value
  if (extra.kind === 'odd') headers[extra.name] = extra.value
  return headers
}

function headerBody(c: HeaderCase): Buffer | undefined {
  if (c.method === 'HEAD') return undefined
  if (!c.validBody) return Buffer.from('[]')
  if (c.endpoint === 'collect' || c.endpoint === 'cancel') return Buffer.from(JSON.stringify({ orderRef: `g1.${'A'.repeat(60)}` }))
  return Buffer.from(JSON.stringify(authBody()))
}

type Expected = { node: number } | { status: 401; details: string } | { status: 404 | 405 | 415 } | { verdict: Verdict }

/** Expect values that mean 100-continue (Node answers any other Expect with 417). */
const CONTINUE = new Set(['100-continue', '100-Continue'])

function judgeRequest(c: HeaderCase, as: Identity): Expected {
  const tooLarge = c.path.route === 'too-long' || (c.extra.kind === 'fill' && c.extra.size > NODE_HEADER_LIMIT)
  // Node's parser knows the methods of HTTP and WebDAV; anything else is a malformed request line.
  if (c.method === 'FOO' || c.path.route === 'unparseable') return { node: 400 }
  if (tooLarge) return { node: 431 }
  if (c.extra.kind === 'expect' && !CONTINUE.has(c.extra.value)) return { node: 417 }
  if (as === 'none') return { status: 401, details: 'A kiosk certificate is required' }
  if (as === 'foreign') return { status: 401, details: 'The kiosk certificate is not from the kiosk CA' }
  if (c.path.route !== 'route') return { status: 404 }
  // Node's client sends the method in capitals.
  if (c.method.toUpperCase() !== 'POST') return { status: 405 }
  // Node keeps the first of repeated Content-Type headers and drops the others; the gateway trims the
  // value. (No no-break space is generated: Node's client writes a header as latin1 or as UTF-8
  // depending on how it buffers the request, and trim() strips U+00A0 but not "Â\u00a0".)
  const type = c.contentType[0]
  if (type === undefined || type.trim().toLowerCase() !== 'application/json') return { status: 415 }
  return { verdict: judgeBody(c.endpoint, headerBody(c) ?? Buffer.alloc(0), null) }
}

const ERROR_BODIES = {
  404: { errorCode: 'notFound', details: 'Not found' },
  405: { errorCode: 'methodNotAllowed', details: 'Method not allowed' },
  415: { errorCode: 'unsupportedMediaType', details: 'Unsupported media type' },
} as const

function describeHeaders(c: HeaderCase, as: Identity): string {
  const extra = c.extra.kind === 'fill' ? `fill ${c.extra.size}` : c.extra.kind === 'many' ? `${c.extra.count} headers` : JSON.stringify(c.extra)
  return `${c.method} ${JSON.stringify(c.path.text.slice(0, 80))}${c.path.text.length > 80 ? `… (${c.path.text.length})` : ''} as ${as}, Content-Type ${JSON.stringify(c.contentType)}, ${extra}, ${c.validBody ? 'valid' : 'junk'} body`
}

/** Sends a header case and checks the answer against the model; returns the answer. */
async function sendHeaderCase(c: HeaderCase, as: Identity): Promise<{ answer: Answer | null; expected: Expected }> {
  const expected = judgeRequest(c, as)
  const body = headerBody(c)
  const context = describeHeaders(c, as)
  let answer: Answer
  try {
    answer = await exchange({ as, method: c.method, path: c.path.text, headers: headersOf(c), ...(body === undefined ? {} : { body }) })
  } catch (error) {
    // Node writes its 431 and destroys the socket at once, with the rest of the request unread: the
    // client may see the reset before the answer. That, and only that, may end without an answer.
    if ('node' in expected && expected.node === 431 && /socket hang up|ECONNRESET|EPIPE/.test(String(error))) {
      return { answer: null, expected }
    }
    throw new Error(`${context}: ${String(error)}`, { cause: error })
  }
  observe('verdict' in expected ? c.endpoint : null, as, body, answer)
  const method = c.method.toUpperCase()
  const json = checkAnswer(answer, context, method)
  if ('node' in expected) {
    expect(answer.status, `${context}: ${answer.text.slice(0, 200)}`).toBe(expected.node)
    expect(isNodeAnswer(answer), context).toBe(true)
    return { answer, expected }
  }
  expect(isNodeAnswer(answer), `${context}: ${answer.status}`).toBe(false)
  if ('verdict' in expected) expectVerdict(answer, json, expected.verdict, context)
  else {
    expect(answer.status, `${context}: ${answer.text.slice(0, 200)}`).toBe(expected.status)
    if (expected.status === 405) expect(answer.headers.allow, context).toBe('POST')
    if (method !== 'HEAD') {
      expect(json, context).toStrictEqual(expected.status === 401 ? { errorCode: 'unauthorized', details: expected.details } : ERROR_BODIES[expected.status])
    }
  }
  return { answer, expected }
}

describe('methods, paths and headers (fuzz)', () => {
  it('each class gets its exact answer: 404, 405 with Allow, 415, the body\'s verdict, or Node\'s own refusal (300 runs)', async () => {
    const seen = new Map<string, number>()
    let runs = 0
    await fc.assert(
      fc.asyncProperty(headerCaseArb, async (c) => {
        const { answer, expected } = await sendHeaderCase(c, 'a')
        const kind = answer === null ? 'reset' : 'node' in expected ? `node ${expected.node}` : 'verdict' in expected ? `verdict ${expected.verdict.kind}` : String(expected.status)
        seen.set(kind, (seen.get(kind) ?? 0) + 1)
        await cancelOpen()
        if (++runs % 50 === 0) await liveness()
      }),
      fuzzOptions(0x6a7e_0201, 300, { interruptAfterTimeLimit: 30_000 }),
    )
    await settleSuite()
    for (const kind of ['404', '405', '415', 'node 400', 'node 417', 'node 431', 'verdict started', 'verdict refused']) {
      expect(seen.get(kind) ?? 0, `runs answered ${kind}`).toBeGreaterThan(0)
    }
    ran.add('headers')
  }, 60_000)

  it('ignores headers after the 1 000th, as Node does, and still answers', async () => {
    const many = (count: number) => Object.fromEntries([...Array(count).keys()].map((i) => [`X-${i}`, 'v']))
    const body = Buffer.from(JSON.stringify({ orderRef: 'g1.AAAA' }))
    // Host and Content-Type first: within the first 1 000, so they count.
    const first = await exchange({ as: 'a', path: `${RP}collect`, headers: { Host: '127.0.0.1', ...JSON_TYPE, ...many(1_100) }, body })
    expect(checkAnswer(first, '1 100 headers after Content-Type')).toStrictEqual({ errorCode: 'invalidParameters', details: 'No such order' })
    // Content-Type after them: dropped, so the media type is missing.
    const last = await exchange({ as: 'a', path: `${RP}collect`, headers: { Host: '127.0.0.1', ...many(1_100), ...JSON_TYPE }, body })
    expect(checkAnswer(last, '1 100 headers before Content-Type')).toStrictEqual(ERROR_BODIES[415])
    await settleSuite()
  })
})

// ---- 3. sizes and slowness --------------------------------------------------------------------

describe('body sizes and slow clients', () => {
  it('a body of at most 256 KiB is read, one byte more is "Invalid request", in one piece or in chunks (60 runs)', async () => {
    const seen = { under: 0, over: 0, exact: 0 }
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Endpoint>('collect', 'cancel', 'auth'),
        fc.oneof(fc.integer({ min: LIMIT - 300, max: LIMIT + 300 }), fc.constantFrom(LIMIT - 1, LIMIT, LIMIT + 1)),
        fc.constantFrom(' ', '\n', 'å', '€', '😀'),
        fc.integer({ min: 1, max: 8 }),
        async (endpoint, target, pad, pieces) => {
          const whitespace = pad.trim() === ''
          const [head, tail] =
            endpoint === 'auth'
              ? whitespace
                ? [JSON.stringify(authBody()), '']
                : ['{"endUserIp":"127.0.0.1","returnUrl":"', '"}']
              : whitespace
                ? [JSON.stringify({ orderRef: `g1.${'A'.repeat(60)}` }), '']
                : ['{"orderRef":"g1.', '"}']
          const fixed = Buffer.byteLength(head + tail)
          const count = Math.max(0, Math.floor((target - fixed) / Buffer.byteLength(pad)))
          const bytes = Buffer.from(head + pad.repeat(count) + tail)
          const verdict = judgeBody(endpoint, bytes, null)
          const size = Math.ceil(bytes.length / pieces)
          const chunks = [...Array(pieces).keys()].map((i) => bytes.subarray(i * size, (i + 1) * size)).filter((chunk) => chunk.length > 0)
          const a = await exchange({ as: 'a', path: RP + endpoint, headers: JSON_TYPE, body: chunks.length === 1 ? bytes : chunks })
          observe(endpoint, 'a', bytes, a)
          const context = `${endpoint}, ${bytes.length} bytes padded with ${JSON.stringify(pad)}, in ${chunks.length} pieces`
          expectVerdict(a, checkAnswer(a, context), verdict, context)
          if (bytes.length > LIMIT) {
            expect(detailsOf(a), context).toBe('Invalid request')
            seen.over++
          } else seen.under++
          if (bytes.length === LIMIT) seen.exact++
          await cancelOpen()
        },
      ),
      fuzzOptions(0x6a7e_0301, 60, { interruptAfterTimeLimit: 20_000 }),
    )
    expect(seen.under).toBeGreaterThan(10)
    expect(seen.over).toBeGreaterThan(10)
    expect(seen.exact).toBeGreaterThan(0)
    await settleSuite()
  }, 40_000)

  it('10 MB bodies are refused in bounded time, a trickled body is read, stalled headers are cut with 408', async () => {
    // The slowloris runs alongside everything else here; the gateway must serve the others meanwhile.
    const stall = stalledHeaders(8_000)
    const tenMegabytes = Buffer.alloc(10 * 1024 * 1024, 0x20)
    const big = Buffer.concat([Buffer.from('{"orderRef":"g1.AAAA"}'), tenMegabytes])
    for (const [as, path, details] of [
      ['a', `${RP}collect`, 'Invalid request'],
      ['none', `${RP}auth`, 'A kiosk certificate is required'],
      ['foreign', `${RP}cancel`, 'The kiosk certificate is not from the kiosk CA'],
    ] as const) {
      const a = await exchange({ as, path, headers: JSON_TYPE, body: big, fresh: true, timeoutMs: 10_000 })
      const context = `10 MB to ${path} as ${as}`
      const json = checkAnswer(a, context)
      expect(json, context).toStrictEqual({ errorCode: as === 'a' ? 'invalidParameters' : 'unauthorized', details })
      expect(a.ms, `${context}: answered after ${Math.round(a.ms)} ms`).toBeLessThan(8_000)
    }
    // 10 MB to a path that does not exist: answered without reading it.
    const notFound = await exchange({ as: 'a', path: '/nowhere', headers: JSON_TYPE, body: big, fresh: true, timeoutMs: 10_000 })
    expect(checkAnswer(notFound, '10 MB to /nowhere')).toStrictEqual(ERROR_BODIES[404])
    await liveness()

    // A valid body in 24 pieces, 40 ms apart, a multi-byte character split between two of them.
    const text = JSON.stringify({ ...authBody(), returnUrl: 'https://skolan.example/åäö/😀' })
    const bytes = Buffer.from(text)
    const split = bytes.indexOf(Buffer.from('😀')) + 2
    const pieces = [bytes.subarray(0, split), bytes.subarray(split)].flatMap((part) => {
      const size = Math.ceil(part.length / 12)
      return [...Array(12).keys()].map((i) => part.subarray(i * size, (i + 1) * size)).filter((chunk) => chunk.length > 0)
    })
    const trickled = await exchange({ as: 'a', path: `${RP}auth`, headers: JSON_TYPE, body: pieces, gapMs: 40 })
    observe('auth', 'a', bytes, trickled)
    expectVerdict(trickled, checkAnswer(trickled, 'trickled auth'), { kind: 'started' }, 'trickled auth')

    const stalled = await stall
    statuses.set(408, (statuses.get(408) ?? 0) + (stalled.text.startsWith('HTTP/1.1 408') ? 1 : 0))
    expect(stalled.closed, `stalled headers still open after ${Math.round(stalled.afterMs)} ms (headersTimeout is 5 s)`).toBe(true)
    expect(stalled.text, 'the answer to stalled headers').toMatch(/^HTTP\/1\.1 408 /)
    expect(stalled.afterMs).toBeGreaterThan(4_500)
    expect(stalled.afterMs).toBeLessThan(7_500)
    await settleSuite()
    ran.add('sizes')
  }, 40_000)
})

// ---- 4. identity ------------------------------------------------------------------------------

function newLogEntries(from: number): Record<string, unknown>[] {
  return gw.logger.lines.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>)
}

const bankIdRequests = () => sim.simulator.log.list().length

describe('kiosk identity', () => {
  const REASONS = { none: 'no-certificate', foreign: 'untrusted-certificate' } as const
  const kioskFingerprints = () => new Set(Object.values(gw.pki.kiosks).map((kiosk) => kiosk.fingerprint256))

  function expectRefusalLogged(entries: Record<string, unknown>[], as: 'none' | 'foreign', context: string): void {
    const refusals = entries.filter((entry) => entry.event === 'gateway.refused')
    expect(refusals, `${context}: one gateway.refused line`).toHaveLength(1)
    const entry = refusals[0] as Record<string, unknown>
    expect(entry.reason, context).toBe(REASONS[as])
    expect(String(entry.address), context).toMatch(/^(::ffff:)?127\.0\.0\.1$/)
    if (as === 'none') expect(entry.fingerprint, context).toBeNull()
    else {
      expect(String(entry.fingerprint), context).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
      expect(kioskFingerprints().has(String(entry.fingerprint)), context).toBe(false)
    }
  }

  it('no certificate or a foreign one: 401 on every endpoint, logged, BankID never asked', async () => {
    for (const as of ['none', 'foreign'] as const) {
      for (const endpoint of ENDPOINTS) {
        const from = gw.logger.lines.length
        const before = bankIdRequests()
        const body = endpoint === 'auth' || endpoint === 'sign' ? JSON.stringify(authBody()) : JSON.stringify({ orderRef: `g1.${'A'.repeat(60)}` })
        const a = await post(as, endpoint, body)
        const context = `${endpoint} as ${as}`
        expect(checkAnswer(a, context), context).toStrictEqual({
          errorCode: 'unauthorized',
          details: as === 'none' ? 'A kiosk certificate is required' : 'The kiosk certificate is not from the kiosk CA',
        })
        expect(a.status, context).toBe(401)
        expectRefusalLogged(newLogEntries(from), as, context)
        expect(bankIdRequests(), context).toBe(before)
      }
    }
  })

  it('whatever else they send, the answer is 401 (or Node\'s own refusal, before the gateway sees it) (150 runs)', async () => {
    const stats = { refused: 0, node: 0 }
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<'none' | 'foreign'>('none', 'foreign'), headerCaseArb, async (as, c) => {
        const from = gw.logger.lines.length
        const before = bankIdRequests()
        const { expected } = await sendHeaderCase(c, as)
        const context = describeHeaders(c, as)
        if ('node' in expected) {
          expect(newLogEntries(from).filter((entry) => entry.event === 'gateway.refused'), context).toEqual([])
          stats.node++
        } else {
          expectRefusalLogged(newLogEntries(from), as, context)
          stats.refused++
        }
        expect(bankIdRequests(), context).toBe(before)
      }),
      fuzzOptions(0x6a7e_0401, 150, { interruptAfterTimeLimit: 20_000 }),
    )
    expect(stats.refused).toBeGreaterThan(100)
    expect(stats.node).toBeGreaterThan(0)
    expect(open.size).toBe(0)
    await settleSuite()
    ran.add('identity')
  }, 40_000)
})

// ---- 5. order tokens --------------------------------------------------------------------------

const BASE64URL = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_']
type TokenMutation =
  | { kind: 'none' }
  | { kind: 'random'; body: string }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'char'; at: number; to: string }
  | { kind: 'truncate'; keep: number }
  | { kind: 'extend'; extra: string }
  | { kind: 'prefix'; prefix: string }
  | { kind: 'string'; value: string }
  | { kind: 'long'; n: number }
type TokenShape = 'plain' | 'extra-key' | 'array' | 'wrapped' | 'renamed' | 'repeated' | 'repeated-first'
interface TokenCase {
  endpoint: 'collect' | 'cancel'
  /** Which of the pool's real tokens: 0–2 kiosk a's, 3 kiosk b's. */
  owner: number
  /** Presented by the kiosk it was issued to, or by another. */
  presenter: 'same' | 'b' | 'c' | 'a'
  mutation: TokenMutation
  shape: TokenShape
}

const tokenMutationArb: fc.Arbitrary<TokenMutation> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<TokenMutation>({ kind: 'none' }) },
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...BASE64URL), maxLength: 400 }).map((body): TokenMutation => ({ kind: 'random', body })) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('char' as const), at: fc.nat(), to: fc.constantFrom(...BASE64URL, '=', '+', '/', '.', ' ', 'é') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('extend' as const), extra: fc.oneof(fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 1, maxLength: 4 }), fc.constantFrom('=', '==', '\n', ' ', '.')) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('prefix' as const), prefix: fc.constantFrom('', 'g2.', 'G1.', 'g1', 'g1..', ' g1.', 'g0.', 'g1.g1.') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('string' as const), value: fc.string({ unit: 'binary', maxLength: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('long' as const), n: fc.integer({ min: 400, max: 2_000 }) }) },
)
const tokenCaseArb: fc.Arbitrary<TokenCase> = fc.record({
  endpoint: fc.constantFrom<'collect' | 'cancel'>('collect', 'cancel'),
  owner: fc.integer({ min: 0, max: 3 }),
  presenter: fc.oneof({ weight: 3, arbitrary: fc.constant('same' as const) }, { weight: 1, arbitrary: fc.constantFrom('a' as const, 'b' as const, 'c' as const) }),
  mutation: tokenMutationArb,
  shape: fc.oneof(
    { weight: 8, arbitrary: fc.constant<TokenShape>('plain') },
    { weight: 1, arbitrary: fc.constantFrom<TokenShape>('extra-key', 'array', 'wrapped', 'renamed', 'repeated', 'repeated-first') },
  ),
})

function mutateToken(token: string, m: TokenMutation): string {
  const body = token.slice(3)
  switch (m.kind) {
    case 'none':
      return token
    case 'random':
      return `g1.${m.body}`
    case 'flip': {
      const bytes = Buffer.from(body, 'base64url')
      const at = m.at % bytes.length
      bytes[at] = (bytes[at] as number) ^ (1 << m.bit)
      return `g1.${bytes.toString('base64url')}`
    }
    case 'char': {
      const at = m.at % body.length
      return `g1.${body.slice(0, at)}${m.to}${body.slice(at + 1)}`
    }
    case 'truncate':
      return token.slice(0, m.keep % token.length)
    case 'extend':
      return token + m.extra
    case 'prefix':
      return m.prefix + body
    case 'string':
      return m.value
    case 'long':
      return token + 'A'.repeat(m.n)
  }
}

/** Whether a string is the same sealed token: "g1.", at most 512 characters, base64url of the same bytes. */
function sameToken(candidate: string, token: string): boolean {
  if (!candidate.startsWith('g1.') || candidate.length > 512 || !/^[A-Za-z0-9_-]+$/.test(candidate.slice(3))) return false
  return Buffer.from(candidate.slice(3), 'base64url').equals(Buffer.from(token.slice(3), 'base64url'))
}

function tokenBody(shape: TokenShape, orderRef: string): string {
  const ref = JSON.stringify(orderRef)
  switch (shape) {
    case 'plain':
      return `{"orderRef":${ref}}`
    case 'extra-key':
      return `{"orderRef":${ref},"status":"pending"}`
    case 'array':
      return `[{"orderRef":${ref}}]`
    case 'wrapped':
      return `{"orderRef":[${ref}]}`
    case 'renamed':
      return `{"OrderRef":${ref}}`
    case 'repeated':
      return `{"orderRef":"g1.AAAA","orderRef":${ref}}`
    case 'repeated-first':
      return `{"orderRef":${ref},"orderRef":"g1.AAAA"}`
  }
}

describe('order tokens (fuzz)', () => {
  it('only a kiosk\'s own token (or the same bytes) opens; anything else is "No such order" and never reaches BankID (300 runs)', async () => {
    const KIOSK_IDS: Record<Kiosk, string> = { a: 'reception-a', b: 'reception-b', c: 'reception-c' }
    const owners: Kiosk[] = ['a', 'a', 'a', 'b']
    const pool: string[] = []
    const start = async (as: Kiosk) => {
      const a = await post(as, 'auth', JSON.stringify(authBody()))
      observe('auth', as, undefined, a)
      expect(a.status, a.text).toBe(200)
      return (JSON.parse(a.text) as { orderRef: string }).orderRef
    }
    for (const owner of owners) pool.push(await start(owner))
    const stats = { opened: 0, noSuchOrder: 0, invalid: 0, equivalent: 0 }
    const reached = () => sim.simulator.log.list({ endpoint: 'collect' }).length + sim.simulator.log.list({ endpoint: 'cancel' }).length
    let runs = 0
    await fc.assert(
      fc.asyncProperty(tokenCaseArb, async (c) => {
        const owner = owners[c.owner] as Kiosk
        const presenter: Kiosk = c.presenter === 'same' ? owner : c.presenter
        const token = pool[c.owner] as string
        const candidate = mutateToken(token, c.mutation)
        const text = tokenBody(c.shape, candidate)
        const parsed = JSON.parse(text) as unknown
        const shapeOk = isRecord(parsed) && Object.keys(parsed).length === 1 && typeof parsed.orderRef === 'string'
        const sent = shapeOk ? (parsed as { orderRef: string }).orderRef : null
        const opens = sent !== null && presenter === owner && sameToken(sent, token)
        const verdict: Verdict = !shapeOk
          ? refused('Invalid orderRef')
          : opens
            ? c.endpoint === 'collect'
              ? { kind: 'collected', token: sent }
              : { kind: 'cancelled', token: sent }
            : refused('No such order')
        const before = reached()
        const from = gw.logger.lines.length
        const a = await post(presenter, c.endpoint, text)
        observe(c.endpoint, presenter, Buffer.from(text), a)
        const context = `${c.endpoint} ${JSON.stringify(text.slice(0, 200))} by kiosk ${presenter} (token of kiosk ${owner}, ${c.mutation.kind})`
        expectVerdict(a, checkAnswer(a, context), verdict, context)
        const tokenRefusals = newLogEntries(from).filter((entry) => entry.event === 'gateway.order-token.refused')
        if (opens) {
          // Only the real order reaches BankID, and only once.
          expect(reached(), context).toBe(before + 1)
          stats.opened++
          if (sent !== token) stats.equivalent++
          if (c.endpoint === 'cancel') {
            open.delete(token)
            pool[c.owner] = await start(owner)
          }
        } else {
          expect(reached(), `${context}: BankID was asked`).toBe(before)
          if (shapeOk) {
            expect(tokenRefusals.map((entry) => entry.kioskId), context).toEqual([KIOSK_IDS[presenter]])
            stats.noSuchOrder++
          } else {
            expect(tokenRefusals, context).toEqual([])
            stats.invalid++
          }
        }
        if (++runs % 100 === 0) await liveness()
      }),
      fuzzOptions(0x6a7e_0501, 300, { interruptAfterTimeLimit: 20_000 }),
    )
    // The real tokens still work after all that.
    for (const [i, token] of pool.entries()) {
      const a = await post(owners[i] as Kiosk, 'collect', JSON.stringify({ orderRef: token }))
      expectVerdict(a, checkAnswer(a, 'the real token afterwards'), { kind: 'collected', token }, 'the real token afterwards')
    }
    await settleSuite()
    expect(stats.opened).toBeGreaterThan(5)
    expect(stats.noSuchOrder).toBeGreaterThan(150)
    expect(stats.invalid).toBeGreaterThan(5)
    ran.add('tokens')
  }, 40_000)
})

// ---- 6. the rate limit, and the whole suite ---------------------------------------------------

describe('the rate limit, and every status the front sent', () => {
  it('kiosk b\'s starts run out after its burst: 429 tooManyRequests with Retry-After, still BankID-shaped', async () => {
    // The test gateway allows a burst of 1 000 starts per kiosk, then 600 a minute. Every /auth counts,
    // a body the gateway refuses too (here: [] is "Invalid request").
    let count = 0
    let limited: Answer | null = null
    while (count < 1_200 && limited === null) {
      const a = await post('b', 'auth', '[]')
      count++
      const json = checkAnswer(a, `auth #${count} from kiosk b`)
      if (a.status === 429) limited = a
      else expect(json).toStrictEqual({ errorCode: 'invalidParameters', details: 'Invalid request' })
    }
    if (limited === null) throw new Error('no 429 after 1 200 starts')
    expect(count).toBeGreaterThan(950)
    const details = detailsOf(limited)
    expect(JSON.parse(limited.text)).toMatchObject({ errorCode: 'tooManyRequests' })
    const seconds = /^Too many orders from this kiosk; try again in (\d+) s$/.exec(details)?.[1]
    expect(seconds, details).toBeDefined()
    expect(limited.headers['retry-after']).toBe(seconds)
    // Collect is not rate-limited, and kiosk a has its own bucket.
    const collect = await post('b', 'collect', JSON.stringify({ orderRef: 'g1.AAAA' }))
    expect(checkAnswer(collect, 'collect from kiosk b')).toStrictEqual({ errorCode: 'invalidParameters', details: 'No such order' })
    await settleSuite()
    ran.add('rate-limit')
  }, 30_000)

  it('the suite saw exactly the statuses the front sends, and nothing is left behind', async () => {
    await settleSuite()
    expect(gw.gateway.front.pendingCount).toBe(0)
    if (['bodies', 'headers', 'sizes', 'identity', 'tokens', 'rate-limit'].every((name) => ran.has(name))) {
      expect([...statuses.keys()].sort((x, y) => x - y)).toEqual(EXPECTED_STATUSES)
    }
  })
})
