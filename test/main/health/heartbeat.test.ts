// The heartbeat against a real local HTTPS receiver whose certificate comes from a test CA: the
// payload's exact shape, the signature a receiver can verify, the CA as the only trust anchor,
// back-off after failures, one beat at a time, and a clean stop.
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { HeartbeatSender, signHeartbeat, verifyHeartbeatSignature } from '../../../src/main/health/heartbeat'
import type { HeartbeatOptions } from '../../../src/main/health/heartbeat'
import { HealthMonitor } from '../../../src/main/health/monitor'
import type { HealthReport } from '../../../src/main/health/report'
import { ManualScheduler } from '../../support/manual-scheduler'
import { startHttpsReceiver } from '../../support/https-receiver'
import type { HttpsReceiver } from '../../support/https-receiver'
import { healthReportSchema } from './report-schema'

const SECRET = Buffer.from('a shared secret of some length', 'utf8')
const START = new Date(Date.UTC(2026, 10, 24, 9, 0, 0))

let receiver: HttpsReceiver
beforeAll(async () => {
  receiver = await startHttpsReceiver()
})
afterAll(async () => {
  await receiver.close()
})
beforeEach(() => {
  receiver.release()
  receiver.requests.length = 0
  receiver.mode = { kind: 'status', status: 200 }
})

interface Logged {
  level: string
  event: string
  fields: Record<string, unknown> | undefined
}

function setup(overrides: Partial<HeartbeatOptions> = {}) {
  const scheduler = new ManualScheduler()
  const zero = scheduler.now()
  const now = () => new Date(START.getTime() + scheduler.now() - zero)
  const monitor = new HealthMonitor({
    scheduler,
    now,
    kioskId: 'reception-1',
    version: '1.2.3',
    settings: { ok: true },
    environment: 'test',
    certificateNotAfter: new Date(START.getTime() + 100 * 86_400_000),
    probe: null,
    probeIntervalMs: 300_000,
  })
  const logs: Logged[] = []
  const sender = new HeartbeatSender({
    url: receiver.url,
    intervalMs: 60_000,
    timeoutMs: 10_000,
    secret: SECRET,
    caPem: receiver.caPem,
    scheduler,
    now,
    body: () => monitor.report(),
    log: (level, event, fields) => logs.push({ level, event, fields }),
    userAgent: 'bankid-kiosk/1.2.3',
    firstBeatMs: 1_000,
    ...overrides,
  })
  return { scheduler, monitor, sender, logs, now }
}

/** Lets the network and the sender's callbacks run. */
const settle = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits (in real time, up to 10 s) until n beats have ended, sent or failed. */
async function beatsEnded(logs: Logged[], n: number): Promise<void> {
  const deadline = Date.now() + 10_000
  const ended = () => logs.filter((line) => line.event === 'heartbeat.sent' || line.event === 'heartbeat.failed').length
  while (ended() < n) {
    if (Date.now() > deadline) throw new Error(`only ${ended()} of ${n} beats ended`)
    await settle(5)
  }
}

describe('the heartbeat payload', () => {
  it('is the health report, with exactly the keys the schema allows', async () => {
    const { sender, monitor } = setup()
    monitor.sessionEnded('success')
    monitor.logged('warn')
    const result = await sender.beat()
    expect(result).toMatchObject({ kind: 'sent', httpStatus: 200 })
    const [request] = receiver.requests
    const body = JSON.parse(request?.body ?? '') as HealthReport
    expect(healthReportSchema.parse(body)).toEqual(body)
    expect(body).toMatchObject({
      status: 'ok',
      kiosk: { id: 'reception-1', version: '1.2.3' },
      bankid: { environment: 'test', certificateDaysLeft: 100 },
      log: { warningsSinceStart: 1 },
      today: { sessions: { success: 1 } },
    })
    await sender.stop()
  })

  it('fails the schema test for any field it does not list (so a new field gets looked at)', () => {
    const { monitor } = setup()
    const report = monitor.report()
    expect(healthReportSchema.safeParse(report).success).toBe(true)
    expect(healthReportSchema.safeParse({ ...report, lastParent: 'x' }).success).toBe(false)
    expect(healthReportSchema.safeParse({ ...report, kiosk: { ...report.kiosk, user: 'x' } }).success).toBe(false)
    expect(healthReportSchema.safeParse({ ...report, today: { ...report.today, sessions: { ...report.today.sessions, name: 1 } } }).success).toBe(false)
    expect(healthReportSchema.safeParse({ ...report, bankid: { ...report.bankid, reference: '199001012385 Anna' } }).success).toBe(false)
  })

  it('is a JSON POST with the kiosk\'s user agent', async () => {
    const { sender } = setup()
    await sender.beat()
    const [request] = receiver.requests
    expect(request?.method).toBe('POST')
    expect(request?.url).toBe('/heartbeat')
    expect(request?.headers['content-type']).toBe('application/json')
    expect(request?.headers['user-agent']).toBe('bankid-kiosk/1.2.3')
    expect(Number(request?.headers['content-length'])).toBe(Buffer.byteLength(request?.body ?? ''))
    await sender.stop()
  })
})

describe('the heartbeat signature', () => {
  it('is X-Kiosk-Signature: t=<unix>,v1=<HMAC-SHA256 over "t.body">, which the receiver can verify', async () => {
    const { sender, now } = setup()
    await sender.beat()
    const [request] = receiver.requests
    const header = request?.headers['x-kiosk-signature']
    if (typeof header !== 'string' || !request) throw new Error('no signature header')
    const t = Math.floor(now().getTime() / 1000)
    const expected = createHmac('sha256', SECRET).update(`${t}.${request.body}`).digest('hex')
    expect(header).toBe(`t=${t},v1=${expected}`)
    expect(verifyHeartbeatSignature(header, request.body, SECRET, t + 10)).toEqual({ ok: true, t })
    await sender.stop()
  })

  it('is refused for another body, another secret, an old time, or no header at all', () => {
    const body = '{"status":"ok"}'
    const header = signHeartbeat(body, SECRET, 1_800_000_000)
    expect(verifyHeartbeatSignature(header, body, SECRET, 1_800_000_000)).toEqual({ ok: true, t: 1_800_000_000 })
    expect(verifyHeartbeatSignature(header, '{"status":"down"}', SECRET, 1_800_000_000)).toEqual({ ok: false, reason: 'mismatch' })
    expect(verifyHeartbeatSignature(header, body, 'another secret, quite long', 1_800_000_000)).toEqual({ ok: false, reason: 'mismatch' })
    expect(verifyHeartbeatSignature(header, body, SECRET, 1_800_000_000 + 301)).toEqual({ ok: false, reason: 'stale' })
    expect(verifyHeartbeatSignature(header, body, SECRET, 1_800_000_000 - 301)).toEqual({ ok: false, reason: 'stale' })
    expect(verifyHeartbeatSignature(undefined, body, SECRET, 1_800_000_000)).toEqual({ ok: false, reason: 'malformed' })
    expect(verifyHeartbeatSignature('t=1,v1=zz', body, SECRET, 1)).toEqual({ ok: false, reason: 'malformed' })
  })

  it('is left out when no secret is set', async () => {
    const { sender } = setup({ secret: null })
    await sender.beat()
    expect(receiver.requests[0]?.headers['x-kiosk-signature']).toBeUndefined()
    await sender.stop()
  })
})

describe('whom the heartbeat trusts', () => {
  it('with "ca" set, that CA only: the receiver\'s own CA works, another CA does not', async () => {
    const good = setup()
    expect(await good.sender.beat()).toMatchObject({ kind: 'sent' })
    await good.sender.stop()
    const other = setup({ caPem: receiver.otherCaPem })
    const result = await other.sender.beat()
    expect(result).toMatchObject({ kind: 'failed' })
    expect(result.kind === 'failed' && result.reason).toMatch(/CERT|SIGNATURE|VERIFY|ISSUER/)
    expect(receiver.requests).toHaveLength(1)
    await other.sender.stop()
  })

  it('without "ca", the usual public CAs, which do not vouch for a private test CA', async () => {
    const { sender } = setup({ caPem: null })
    const result = await sender.beat()
    expect(result).toMatchObject({ kind: 'failed' })
    expect(receiver.requests).toHaveLength(0)
    await sender.stop()
  })
})

describe('the heartbeat schedule', () => {
  it('beats first after firstBeatMs, then every interval', async () => {
    const { sender, scheduler, logs } = setup()
    sender.start()
    scheduler.advance(999)
    await settle()
    expect(receiver.requests).toHaveLength(0)
    scheduler.advance(1)
    await beatsEnded(logs, 1)
    scheduler.advance(60_000)
    await beatsEnded(logs, 2)
    scheduler.advance(60_000)
    await beatsEnded(logs, 3)
    expect(receiver.requests).toHaveLength(3)
    expect(logs.filter((line) => line.event === 'heartbeat.sent')).toHaveLength(3)
    expect(logs.find((line) => line.event === 'heartbeat.sent')).toMatchObject({ level: 'debug', fields: { httpStatus: 200 } })
    await sender.stop()
  })

  it('backs off after failures (2×, then 4× the interval) and logs each at warn, without the body', async () => {
    receiver.mode = { kind: 'status', status: 503 }
    const { sender, scheduler, logs } = setup()
    sender.start()
    const beatAt = async (ms: number, expected: number) => {
      scheduler.advance(ms - 1)
      await settle()
      expect(receiver.requests, `not before ${ms} ms`).toHaveLength(expected - 1)
      scheduler.advance(1)
      await beatsEnded(logs, expected)
      expect(receiver.requests).toHaveLength(expected)
    }
    await beatAt(1_000, 1)
    await beatAt(120_000, 2)
    await beatAt(240_000, 3)
    await beatAt(240_000, 4)
    receiver.mode = { kind: 'status', status: 204 }
    await beatAt(240_000, 5)
    await beatAt(60_000, 6)
    const failures = logs.filter((line) => line.event === 'heartbeat.failed')
    expect(failures.map((line) => line.fields?.nextInSeconds)).toEqual([120, 240, 240, 240])
    expect(failures[0]).toEqual({
      level: 'warn',
      event: 'heartbeat.failed',
      fields: { host: new URL(receiver.url).host, reason: 'HTTP 503', failuresInARow: 1, nextInSeconds: 120 },
    })
    expect(logs.some((line) => line.event === 'heartbeat.recovered')).toBe(true)
    expect(sender.consecutiveFailures).toBe(0)
    // Nothing of the report in any log line.
    expect(JSON.stringify(logs)).not.toMatch(/reception-1|"format"|kiosk":|sessions/)
    await sender.stop()
  })

  it('never has two beats on the way: a beat due meanwhile is skipped', async () => {
    receiver.mode = { kind: 'hang' }
    const { sender, scheduler, logs } = setup({ timeoutMs: 10 * 60_000 })
    sender.start()
    scheduler.advance(1_000)
    await receiver.waitForRequests(1)
    for (let i = 0; i < 3; i++) {
      scheduler.advance(60_000)
      await settle()
    }
    expect(receiver.requests).toHaveLength(1)
    expect(logs.filter((line) => line.event === 'heartbeat.skipped')).toHaveLength(3)
    expect(await sender.beat()).toEqual({ kind: 'skipped' })
    receiver.release(200)
    await beatsEnded(logs, 1)
    expect(logs.filter((line) => line.event === 'heartbeat.sent')).toHaveLength(1)
    receiver.mode = { kind: 'status', status: 200 }
    scheduler.advance(60_000)
    await receiver.waitForRequests(2)
    await sender.stop()
  })

  it('gives up on a receiver that does not answer within the timeout', async () => {
    receiver.mode = { kind: 'hang' }
    const { sender, scheduler, logs } = setup({ timeoutMs: 5_000 })
    const beat = sender.beat()
    await receiver.waitForRequests(1)
    scheduler.advance(5_000)
    expect(await beat).toMatchObject({ kind: 'failed', reason: 'no answer in 5 s' })
    expect(logs.at(-1)).toMatchObject({ level: 'warn', event: 'heartbeat.failed', fields: { reason: 'no answer in 5 s' } })
    await sender.stop()
  })

  it('names the network error when nobody listens', async () => {
    const closed = await startHttpsReceiver()
    const url = closed.url
    await closed.close()
    const { sender } = setup({ url })
    expect(await sender.beat()).toMatchObject({ kind: 'failed', reason: 'ECONNREFUSED' })
    await sender.stop()
  })

  it('stops: the beat on its way is ended, no timers are left, and no beat follows', async () => {
    receiver.mode = { kind: 'hang' }
    const { sender, scheduler, logs } = setup({ timeoutMs: 10 * 60_000 })
    sender.start()
    scheduler.advance(1_000)
    await receiver.waitForRequests(1)
    await sender.stop()
    expect(scheduler.pendingTimers).toBe(0)
    scheduler.advance(60 * 60_000)
    await settle()
    expect(receiver.requests).toHaveLength(1)
    // Stopping is not a failure worth a warning.
    expect(logs.filter((line) => line.level === 'warn')).toEqual([])
    expect(await sender.beat()).toEqual({ kind: 'skipped' })
  })

  it('leaves no socket open after a beat and a stop', async () => {
    const sockets = () => process.getActiveResourcesInfo().filter((name) => name === 'TLSWrap' || name === 'TCPSocketWrap').length
    const before = sockets()
    const { sender } = setup()
    await sender.beat()
    await sender.beat()
    await sender.stop()
    await settle(100)
    expect(sockets()).toBeLessThanOrEqual(before)
  })
})
