// The heartbeat: the health report POSTed as JSON to the monitoring service's HTTPS address every
// few minutes. One at a time (a beat due while one is still on its way is skipped), each with its
// own timeout, and after a failure the next comes later (2×, then 4× the interval, at most an
// hour), so a receiver that is down gets no storm. Failures are logged with the reason, never
// with the body. Optionally signed: `X-Kiosk-Signature: t=<unix seconds>,v1=<hex>`, the
// HMAC-SHA256 with the shared secret over `<t>.<body>`; and optionally trusting only the
// monitoring service's own CA.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { Agent, request } from 'node:https'
import type { ClientRequest } from 'node:http'
import type { Scheduler, TimerHandle } from '../scheduler'
import type { HealthLog } from './monitor'

export const SIGNATURE_HEADER = 'X-Kiosk-Signature'
/** How far a receiver should let a signature's time be from its own clock (documented for receivers). */
export const SIGNATURE_TOLERANCE_SECONDS = 300
const MAX_BACKOFF_MS = 60 * 60_000
const MAX_RESPONSE_BYTES = 64 * 1024

/** The header value for `body` signed at `unixSeconds`. */
export function signHeartbeat(body: string, secret: Buffer | string, unixSeconds: number): string {
  const t = Math.floor(unixSeconds)
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex')
  return `t=${t},v1=${v1}`
}

export type SignatureCheck = { ok: true; t: number } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' }

/**
 * What a receiver does with the header: parse it, check the time is within the tolerance of its
 * own clock (a replayed old report fails), and compare the HMAC in constant time.
 */
export function verifyHeartbeatSignature(
  header: string | undefined,
  body: string,
  secret: Buffer | string,
  nowUnixSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): SignatureCheck {
  const match = header === undefined ? null : /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header.trim())
  if (!match?.[1] || !match[2]) return { ok: false, reason: 'malformed' }
  const t = Number(match[1])
  if (Math.abs(nowUnixSeconds - t) > toleranceSeconds) return { ok: false, reason: 'stale' }
  const expected = createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest()
  const given = Buffer.from(match[2], 'hex')
  return timingSafeEqual(expected, given) ? { ok: true, t } : { ok: false, reason: 'mismatch' }
}

export interface HeartbeatOptions {
  url: string
  intervalMs: number
  timeoutMs: number
  /** The shared secret, or null to send unsigned. */
  secret: Buffer | null
  /** PEM of the only CA trusted for the receiver, or null for Node's usual public CAs. */
  caPem: string | null
  scheduler: Scheduler
  /** Wall-clock time, for the signature's t. */
  now: () => Date
  /** The body: the health report. */
  body: () => unknown
  log: HealthLog
  userAgent: string
  /** The first beat this long after start(). Default 10 s. */
  firstBeatMs?: number
}

export type BeatResult =
  | { kind: 'sent'; httpStatus: number; ms: number }
  | { kind: 'failed'; reason: string; ms: number }
  | { kind: 'skipped' }

export class HeartbeatSender {
  readonly #options: HeartbeatOptions
  readonly #agent: Agent
  readonly #url: URL
  #timer: TimerHandle | null = null
  #inFlight: { done: Promise<BeatResult>; request: ClientRequest | null } | null = null
  #failures = 0
  #started = false
  #stopped = false

  constructor(options: HeartbeatOptions) {
    this.#options = options
    this.#url = new URL(options.url)
    if (this.#url.protocol !== 'https:') throw new Error('the heartbeat address must be https')
    // No keep-alive: one request every few minutes, and nothing left open between beats.
    // rejectUnauthorized explicit: NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment must not turn checking off.
    this.#agent = new Agent({
      keepAlive: false,
      minVersion: 'TLSv1.2',
      rejectUnauthorized: true,
      ...(options.caPem === null ? {} : { ca: options.caPem }),
    })
  }

  /** Failed beats since the last one that got through. */
  get consecutiveFailures(): number {
    return this.#failures
  }

  start(): void {
    if (this.#stopped || this.#started) return
    this.#started = true
    this.#arm(this.#options.firstBeatMs ?? 10_000)
  }

  /** Sends one beat now, unless one is on its way (then 'skipped'). */
  beat(): Promise<BeatResult> {
    if (this.#stopped) return Promise.resolve({ kind: 'skipped' })
    if (this.#inFlight) {
      this.#options.log('debug', 'heartbeat.skipped', { reason: 'the previous one is still on its way' })
      return Promise.resolve({ kind: 'skipped' })
    }
    const flight: { done: Promise<BeatResult>; request: ClientRequest | null } = { done: Promise.resolve({ kind: 'skipped' }), request: null }
    flight.done = this.#send(flight).then((result) => {
      this.#inFlight = null
      this.#settled(result)
      return result
    })
    this.#inFlight = flight
    return flight.done
  }

  /** Stops the schedule, ends a beat on its way, and closes the connection. */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#options.scheduler.clearTimeout(this.#timer)
    this.#timer = null
    const flight = this.#inFlight
    flight?.request?.destroy()
    await flight?.done
    this.#agent.destroy()
  }

  #arm(ms: number): void {
    this.#options.scheduler.clearTimeout(this.#timer)
    this.#timer = this.#options.scheduler.setTimeout(() => {
      this.#timer = null
      if (this.#stopped) return
      // The regular cadence goes on whatever this beat does; a failure re-arms for later.
      this.#arm(this.#delay())
      void this.beat()
    }, ms)
  }

  /** The interval, doubled per failure in a row up to four times, never more than an hour (nor less than the interval). */
  #delay(): number {
    const interval = this.#options.intervalMs
    if (this.#failures === 0) return interval
    const factor = Math.min(2 ** this.#failures, 4)
    return Math.max(interval, Math.min(interval * factor, MAX_BACKOFF_MS))
  }

  #settled(result: BeatResult): void {
    if (result.kind === 'skipped' || this.#stopped) return
    if (result.kind === 'sent') {
      if (this.#failures > 0) {
        this.#options.log('info', 'heartbeat.recovered', { failedBefore: this.#failures })
        this.#failures = 0
        // Back to the regular cadence at once, not after the backed-off pause.
        if (this.#started) this.#arm(this.#options.intervalMs)
      }
      this.#options.log('debug', 'heartbeat.sent', { httpStatus: result.httpStatus, ms: result.ms })
      return
    }
    this.#failures++
    const delay = this.#delay()
    if (this.#started) this.#arm(delay)
    this.#options.log('warn', 'heartbeat.failed', {
      host: this.#url.host,
      reason: result.reason,
      failuresInARow: this.#failures,
      nextInSeconds: this.#started ? Math.round(delay / 1000) : null,
    })
  }

  #send(flight: { request: ClientRequest | null }): Promise<BeatResult> {
    const { scheduler, timeoutMs } = this.#options
    const started = scheduler.now()
    const elapsed = () => Math.round(scheduler.now() - started)
    let body: string
    try {
      body = JSON.stringify(this.#options.body())
    } catch {
      return Promise.resolve({ kind: 'failed', reason: 'the report could not be made', ms: 0 })
    }
    const payload = Buffer.from(body, 'utf8')
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': payload.length,
      'User-Agent': this.#options.userAgent,
    }
    if (this.#options.secret !== null) {
      headers[SIGNATURE_HEADER] = signHeartbeat(body, this.#options.secret, this.#options.now().getTime() / 1000)
    }
    return new Promise<BeatResult>((resolve) => {
      let settled = false
      const finish = (result: BeatResult) => {
        if (settled) return
        settled = true
        scheduler.clearTimeout(timer)
        resolve(result)
      }
      const req = request(this.#url, { method: 'POST', agent: this.#agent, headers })
      flight.request = req
      const timer = scheduler.setTimeout(() => {
        finish({ kind: 'failed', reason: `no answer in ${Math.round(timeoutMs / 1000)} s`, ms: elapsed() })
        req.destroy()
      }, timeoutMs)
      req.on('error', (error) => {
        finish({ kind: 'failed', reason: errorCode(error), ms: elapsed() })
      })
      req.on('response', (res) => {
        let size = 0
        // The answer is not used; read (a little of) it so the socket can close cleanly.
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > MAX_RESPONSE_BYTES) res.destroy()
        })
        const status = res.statusCode ?? 0
        const done = () =>
          finish(
            status >= 200 && status < 300
              ? { kind: 'sent', httpStatus: status, ms: elapsed() }
              : { kind: 'failed', reason: `HTTP ${status}`, ms: elapsed() },
          )
        res.on('end', done)
        res.on('close', done)
        res.on('error', done)
      })
      req.end(payload)
    })
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : 'network error'
}
