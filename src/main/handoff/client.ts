// The hand-off client: one login, POSTed to the school's service over node:https (product.md §5).
//
// - Trust: with handoff.ca, that CA replaces Node's built-in store for this connection (an internal
//   CA cannot be vouched for by a public one, nor the other way round); without it, the usual CAs.
// - Authentication: an HMAC signature header (signature.ts), or the client certificate (mutual TLS).
// - Each try has its own time limit (handoff.timeoutSeconds) over connecting, sending and reading
//   the answer, and an answer larger than 64 kB is cut off.
// - Tries again, at most twice and shortly after, only where the service cannot have acted on the
//   login: the connection failed before the request was sent (refused, reset, no such host — but
//   never a certificate problem, which trying again cannot mend), or the service answered 502, 503
//   or 504. Every try sends the same body, so the same nonce: a receiver that did take an earlier
//   try (a gateway's 504 after the service acted) refuses the next as a replay, and the parent is
//   told to ask the reception rather than being logged in twice. A timeout is not tried again: the
//   service may be acting on it.
// - Logs: events with the try, the HTTP status, the latency and a reference code. Never the body,
//   the answer, or anything about the parent; of a returned URL only its origin.
import { Agent, request } from 'node:https'
import type { TLSSocket } from 'node:tls'
import { classifySocketError } from '../bankid/failure'
import type { HandoffAuthMaterial } from './credentials'
import type { HandoffCompletion } from './payload'
import type { BankIdEnvironment } from '../bankid/environments'
import { buildPayload, newNonce } from './payload'
import type { HandoffAnswer } from './response'
import { parseAnswer } from './response'
import { SIGNATURE_HEADER, signRequest } from './signature'
import { sleepWithSignal } from '../bankid/client'

export type { HandoffCompletion } from './payload'
export type { HandoffAnswer } from './response'

export const MAX_TRIES = 3
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [300, 1_000]
export const MAX_RESPONSE_BYTES = 64 * 1024
/** Gateway statuses that say the service did not (or could not) act on the request. */
const RETRY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504])

export type HandoffResult =
  | { ok: true; answer: HandoffAnswer; status: number; tries: number; latencyMs: number }
  | {
      ok: false
      /** For the failure screen and the log: HO-NETWORK, HO-TIMEOUT, HO-TLS, HO-HTTP-<status>, HO-RESPONSE, HO-ORIGIN… */
      reference: string
      status: number | null
      tries: number
      latencyMs: number
    }

export type HandoffLog = (level: 'info' | 'warn' | 'error' | 'debug', event: string, fields?: Record<string, unknown>) => void

export interface HandoffClientOptions {
  url: string
  auth: HandoffAuthMaterial
  /** The only CA trusted for the service, or null for Node's built-in store. */
  caPem: string | null
  timeoutMs: number
  allowedOrigins: readonly string[]
  kioskId: string
  /** The BankID environment the logins come from: in every body, signed. */
  environment: BankIdEnvironment
  now?: () => Date
  nonce?: () => string
  /** Waits before the 2nd and 3rd try. */
  retryDelaysMs?: readonly number[]
  maxResponseBytes?: number
  log?: HandoffLog
}

/** One try's outcome, before it is judged. */
type Try =
  | { kind: 'answer'; status: number; contentType: string; body: Buffer }
  | { kind: 'failed'; reference: string; code: string; status: number | null; retriable: boolean }

export class HandoffClient {
  readonly #options: HandoffClientOptions
  readonly #url: URL
  readonly #agent: Agent
  readonly #log: HandoffLog

  constructor(options: HandoffClientOptions) {
    this.#options = options
    this.#url = new URL(options.url)
    if (this.#url.protocol !== 'https:') throw new Error('the hand-off URL must be https')
    this.#log = options.log ?? (() => undefined)
    const auth = options.auth
    // No keep-alive: every try is a fresh connection, so "sent or not" is the socket's own story.
    this.#agent = new Agent({
      keepAlive: false,
      minVersion: 'TLSv1.2',
      // Explicit: NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment must not turn checking off.
      rejectUnauthorized: true,
      ...(options.caPem === null ? {} : { ca: options.caPem }),
      ...(auth.kind === 'mtls' ? { pfx: auth.pfx, ...(auth.passphrase === undefined ? {} : { passphrase: auth.passphrase }) } : {}),
    })
  }

  /** POSTs the login and reads the service's answer. Never throws; aborting gives HO-ABORTED. */
  /**
   * The gateway delivers for many kiosks: it names the kiosk per login, and gives a nonce derived
   * from the order so that whichever instance delivers, the service sees one login once.
   */
  async deliver(
    completion: HandoffCompletion,
    options: { signal?: AbortSignal; kioskId?: string; nonce?: string } = {},
  ): Promise<HandoffResult> {
    const now = this.#options.now ?? (() => new Date())
    const nonce = options.nonce ?? (this.#options.nonce ?? newNonce)()
    const kioskId = options.kioskId ?? this.#options.kioskId
    const payload = buildPayload(completion, { kioskId, environment: this.#options.environment, completedAt: now(), nonce })
    // Serialized once: the same bytes on every try. Local to this call: nothing keeps it afterwards.
    const body = Buffer.from(JSON.stringify(payload), 'utf8')
    const delays = this.#options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS
    const started = performance.now()
    const elapsed = () => Math.round(performance.now() - started)
    for (let tries = 1; ; tries += 1) {
      const attempt = await this.#post(body, nonce, now, options.signal)
      const final = tries >= MAX_TRIES || options.signal?.aborted === true
      if (attempt.kind === 'answer') {
        if (RETRY_STATUSES.has(attempt.status) && !final) {
          this.#log('warn', 'handoff.retry', { try: tries, status: attempt.status, latencyMs: elapsed() })
          if (await sleepWithSignal(delays[tries - 1] ?? 1_000, options.signal)) continue
        }
        return this.#judge(attempt, tries, elapsed())
      }
      if (attempt.retriable && !final) {
        this.#log('warn', 'handoff.retry', { try: tries, reference: attempt.reference, code: attempt.code, latencyMs: elapsed() })
        if (await sleepWithSignal(delays[tries - 1] ?? 1_000, options.signal)) continue
      }
      return { ok: false, reference: attempt.reference, status: attempt.status, tries, latencyMs: elapsed() }
    }
  }

  /** Closes the agent; in-flight tries end on their own. */
  close(): void {
    this.#agent.destroy()
  }

  #judge(attempt: Extract<Try, { kind: 'answer' }>, tries: number, latencyMs: number): HandoffResult {
    const failed = (reference: string): HandoffResult => ({ ok: false, reference, status: attempt.status, tries, latencyMs })
    if (attempt.status < 200 || attempt.status > 299) return failed(`HO-HTTP-${attempt.status}`)
    if (!/^application\/json\s*(;|$)/i.test(attempt.contentType)) return failed('HO-RESPONSE')
    let json: unknown
    try {
      json = JSON.parse(attempt.body.toString('utf8'))
    } catch {
      return failed('HO-RESPONSE')
    }
    const checked = parseAnswer(json, this.#options.allowedOrigins)
    if (!checked.ok) return failed(checked.reason === 'origin' ? 'HO-ORIGIN' : 'HO-RESPONSE')
    return { ok: true, answer: checked.answer, status: attempt.status, tries, latencyMs }
  }

  #post(body: Buffer, nonce: string, now: () => Date, signal: AbortSignal | undefined): Promise<Try> {
    const { auth, timeoutMs } = this.#options
    const maxBytes = this.#options.maxResponseBytes ?? MAX_RESPONSE_BYTES
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': body.length,
      Accept: 'application/json',
    }
    // Signed at each try: the time is this try's, the nonce and body are the login's.
    if (auth.kind === 'hmac') {
      headers[SIGNATURE_HEADER] = signRequest(auth.secret.reveal(), body, nonce, Math.floor(now().getTime() / 1000))
    }
    return new Promise<Try>((resolve) => {
      let settled = false
      /** True once the TLS handshake is done: from then on the service may have the request. */
      let connected = false
      const settle = (result: Try) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        resolve(result)
      }
      const failWith = (reference: string, code: string, retriable = false, status: number | null = null) => {
        settle({ kind: 'failed', reference, code, status, retriable })
        req.destroy()
      }
      const onAbort = () => failWith('HO-ABORTED', 'ABORTED')

      const req = request(this.#url, { method: 'POST', agent: this.#agent, headers })
      const timer = setTimeout(() => failWith('HO-TIMEOUT', 'TIMEOUT'), timeoutMs)
      if (signal?.aborted) return onAbort()
      signal?.addEventListener('abort', onAbort, { once: true })

      req.on('socket', (socket) => {
        ;(socket as TLSSocket).once('secureConnect', () => {
          connected = true
        })
      })
      req.on('error', (error) => {
        const failure = classifySocketError(error)
        if (failure.kind === 'tls') return settle({ kind: 'failed', reference: 'HO-TLS', code: failure.code, status: null, retriable: false })
        const code = failure.kind === 'network' ? failure.code : 'UNKNOWN'
        settle({ kind: 'failed', reference: 'HO-NETWORK', code, status: null, retriable: !connected })
      })
      req.on('response', (res) => {
        const status = res.statusCode ?? 0
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > maxBytes) return failWith('HO-TOO-LARGE', 'TOO_LARGE', false, status)
          chunks.push(chunk)
        })
        res.on('end', () =>
          settle({ kind: 'answer', status, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }),
        )
        res.on('error', () => settle({ kind: 'failed', reference: 'HO-NETWORK', code: 'ECONNRESET', status, retriable: false }))
        res.on('close', () => {
          if (!res.complete) settle({ kind: 'failed', reference: 'HO-NETWORK', code: 'ECONNRESET', status, retriable: false })
        })
      })
      req.end(body)
    })
  }
}
