#!/usr/bin/env node
// An example receiver for the kiosk's hand-off (docs/handoff.md): what a school's service does with
// a login the kiosk sends it. Node.js 20 or later; BankID's proof is checked with xml-crypto and
// pkijs (package.json here), everything else with Node alone.
//
//   node receiver.mjs --cert server.crt --key server.key --secret-file handoff-secret.txt \
//     --bankid-roots bankid-root-ca.pem
//
// It checks, in this order, and answers with the status in brackets when a check fails:
//   POST [405] to its path [404], Content-Type application/json [415], at most 64 kB [413];
//   X-Kiosk-Signature: t=<unix seconds>,n=<nonce>,v1=<hex HMAC-SHA256(secret, "t.n.body")> [401],
//     with t within ±5 minutes of its own clock [401] and the HMAC compared in constant time [401];
//   the body: JSON, version 1, and its nonce equal to the header's n [400];
//   the nonce not seen before [409]: recorded once a request is accepted, kept for 10 minutes
//     (longer than the ±5-minute window, so a copy can never outlive its record);
//   the body's BankID environment one this receiver accepts: production only, unless told [403];
//   the orderRef not seen before [409], whatever the nonce: a login is used once;
//   BankID's own proof (bankid-proof.mjs): the signature verifies and chains to --bankid-roots, is
//     for the body's personnummer, and the OCSP response says "good", recently [403].
// The HMAC only says which kiosk sent a login; the proof says BankID identified that person, so a
// stolen kiosk secret cannot invent one. Several instances behind a load balancer must share the
// nonce and orderRef stores (a database, Redis): in memory, as here, each instance has its own.
// With --client-ca the kiosk must also present a client certificate from that CA (mutual TLS); with
// --client-ca and no secret, the certificate is the only authentication.
// Then it answers 200 with {"message": "..."} or, with --answer url, {"url": "..."}: by default a
// page of its own (/portal) that greets the parent, standing in for the school's real service.
// --unavailable N answers the first N requests 503 (without recording their nonces), to see the
// kiosk try again with the same nonce.
//
// It never logs the body: one line per request with the status and the reason only.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:https'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { MAX_OCSP_AGE_SECONDS, certificatesFromPem, verifyBankIdProof } from './bankid-proof.mjs'

export const SIGNATURE_HEADER = 'x-kiosk-signature'
export const TOLERANCE_SECONDS = 300
export const NONCE_TTL_SECONDS = 600
/** An orderRef is remembered past the OCSP freshness window (+ clock skew): after that its proof is refused as old anyway. */
export const ORDER_REF_TTL_SECONDS = MAX_OCSP_AGE_SECONDS + 300
export const ENVIRONMENTS = ['production', 'test', 'simulator', 'custom']
const MAX_BODY_BYTES = 64 * 1024
const PROTOCOL_VERSION = 1

/** The header's parts, or null: exactly t, n and v1, each once, in the right shape. */
export function parseSignature(header) {
  if (typeof header !== 'string') return null
  const parts = new Map()
  for (const part of header.split(',')) {
    const at = part.indexOf('=')
    if (at <= 0) return null
    const key = part.slice(0, at).trim()
    if (parts.has(key)) return null
    parts.set(key, part.slice(at + 1).trim())
  }
  const t = parts.get('t')
  const n = parts.get('n')
  const v1 = parts.get('v1')
  if (parts.size !== 3 || !/^\d{1,12}$/.test(t ?? '') || !/^[0-9a-f]{32}$/.test(n ?? '') || !/^[0-9a-f]{64}$/.test(v1 ?? '')) {
    return null
  }
  return { timestamp: Number(t), nonce: n, v1 }
}

/** HMAC-SHA256 over "<t>.<n>.<body>" with the shared secret, as hex. */
export function expectedSignature(secret, timestamp, nonce, body) {
  return createHmac('sha256', secret).update(`${timestamp}.${nonce}.`, 'utf8').update(body).digest('hex')
}

/** Remembers values (nonces; orderRefs) for ttlSeconds: the replay protection. In memory: one instance only. */
export class NonceStore {
  #seen = new Map()
  #ttl
  constructor(ttlSeconds = NONCE_TTL_SECONDS) {
    this.#ttl = ttlSeconds
  }
  has(nonce, nowSeconds) {
    this.#prune(nowSeconds)
    return this.#seen.has(nonce)
  }
  add(nonce, nowSeconds) {
    this.#seen.set(nonce, nowSeconds + this.#ttl)
  }
  get size() {
    return this.#seen.size
  }
  #prune(nowSeconds) {
    for (const [nonce, until] of this.#seen) if (until <= nowSeconds) this.#seen.delete(nonce)
  }
}

/**
 * Every check of one request (see the top of this file). `secret` is a Buffer, or null when mutual
 * TLS alone authenticates. `bankid`: { roots: X509Certificate[] (certificatesFromPem), environments:
 * the accepted ones, orderRefs: a NonceStore(ORDER_REF_TTL_SECONDS) }. Returns { ok: true, payload }
 * or { ok: false, status, reason }; on success the nonce and the orderRef are recorded.
 */
export function verifyRequest({ headers, body, secret, nowSeconds, seen, bankid, toleranceSeconds = TOLERANCE_SECONDS }) {
  const refuse = (status, reason) => ({ ok: false, status, reason })
  let signedNonce = null
  if (secret !== null) {
    const signature = parseSignature(headers[SIGNATURE_HEADER])
    if (!signature) return refuse(401, 'signature missing or malformed')
    if (Math.abs(nowSeconds - signature.timestamp) > toleranceSeconds) return refuse(401, 'timestamp outside ±5 minutes')
    const expected = Buffer.from(expectedSignature(secret, signature.timestamp, signature.nonce, body), 'hex')
    if (!timingSafeEqual(expected, Buffer.from(signature.v1, 'hex'))) return refuse(401, 'signature does not match')
    signedNonce = signature.nonce
  }
  let payload
  try {
    payload = JSON.parse(body.toString('utf8'))
  } catch {
    return refuse(400, 'body is not JSON')
  }
  if (typeof payload !== 'object' || payload === null || payload.version !== PROTOCOL_VERSION) {
    return refuse(400, 'unknown protocol version')
  }
  if (typeof payload.nonce !== 'string' || !/^[0-9a-f]{32}$/.test(payload.nonce)) return refuse(400, 'nonce missing')
  if (signedNonce !== null && payload.nonce !== signedNonce) return refuse(400, 'nonce differs from the signature')
  const fields = ['environment', 'personnummer', 'givenName', 'surname', 'name', 'orderRef', 'kioskId', 'completedAt', 'signature', 'ocspResponse']
  for (const field of fields) {
    if (typeof payload[field] !== 'string') return refuse(400, `${field} missing`)
  }
  if (seen.has(payload.nonce, nowSeconds)) return refuse(409, 'nonce already used (replay)')
  if (!bankid.environments.includes(payload.environment)) {
    return refuse(403, `BankID environment "${ENVIRONMENTS.includes(payload.environment) ? payload.environment : 'unknown'}" not accepted`)
  }
  if (bankid.orderRefs.has(payload.orderRef, nowSeconds)) return refuse(409, 'orderRef already used (replay)')
  const proof = verifyBankIdProof({
    signature: payload.signature,
    ocspResponse: payload.ocspResponse,
    personnummer: payload.personnummer,
    roots: bankid.roots,
    nowMs: nowSeconds * 1000,
  })
  if (!proof.ok) return refuse(403, `BankID proof refused: ${proof.reason}`)
  seen.add(payload.nonce, nowSeconds)
  bankid.orderRefs.add(payload.orderRef, nowSeconds)
  return { ok: true, payload }
}

const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c])

function portalPage(givenName) {
  const greeting = givenName === null ? 'Du är inte inloggad.' : `Välkommen, ${escapeHtml(givenName)}!`
  return `<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<title>Skolans tjänst (exempel)</title>
<style>
  body { font-family: system-ui, sans-serif; font-size: 22px; margin: 2rem; color: #111; background: #fff; }
  a { color: #0b3d91; }
</style>
</head>
<body>
<main>
<h1>Skolans tjänst</h1>
<p id="greeting">${greeting}</p>
<p>Det här är exempelmottagarens sida, i stället för skolans riktiga tjänst.</p>
<p><a href="https://example.com/">En länk till en annan webbplats (kiosken ska stoppa den)</a></p>
</main>
</body>
</html>
`
}

/**
 * Starts the receiver. Options: cert, key (PEM), secret (Buffer or null), clientCa (PEM or null),
 * bankidRoots (PEM, required), acceptEnvironments (default ['production']), port (0 = any), host,
 * path, answer ('message' | 'url'), message, pageUrl, frameAncestors, unavailableTimes, now (ms), log.
 */
export async function startReceiver(options) {
  const {
    cert,
    key,
    secret = null,
    clientCa = null,
    bankidRoots,
    acceptEnvironments = ['production'],
    port = 0,
    host = '127.0.0.1',
    path = '/kiosk/login',
    answer = 'message',
    message = 'Välkommen! Du är nu incheckad hos skolan.',
    pageUrl = null,
    // Who may frame /portal: the kiosk in Electron (app://kiosk) and the browser host (http://127.0.0.1:any).
    frameAncestors = "'self' app://kiosk http://127.0.0.1:* http://localhost:*",
    now = () => Date.now(),
    log = (line) => console.log(line),
  } = options
  if (secret === null && clientCa === null) throw new Error('give a secret (HMAC) or a client CA (mutual TLS), or both')
  if (!bankidRoots) throw new Error("give BankID's root certificate (--bankid-roots): without it no login can be verified")
  for (const environment of acceptEnvironments) {
    if (!ENVIRONMENTS.includes(environment)) throw new Error(`unknown BankID environment "${environment}" (${ENVIRONMENTS.join(', ')})`)
  }
  const bankid = { roots: certificatesFromPem(bankidRoots), environments: [...acceptEnvironments], orderRefs: new NonceStore(ORDER_REF_TTL_SECONDS) }
  let unavailable = options.unavailableTimes ?? 0
  const seen = new NonceStore()
  const sessions = new Map()
  const requests = []

  const server = createServer(
    { cert, key, ...(clientCa === null ? {} : { ca: clientCa, requestCert: true, rejectUnauthorized: true }), minVersion: 'TLSv1.2' },
    (req, res) => {
      const send = (status, reason, json) => {
        requests.push({ status, reason })
        log(`${new Date(now()).toISOString()} ${req.method} ${req.url?.split('?')[0]} → ${status} ${reason}`)
        const text = JSON.stringify(json ?? { error: reason })
        res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' })
        res.end(text)
      }
      const url = new URL(req.url ?? '/', 'https://receiver.invalid')
      if (url.pathname === '/portal' && req.method === 'GET') {
        const token = url.searchParams.get('session') ?? ''
        const session = sessions.get(token)
        const html = portalPage(session?.givenName ?? null)
        res.writeHead(200, {
          // In the kiosk the page is framed by another site: its session cookie must be SameSite=None; Secure.
          ...(session ? { 'Set-Cookie': `portal_session=${token}; Path=/; Secure; HttpOnly; SameSite=None` } : {}),
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; frame-ancestors ${frameAncestors}`,
          'Cache-Control': 'no-store',
          'Referrer-Policy': 'no-referrer',
        })
        return res.end(html)
      }
      if (url.pathname !== path) return send(404, 'not found')
      if (req.method !== 'POST') return send(405, 'POST only')
      if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) return send(415, 'JSON only')
      const chunks = []
      let size = 0
      req.on('data', (chunk) => {
        size += chunk.length
        if (size <= MAX_BODY_BYTES) chunks.push(chunk)
      })
      req.on('end', () => {
        if (size > MAX_BODY_BYTES) return send(413, 'body too large')
        if (unavailable > 0) {
          unavailable -= 1
          return send(503, 'unavailable (as asked with --unavailable)')
        }
        const body = Buffer.concat(chunks)
        const checked = verifyRequest({ headers: req.headers, body, secret, nowSeconds: Math.floor(now() / 1000), seen, bankid })
        if (!checked.ok) return send(checked.status, checked.reason)
        // Here a real service logs the parent in: BankID's proof is checked, so it looks the
        // personnummer up in its own records (is this a guardian?). This example only greets them.
        if (answer === 'url') {
          const token = randomBytes(16).toString('hex')
          sessions.set(token, { givenName: checked.payload.givenName })
          const address = server.address()
          const target = pageUrl ?? `https://${host}:${address.port}/portal`
          const page = new URL(target)
          page.searchParams.set('session', token)
          return send(200, `accepted from ${checked.payload.kioskId}`, { url: page.href })
        }
        return send(200, `accepted from ${checked.payload.kioskId}`, { message })
      })
    },
  )
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port: bound } = server.address()
  return {
    origin: `https://${host}:${bound}`,
    url: `https://${host}:${bound}${path}`,
    port: bound,
    requests,
    seenNonces: () => seen.size,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** The secret's text as the kiosk reads it: less a byte-order mark and one trailing line break. */
export function readSecretFile(file) {
  return Buffer.from(readFileSync(file, 'utf8').replace(/^\uFEFF/, '').replace(/\r?\n$/, ''), 'utf8')
}

async function main() {
  const { values } = parseArgs({
    options: {
      cert: { type: 'string' },
      key: { type: 'string' },
      'secret-file': { type: 'string' },
      'client-ca': { type: 'string' },
      'bankid-roots': { type: 'string' },
      'accept-environment': { type: 'string', default: 'production' },
      port: { type: 'string', default: '8443' },
      host: { type: 'string', default: '127.0.0.1' },
      path: { type: 'string', default: '/kiosk/login' },
      answer: { type: 'string', default: 'message' },
      message: { type: 'string' },
      'page-url': { type: 'string' },
      unavailable: { type: 'string', default: '0' },
    },
  })
  if (!values.cert || !values.key) throw new Error('--cert and --key (PEM files of the server certificate) are required')
  if (values.answer !== 'message' && values.answer !== 'url') throw new Error('--answer is "message" or "url"')
  if (!values['bankid-roots']) {
    throw new Error("--bankid-roots is required: BankID's root CA (PEM) for the environment you accept, or the simulator's signing-root-ca.pem with --accept-environment simulator")
  }
  const acceptEnvironments = values['accept-environment'].split(',').map((name) => name.trim())
  const envSecret = process.env.HANDOFF_SECRET
  const secret = values['secret-file'] ? readSecretFile(values['secret-file']) : envSecret ? Buffer.from(envSecret, 'utf8') : null
  if (secret !== null && secret.length < 32) throw new Error('the secret must be at least 32 bytes (the kiosk insists too)')
  const receiver = await startReceiver({
    cert: readFileSync(values.cert),
    key: readFileSync(values.key),
    secret,
    clientCa: values['client-ca'] ? readFileSync(values['client-ca']) : null,
    bankidRoots: readFileSync(values['bankid-roots'], 'utf8'),
    acceptEnvironments,
    port: Number(values.port),
    host: values.host,
    path: values.path,
    answer: values.answer,
    ...(values.message ? { message: values.message } : {}),
    ...(values['page-url'] ? { pageUrl: values['page-url'] } : {}),
    unavailableTimes: Number(values.unavailable),
  })
  console.log(
    `Hand-off receiver listening: ${receiver.url}  (${secret ? 'HMAC' : 'no HMAC'}${values['client-ca'] ? ', mutual TLS' : ''}; ` +
      `BankID ${acceptEnvironments.join('/')} logins; answers with a ${values.answer})`,
  )
  const stop = () => void receiver.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(`The receiver could not start: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  })
}
