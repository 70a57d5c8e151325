// What the gateway answers a kiosk (product.md §9): BankID's RP API v6, exactly as BankID would
// answer it, with the RP rules enforced here whatever the kiosk sends. Electron-free and TLS-free:
// front-server.ts hands in the kiosk's identity (from its certificate) and the parsed body.
//
// - auth/sign: rate-limited per kiosk; the request checked as BankID checks it before BankID sees
//   it; endUserIp set by the gateway (end-user-ip.ts); Mobile BankID's policy added; one pending
//   order per personnummer; the orderRef BankID gives is sealed into a token bound to the kiosk.
// - collect/cancel: the token opened (forged, swapped or stale → "No such order", as BankID says
//   for an order it does not know); never a collect after a final status (the BankID client
//   remembers which of this instance's orders ended); the hand-off on "complete".
// - BankID's own answers pass through unchanged; when BankID cannot be reached the kiosk hears 503
//   maintenance, which it treats as BankID being down.
import type { StartedOrder } from '../main/bankid/client'
import type { CollectResponse } from '../main/bankid/api-types'
import type { BankIdFailure, Result } from '../main/bankid/failure'
import { hashOrderRef } from '../main/logging/logger'
import type { HandoffCompletion, HandoffResult } from '../main/handoff/client'
import { validateOrderRequest } from '../main/simulator/request-validation'
import type { GatewayMetrics } from './metrics'
import type { RefusalReason } from './metrics'
import type { OrderTokens } from './order-token'
import type { KioskRateLimiter } from './rate-limit'

export type FrontEndpoint = 'auth' | 'sign' | 'collect' | 'cancel'

/** The kiosk, as its client certificate names it. */
export interface KioskPeer {
  /** The certificate's common name, made safe for logs and metric labels. */
  id: string
  /** SHA-256 fingerprint, colon-separated upper-case hex (Node's fingerprint256). */
  fingerprint: string
  serialNumber: string
  /** The connection's remote address as the gateway sees it. */
  address: string
}

export interface FrontAnswer {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export interface BankIdBackend {
  auth(request: never): Promise<Result<StartedOrder>>
  sign(request: never): Promise<Result<StartedOrder>>
  collect(orderRef: string): Promise<Result<CollectResponse>>
  cancel(orderRef: string): Promise<Result<void>>
}

export interface GatewayHandoff {
  deliver(completion: HandoffCompletion, options: { kioskId: string; nonce: string; signal: AbortSignal }): Promise<HandoffResult>
}

export type GatewayLog = (level: 'info' | 'warn' | 'error' | 'debug', event: string, fields?: Record<string, unknown>) => void

export interface RpFrontOptions {
  bankId: BankIdBackend
  tokens: OrderTokens
  rateLimiter: KioskRateLimiter
  endUserIp: (peerAddress: string, claim: unknown) => string
  /** Mobile BankID's policy for the gateway's environment, added when a kiosk sends none; [] for the simulator. */
  certificatePolicies: readonly string[]
  handoff: GatewayHandoff | null
  /** The whole hand-off must end before the kiosk gives up on its collect (10 s by default). */
  handoffBudgetMs?: number
  metrics: GatewayMetrics
  log: GatewayLog
  /** Wall-clock ms (token ages). */
  now?: () => number
  /** Monotonic ms (how long an order is remembered as pending). */
  monotonic?: () => number
}

/** An order this instance started, remembered only to enforce rules and to cancel on revocation. */
interface PendingOrder {
  kiosk: string
  kioskId: string
  serialNumber: string
  pnrKey: string | null
  startedAt: number
}

/** BankID forgets an unscanned order after 30 s and a scanned one after about 3 min. */
const PENDING_FORGOTTEN_AFTER_MS = 4 * 60 * 1000
export const DEFAULT_HANDOFF_BUDGET_MS = 8_000

const error = (status: number, errorCode: string, details: string, headers?: Record<string, string>): FrontAnswer => ({
  status,
  body: { errorCode, details },
  ...(headers ? { headers } : {}),
})
const noSuchOrder = () => error(400, 'invalidParameters', 'No such order')

export class RpFront {
  readonly #options: RpFrontOptions
  readonly #now: () => number
  readonly #monotonic: () => number
  readonly #pending = new Map<string, PendingOrder>()
  readonly #byPnr = new Map<string, string>()
  /** Orders this instance cancelled for a revoked kiosk: not cancelled again when that kiosk asks. */
  readonly #revokedAndCancelled = new Set<string>()
  readonly #inFlight = new Set<Promise<unknown>>()
  readonly #aborts = new AbortController()

  constructor(options: RpFrontOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
    this.#monotonic = options.monotonic ?? (() => performance.now())
  }

  get pendingCount(): number {
    return this.#pending.size
  }

  handle(endpoint: FrontEndpoint, body: unknown, peer: KioskPeer): Promise<FrontAnswer> {
    const work = this.#route(endpoint, body, peer)
    this.#inFlight.add(work)
    // Not work.finally(): its promise would reject with work's error, unhandled, and end the process.
    const forget = () => void this.#inFlight.delete(work)
    work.then(forget, forget)
    return work
  }

  /** Resolves when every request being answered has its answer (graceful shutdown). */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight])
  }

  /** Kiosks just revoked: cancel at BankID the orders this instance started for them. */
  async cancelOrdersOf(isRevoked: (kiosk: { serialNumber: string; fingerprint256: string }) => boolean): Promise<number> {
    const orders = [...this.#pending].filter(([, order]) => isRevoked({ serialNumber: order.serialNumber, fingerprint256: order.kiosk }))
    await Promise.all(orders.map(([ref, order]) => this.#cancelAtBankId(ref, order.kioskId, 'revoked')))
    return orders.length
  }

  /** Stops hand-offs under way (shutdown after the grace period). */
  abort(): void {
    this.#aborts.abort()
  }

  /** A request from a revoked kiosk: its order (if the token opens) is cancelled, then it is refused. */
  async refuseRevoked(endpoint: FrontEndpoint | null, body: unknown, peer: KioskPeer): Promise<FrontAnswer> {
    if (endpoint === 'collect' || endpoint === 'cancel') {
      const opened = this.#options.tokens.open(orderRefOf(body), peer.fingerprint)
      if (opened.ok && !this.#revokedAndCancelled.has(opened.claims.bankIdOrderRef)) {
        await this.#cancelAtBankId(opened.claims.bankIdOrderRef, peer.id, 'revoked')
      }
    }
    return this.refuse('revoked', peer, 401, 'unauthorized', 'The kiosk certificate has been revoked')
  }

  refuse(reason: RefusalReason, peer: Partial<KioskPeer>, status: number, errorCode: string, details: string, headers?: Record<string, string>): FrontAnswer {
    this.#options.metrics.refused.inc({ reason })
    this.#options.log('warn', 'gateway.refused', {
      reason,
      kioskId: peer.id ?? null,
      fingerprint: peer.fingerprint ?? null,
      address: peer.address ?? null,
    })
    return error(status, errorCode, details, headers)
  }

  // ---- the endpoints ----

  async #route(endpoint: FrontEndpoint, body: unknown, peer: KioskPeer): Promise<FrontAnswer> {
    const answer =
      endpoint === 'auth' || endpoint === 'sign'
        ? await this.#start(endpoint, body, peer)
        : endpoint === 'collect'
          ? await this.#collect(body, peer)
          : await this.#cancel(body, peer)
    this.#options.metrics.requests.inc({ endpoint, kiosk: peer.id, status: String(answer.status) })
    return answer
  }

  async #start(endpoint: 'auth' | 'sign', body: unknown, peer: KioskPeer): Promise<FrontAnswer> {
    const taken = this.#options.rateLimiter.take(peer.fingerprint)
    if (!taken.ok) {
      return this.refuse('rate-limited', peer, 429, 'tooManyRequests', `Too many orders from this kiosk; try again in ${taken.retryAfterSeconds} s`, {
        'Retry-After': String(taken.retryAfterSeconds),
      })
    }
    let checked: ReturnType<typeof validateOrderRequest>
    try {
      checked = validateOrderRequest(endpoint, body)
    } catch {
      // Whatever a kiosk sends is a 400, even if checking it throws (a stack overflow on deep nesting).
      checked = { ok: false, details: 'Invalid request' }
    }
    if (!checked.ok) {
      this.#options.metrics.refused.inc({ reason: 'bad-request' })
      this.#options.log('warn', 'gateway.bad-request', { kioskId: peer.id, endpoint, details: checked.details })
      return error(400, 'invalidParameters', checked.details)
    }
    const request = { ...(body as Record<string, unknown>) }
    request.endUserIp = this.#options.endUserIp(peer.address, request.endUserIp)
    const requirement = { ...((request.requirement as Record<string, unknown> | undefined) ?? {}) }
    if (requirement.certificatePolicies === undefined && this.#options.certificatePolicies.length > 0) {
      requirement.certificatePolicies = [...this.#options.certificatePolicies]
    }
    if (Object.keys(requirement).length > 0) request.requirement = requirement

    this.#forgetOld()
    const pnr = typeof requirement.personalNumber === 'string' ? requirement.personalNumber : null
    const pnrKey = pnr === null ? null : this.#options.tokens.derive('pnr', pnr)
    if (pnrKey !== null && (await this.#stillPending(pnrKey))) {
      this.#options.log('info', 'gateway.already-in-progress', { kioskId: peer.id })
      return error(400, 'alreadyInProgress', 'Order already in progress for pno')
    }

    const started = await this.#timed(endpoint, () =>
      endpoint === 'auth' ? this.#options.bankId.auth(request as never) : this.#options.bankId.sign(request as never),
    )
    if (!started.ok) return this.#failure(started.error, peer, endpoint, null)
    const { orderRef: bankIdOrderRef, ...tokens } = started.value.response
    const orderRef = this.#options.tokens.seal({ bankIdOrderRef, issuedAt: this.#now(), endpoint }, peer.fingerprint)
    this.#pending.set(bankIdOrderRef, {
      kiosk: peer.fingerprint,
      kioskId: peer.id,
      serialNumber: peer.serialNumber,
      pnrKey,
      startedAt: this.#monotonic(),
    })
    if (pnrKey !== null) this.#byPnr.set(pnrKey, bankIdOrderRef)
    this.#options.metrics.ordersStarted.inc()
    this.#options.metrics.pendingOrders.set(this.#pending.size)
    this.#options.log('info', 'gateway.order.started', { kioskId: peer.id, endpoint, orderRefHash: hashOrderRef(orderRef) })
    return { status: 200, body: { orderRef, ...tokens } }
  }

  async #collect(body: unknown, peer: KioskPeer): Promise<FrontAnswer> {
    const opened = this.#openToken(body, peer)
    if (!opened.ok) return opened.answer
    const { bankIdOrderRef, token } = opened
    const result = await this.#timed('collect', () => this.#options.bankId.collect(bankIdOrderRef))
    if (!result.ok) return this.#failure(result.error, peer, 'collect', bankIdOrderRef)
    const response = result.value
    if (response.status === 'pending') {
      return { status: 200, body: { orderRef: token, status: 'pending', ...(response.hintCode === undefined ? {} : { hintCode: response.hintCode }) } }
    }
    if (response.status === 'failed') {
      this.#ended(bankIdOrderRef, response.hintCode, peer, token)
      return { status: 200, body: { orderRef: token, status: 'failed', hintCode: response.hintCode } }
    }
    this.#ended(bankIdOrderRef, 'complete', peer, token)
    const answer: Record<string, unknown> = { orderRef: token, status: 'complete', completionData: response.completionData }
    if (this.#options.handoff) answer.handoff = await this.#handOff(this.#options.handoff, bankIdOrderRef, response, peer, token)
    return { status: 200, body: answer }
  }

  async #cancel(body: unknown, peer: KioskPeer): Promise<FrontAnswer> {
    const opened = this.#openToken(body, peer)
    if (!opened.ok) return opened.answer
    const result = await this.#timed('cancel', () => this.#options.bankId.cancel(opened.bankIdOrderRef))
    if (!result.ok) return this.#failure(result.error, peer, 'cancel', opened.bankIdOrderRef)
    this.#ended(opened.bankIdOrderRef, 'cancelled', peer, opened.token)
    return { status: 200, body: {} }
  }

  // ---- the rules ----

  /** A BankID-shaped body with exactly one string orderRef, whose token opens for this kiosk. */
  #openToken(body: unknown, peer: KioskPeer): { ok: true; bankIdOrderRef: string; token: string } | { ok: false; answer: FrontAnswer } {
    if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length !== 1 || typeof (body as { orderRef?: unknown }).orderRef !== 'string') {
      this.#options.metrics.refused.inc({ reason: 'bad-request' })
      return { ok: false, answer: error(400, 'invalidParameters', 'Invalid orderRef') }
    }
    const token = (body as { orderRef: string }).orderRef
    const opened = this.#options.tokens.open(token, peer.fingerprint)
    if (!opened.ok) {
      // Forged, damaged, another kiosk's or too old: to the kiosk, an order BankID does not know.
      this.#options.metrics.refused.inc({ reason: 'bad-order-token' })
      this.#options.log('warn', 'gateway.order-token.refused', { kioskId: peer.id, fingerprint: peer.fingerprint, reason: opened.reason })
      return { ok: false, answer: noSuchOrder() }
    }
    return { ok: true, bankIdOrderRef: opened.claims.bankIdOrderRef, token }
  }

  /**
   * Is an order for this personnummer (its keyed hash) still pending here? Asked of BankID when in
   * doubt: the order may have ended through another instance, which this one cannot know.
   */
  async #stillPending(pnrKey: string): Promise<boolean> {
    const ref = this.#byPnr.get(pnrKey)
    if (ref === undefined) return false
    const result = await this.#timed('collect', () => this.#options.bankId.collect(ref))
    if (result.ok && result.value.status === 'pending') return true
    this.#forget(ref)
    return false
  }

  #ended(bankIdOrderRef: string, outcome: string, peer: KioskPeer, token: string): void {
    this.#forget(bankIdOrderRef)
    this.#options.metrics.orders.inc({ outcome: outcomeLabel(outcome) })
    this.#options.log('info', 'gateway.order.ended', { kioskId: peer.id, outcome, orderRefHash: hashOrderRef(token) })
  }

  #forget(bankIdOrderRef: string): void {
    const order = this.#pending.get(bankIdOrderRef)
    if (!order) return
    this.#pending.delete(bankIdOrderRef)
    if (order.pnrKey !== null && this.#byPnr.get(order.pnrKey) === bankIdOrderRef) this.#byPnr.delete(order.pnrKey)
    this.#options.metrics.pendingOrders.set(this.#pending.size)
  }

  #forgetOld(): void {
    const cutoff = this.#monotonic() - PENDING_FORGOTTEN_AFTER_MS
    for (const [ref, order] of this.#pending) {
      if (order.startedAt >= cutoff) break // insertion order is start order
      this.#forget(ref)
    }
  }

  async #cancelAtBankId(bankIdOrderRef: string, kioskId: string, why: string): Promise<void> {
    const result = await this.#timed('cancel', () => this.#options.bankId.cancel(bankIdOrderRef))
    this.#forget(bankIdOrderRef)
    this.#revokedAndCancelled.add(bankIdOrderRef)
    if (this.#revokedAndCancelled.size > 10_000) this.#revokedAndCancelled.delete(this.#revokedAndCancelled.values().next().value as string)
    this.#options.log(result.ok ? 'info' : 'warn', 'gateway.order.cancelled', {
      kioskId,
      why,
      result: result.ok ? 'ok' : result.error.kind,
    })
  }

  async #handOff(handoff: GatewayHandoff, bankIdOrderRef: string, response: Extract<CollectResponse, { status: 'complete' }>, peer: KioskPeer, token: string): Promise<unknown> {
    const budget = AbortSignal.timeout(this.#options.handoffBudgetMs ?? DEFAULT_HANDOFF_BUDGET_MS)
    const signal = AbortSignal.any([budget, this.#aborts.signal])
    // The same nonce from every instance for one order: the service's replay check keeps it at most once.
    const nonce = this.#options.tokens.derive('handoff', bankIdOrderRef)
    const completion = { orderRef: bankIdOrderRef, completionData: response.completionData }
    let result: HandoffResult
    try {
      result = await handoff.deliver(completion, { kioskId: peer.id, nonce, signal })
    } catch {
      result = { ok: false, reference: 'HO-INTERNAL', status: null, tries: 0, latencyMs: 0 }
    }
    const fields = { kioskId: peer.id, orderRefHash: hashOrderRef(token), status: result.status, tries: result.tries, latencyMs: result.latencyMs }
    if (!result.ok) {
      this.#options.metrics.handoffs.inc({ result: result.reference })
      this.#options.log('warn', 'gateway.handoff.failed', { ...fields, reference: result.reference })
      return { error: result.reference }
    }
    this.#options.metrics.handoffs.inc({ result: 'ok' })
    if (result.answer.kind === 'message') {
      this.#options.log('info', 'gateway.handoff.message', fields)
      return { message: result.answer.message }
    }
    this.#options.log('info', 'gateway.handoff.view', { ...fields, origin: new URL(result.answer.url).origin })
    return { url: result.answer.url }
  }

  // ---- BankID's answers ----

  async #timed<T>(endpoint: FrontEndpoint, call: () => Promise<Result<T>>): Promise<Result<T>> {
    const end = this.#options.metrics.bankIdLatency.startTimer({ endpoint })
    try {
      return await call()
    } finally {
      end()
    }
  }

  /** A failure as BankID's own error body; the gateway's own trouble reaching BankID as 503 maintenance. */
  #failure(failure: BankIdFailure, peer: KioskPeer, endpoint: FrontEndpoint, bankIdOrderRef: string | null): FrontAnswer {
    switch (failure.kind) {
      case 'bankid-error':
      case 'unknown-error-code':
        // invalidParameters on collect/cancel: BankID no longer knows the order; neither need we.
        if (bankIdOrderRef !== null && failure.errorCode === 'invalidParameters') this.#forget(bankIdOrderRef)
        this.#options.log('info', 'gateway.bankid.error', { kioskId: peer.id, endpoint, httpStatus: failure.httpStatus, errorCode: failure.errorCode })
        return error(failure.httpStatus, failure.errorCode, failure.details)
      case 'order-finished':
        // A (modified) kiosk collecting an order that ended: BankID is not asked again.
        this.#options.metrics.refused.inc({ reason: 'bad-request' })
        this.#options.log('warn', 'gateway.collect-after-final', { kioskId: peer.id, fingerprint: peer.fingerprint })
        return noSuchOrder()
      case 'invalid-request':
        return error(400, 'invalidParameters', `Invalid ${failure.field}`)
      case 'network':
      case 'timeout':
      case 'tls':
      case 'aborted':
        this.#options.metrics.bankIdFailures.inc({ kind: failure.kind })
        this.#options.log('error', 'gateway.bankid.unreachable', {
          kioskId: peer.id,
          endpoint,
          kind: failure.kind,
          code: 'code' in failure ? failure.code : null,
        })
        return error(503, 'maintenance', 'BankID cannot be reached from the gateway')
      case 'malformed-response':
        this.#options.metrics.bankIdFailures.inc({ kind: failure.kind })
        this.#options.log('error', 'gateway.bankid.malformed', { kioskId: peer.id, endpoint, httpStatus: failure.httpStatus, reason: failure.reason })
        return error(500, 'internalError', 'BankID answered the gateway with something it does not understand')
    }
  }
}

const orderRefOf = (body: unknown): unknown =>
  typeof body === 'object' && body !== null ? (body as { orderRef?: unknown }).orderRef : undefined

const KNOWN_OUTCOMES = new Set([
  'complete',
  'cancelled',
  'expiredTransaction',
  'certificateErr',
  'userCancel',
  'startFailed',
  'userDeclinedCall',
  'notSupportedByUserApp',
  'transactionRiskBlocked',
])
/** Metric labels are bounded: a hint code BankID adds tomorrow counts as "other". */
const outcomeLabel = (outcome: string): string => (KNOWN_OUTCOMES.has(outcome) ? outcome : 'other')
