// Every TLS client the kiosk makes checks the server's certificate against its own trust anchor,
// whatever the environment says (security review, finding 5): NODE_TLS_REJECT_UNAUTHORIZED=0 in the
// kiosk account's environment would otherwise turn checking off for every agent that leaves
// rejectUnauthorized to Node's default. A server with a certificate from a CA nobody trusts must
// stay unreachable for the BankID transport, the hand-off client and the heartbeat alike.
import { createServer } from 'node:https'
import type { Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createHttpsTransport } from '../../src/main/bankid/transport'
import { HandoffClient } from '../../src/main/handoff/client'
import { HeartbeatSender } from '../../src/main/health/heartbeat'
import { issueCertificate, newKeyPair, pkcs8, toPem, validity } from '../../src/main/pki/issue'
import { SecretBytes } from '../../src/main/handoff/credentials'
import { CLIENT_PASSPHRASE } from '../../src/main/simulator/certificates'
import { completionFor, handoffPki } from '../support/handoff'
import { ManualScheduler } from '../support/manual-scheduler'

let server: Server
let origin: string
let requests = 0
let trustedCa: string
let pfx: Buffer
const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED

beforeAll(async () => {
  const pki = await handoffPki()
  trustedCa = pki.serverCaPem
  pfx = (await import('node:fs')).readFileSync(pki.clientP12Path)
  // A server for 127.0.0.1 whose CA the kiosk was never told about.
  const now = new Date()
  const [caKeys, keys] = await Promise.all([newKeyPair(), newKeyPair()])
  const ca = issueCertificate('Stranger CA', 'ca', caKeys, null, validity(now, 1), { organization: 'Stranger' })
  const cert = issueCertificate('localhost', 'server', keys, { cert: ca, key: caKeys.forgeKey }, validity(now, 1), { organization: 'Stranger' })
  server = createServer({ cert: toPem(cert), key: pkcs8(keys.privateKey) }, (req, res) => {
    requests++
    req.resume()
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"message":"ok","orderRef":"x"}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'
})

afterAll(async () => {
  if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED
  else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved
  await new Promise((resolve) => server.close(resolve))
})

it('the BankID transport refuses the stranger', async () => {
  const transport = createHttpsTransport({
    baseUrl: `${origin}/rp/v6.0/`,
    caPem: trustedCa,
    credentials: { kind: 'pkcs12', pfx, passphrase: CLIENT_PASSPHRASE },
  })
  try {
    const result = await transport.post('auth', { endUserIp: '127.0.0.1' }, { timeoutMs: 5_000 })
    expect(result.ok).toBe(false)
  } finally {
    transport.close()
  }
})

it('the hand-off client refuses the stranger', async () => {
  const client = new HandoffClient({
    url: `${origin}/kiosk/login`,
    auth: { kind: 'hmac', secret: new SecretBytes(Buffer.alloc(32, 7)) },
    caPem: trustedCa,
    timeoutMs: 5_000,
    allowedOrigins: [],
    kioskId: 'reception-1',
    environment: 'simulator',
    retryDelaysMs: [],
  })
  try {
    expect(await client.deliver(completionFor())).toMatchObject({ ok: false })
  } finally {
    client.close()
  }
})

it('the heartbeat refuses the stranger', async () => {
  const sender = new HeartbeatSender({
    url: `${origin}/heartbeat`,
    intervalMs: 60_000,
    timeoutMs: 5_000,
    secret: Buffer.alloc(32, 7),
    caPem: trustedCa,
    scheduler: new ManualScheduler(),
    now: () => new Date(),
    body: () => ({}),
    log: () => undefined,
    userAgent: 'bankid-kiosk/test',
  })
  try {
    expect(await sender.beat()).toMatchObject({ kind: 'failed' })
  } finally {
    await sender.stop()
  }
})

it('and none of them got a request through', () => {
  expect(requests).toBe(0)
})
