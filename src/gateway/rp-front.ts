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
import type { BankIdFailure, Result } from '../main/bankid/failure'
import { hashOrderRef } from '../main/logging/logger'
import { validateOrderRequest } from '../main/simulator/request-validation'
import type { RefusalReason } from './metrics'
import { PendingOrders } from './pending-orders'
import { errorAnswer, failureAnswer, noSuchOrder, outcomeLabel } from './rp-front-answers'
import { handOff } from './rp-front-handoff'
import type { FrontAnswer, FrontEndpoint, KioskPeer, RpFrontOptions } from './rp-front-types'

// The pieces: rp-front-types.ts (the vocabulary, re-exported here), pending-orders.ts (what this
// instance remembers), rp-front-answers.ts (BankID's words) and rp-front-handoff.ts (on "complete").
export type { BankIdBackend, FrontAnswer, FrontEndpoint, GatewayHandoff, GatewayLog, KioskPeer, RpFrontOptions } from './rp-front-types'

export const DEFAULT_HANDOFF_BUDGET_MS = 8_000

export class RpFront {
  readonly #options: RpFrontOptions
  readonly #now: () => number
  readonly #monotonic: () => number
  readonly #orders: PendingOrders
  readonly #inFlight = new Set<Promise<unknown>>()
  readonly #aborts = new AbortController()

  constructor(options: RpFrontOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
    this.#monotonic = options.monotonic ?? (() => performance.now())
    this.#orders = new PendingOrders((size) => options.metrics.pendingOrders.set(size))
  }

  get pendingCount(): number {
    return this.#orders.size
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
    const orders = this.#orders.entries().filter(([, order]) => isRevoked({ serialNumber: order.serialNumber, fingerprint256: order.kiosk }))
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
      if (opened.ok && !this.#orders.wasRevokedAndCancelled(opened.claims.bankIdOrderRef)) {
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
    return errorAnswer(status, errorCode, details, headers)
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
      return errorAnswer(400, 'invalidParameters', checked.details)
    }
    const request = { ...(body as Record<string, unknown>) }
    request.endUserIp = this.#options.endUserIp(peer.address, request.endUserIp)
    const requirement = { ...((request.requirement as Record<string, unknown> | undefined) ?? {}) }
    if (requirement.certificatePolicies === undefined && this.#options.certificatePolicies.length > 0) {
      requirement.certificatePolicies = [...this.#options.certificatePolicies]
    }
    if (Object.keys(requirement).length > 0) request.requirement = requirement

    this.#orders.forgetOld(this.#monotonic())
    const pnr = typeof requirement.personalNumber === 'string' ? requirement.personalNumber : null
    const pnrKey = pnr === null ? null : this.#options.tokens.derive('pnr', pnr)
    if (pnrKey !== null && (await this.#stillPending(pnrKey))) {
      this.#options.log('info', 'gateway.already-in-progress', { kioskId: peer.id })
      return errorAnswer(400, 'alreadyInProgress', 'Order already in progress for pno')
    }

    const started = await this.#timed(endpoint, () =>
      endpoint === 'auth' ? this.#options.bankId.auth(request as never) : this.#options.bankId.sign(request as never),
    )
    if (!started.ok) return this.#failure(started.error, peer, endpoint, null)
    const { orderRef: bankIdOrderRef, ...tokens } = started.value.response
    const orderRef = this.#options.tokens.seal({ bankIdOrderRef, issuedAt: this.#now(), endpoint }, peer.fingerprint)
    this.#options.metrics.ordersStarted.inc()
    this.#orders.add(bankIdOrderRef, {
      kiosk: peer.fingerprint,
      kioskId: peer.id,
      serialNumber: peer.serialNumber,
      pnrKey,
      startedAt: this.#monotonic(),
    })
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
    const { handoff, tokens, metrics, log } = this.#options
    if (handoff) {
      answer.handoff = await handOff(
        handoff,
        { bankIdOrderRef, response, peer, token },
        { tokens, metrics, log, budgetMs: this.#options.handoffBudgetMs ?? DEFAULT_HANDOFF_BUDGET_MS, stop: this.#aborts.signal },
      )
    }
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
      return { ok: false, answer: errorAnswer(400, 'invalidParameters', 'Invalid orderRef') }
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
    const ref = this.#orders.refFor(pnrKey)
    if (ref === undefined) return false
    const result = await this.#timed('collect', () => this.#options.bankId.collect(ref))
    if (result.ok && result.value.status === 'pending') return true
    this.#orders.forget(ref)
    return false
  }

  #ended(bankIdOrderRef: string, outcome: string, peer: KioskPeer, token: string): void {
    this.#orders.forget(bankIdOrderRef)
    this.#options.metrics.orders.inc({ outcome: outcomeLabel(outcome) })
    this.#options.log('info', 'gateway.order.ended', { kioskId: peer.id, outcome, orderRefHash: hashOrderRef(token) })
  }

  async #cancelAtBankId(bankIdOrderRef: string, kioskId: string, why: string): Promise<void> {
    const result = await this.#timed('cancel', () => this.#options.bankId.cancel(bankIdOrderRef))
    this.#orders.forget(bankIdOrderRef)
    this.#orders.markRevokedAndCancelled(bankIdOrderRef)
    this.#options.log(result.ok ? 'info' : 'warn', 'gateway.order.cancelled', {
      kioskId,
      why,
      result: result.ok ? 'ok' : result.error.kind,
    })
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

  #failure(failure: BankIdFailure, peer: KioskPeer, endpoint: FrontEndpoint, bankIdOrderRef: string | null): FrontAnswer {
    const { metrics, log } = this.#options
    return failureAnswer(failure, { peer, endpoint, bankIdOrderRef, metrics, log, forget: (ref) => this.#orders.forget(ref) })
  }
}

const orderRefOf = (body: unknown): unknown =>
  typeof body === 'object' && body !== null ? (body as { orderRef?: unknown }).orderRef : undefined
