// The BankID RP API v6 client: auth, sign, collect, cancel. It validates what it sends against the
// API's limits, validates what comes back, retries only what BankID allows, and refuses to
// collect an order that has already ended. Failures come back as values, never as exceptions.
import type { z } from 'zod'
import type { Clock } from '../clock'
import type { AuthRequest, BankIdEndpoint, CollectResponse, OrderResponse, SignRequest } from './api-types'
import {
  authRequestSchema,
  cancelResponseSchema,
  collectResponseSchema,
  errorResponseSchema,
  orderResponseSchema,
  signRequestSchema,
} from './api-types'
import type { BankIdFailure, Result } from './failure'
import { fail, isBankIdErrorCode, isSilentlyRetryable, ok } from './failure'
import type { BankIdTransport } from './transport'

export interface MaintenanceRetryPolicy {
  /** Extra attempts after the first 503 `maintenance`. */
  maxRetries: number
  initialDelayMs: number
  maxDelayMs: number
}

export interface BankIdClientOptions {
  transport: BankIdTransport
  clock: Clock
  /** Per-request timeout unless a call gives its own. */
  timeoutMs?: number
  maintenanceRetry?: MaintenanceRetryPolicy
  /** Waits between retries; resolves false if the signal aborted the wait. Injected by tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<boolean>
  /** How many ended orders are remembered (and never collected again); the gateway serves many kiosks. */
  finishedOrdersRemembered?: number
}

export interface CallOptions {
  signal?: AbortSignal | undefined
  timeoutMs?: number | undefined
}

/** An order BankID accepted, stamped with the monotonic time its answer arrived (QR time zero). */
export interface StartedOrder {
  response: OrderResponse
  receivedAt: number
}

export const DEFAULT_TIMEOUT_MS = 10_000
// BankID: never call more often than once a second, retries included; so the first retry of a
// 503 waits a second, then 2 s and 4 s.
export const DEFAULT_MAINTENANCE_RETRY: MaintenanceRetryPolicy = { maxRetries: 3, initialDelayMs: 1_000, maxDelayMs: 4_000 }
// Enough to remember every order of a busy day; BankID forgets ended orders within minutes anyway.
const FINISHED_ORDERS_REMEMBERED = 1_024

export function sleepWithSignal(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false)
    const onAbort = () => {
      clearTimeout(timer)
      resolve(false)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** BankID texts are UTF-8, then standard Base64 (§2). */
export function encodeUserVisibleData(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64')
}

export class BankIdClient {
  readonly #transport: BankIdTransport
  readonly #clock: Clock
  readonly #timeoutMs: number
  readonly #retry: MaintenanceRetryPolicy
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<boolean>
  readonly #finishedOrders = new Set<string>()
  readonly #finishedOrdersRemembered: number

  constructor(options: BankIdClientOptions) {
    this.#transport = options.transport
    this.#clock = options.clock
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.#retry = options.maintenanceRetry ?? DEFAULT_MAINTENANCE_RETRY
    this.#sleep = options.sleep ?? sleepWithSignal
    this.#finishedOrdersRemembered = options.finishedOrdersRemembered ?? FINISHED_ORDERS_REMEMBERED
  }

  auth(request: AuthRequest, options: CallOptions = {}): Promise<Result<StartedOrder>> {
    return this.#startOrder('auth', authRequestSchema, request, options)
  }

  sign(request: SignRequest, options: CallOptions = {}): Promise<Result<StartedOrder>> {
    return this.#startOrder('sign', signRequestSchema, request, options)
  }

  async collect(orderRef: string, options: CallOptions = {}): Promise<Result<CollectResponse>> {
    if (this.#finishedOrders.has(orderRef)) return fail({ kind: 'order-finished', orderRef })
    const result = await this.#call('collect', { orderRef }, collectResponseSchema, options)
    if (!result.ok) {
      // invalidParameters on collect means BankID no longer has the order: it cannot come back.
      if (result.error.kind === 'bankid-error' && result.error.errorCode === 'invalidParameters') {
        this.#rememberFinished(orderRef)
      }
      return result
    }
    if (result.value.orderRef !== orderRef) {
      return fail({ kind: 'malformed-response', httpStatus: 200, reason: 'collect answered for another order' })
    }
    if (result.value.status !== 'pending') this.#rememberFinished(orderRef)
    return result
  }

  async cancel(orderRef: string, options: CallOptions = {}): Promise<Result<void>> {
    const result = await this.#call('cancel', { orderRef }, cancelResponseSchema, options)
    if (!result.ok) return result
    this.#rememberFinished(orderRef)
    return ok(undefined)
  }

  close(): void {
    this.#transport.close()
  }

  async #startOrder(
    endpoint: 'auth' | 'sign',
    schema: typeof authRequestSchema | typeof signRequestSchema,
    request: AuthRequest | SignRequest,
    options: CallOptions,
  ): Promise<Result<StartedOrder>> {
    const checked = schema.safeParse(request)
    if (!checked.success) {
      const issue = checked.error.issues[0]
      const unknownKeys = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : ''
      return fail({
        kind: 'invalid-request',
        field: issue?.path.join('.') || unknownKeys || '(request)',
        reason: issue?.message ?? 'invalid',
      })
    }
    const result = await this.#call(endpoint, checked.data, orderResponseSchema, options)
    if (!result.ok) return result
    return ok({ response: result.value, receivedAt: this.#clock.now() })
  }

  async #call<T>(
    endpoint: BankIdEndpoint,
    body: unknown,
    schema: z.ZodType<T>,
    options: CallOptions,
  ): Promise<Result<T>> {
    let delayMs = this.#retry.initialDelayMs
    for (let attempt = 0; ; attempt++) {
      const result = await this.#callOnce(endpoint, body, schema, options)
      if (result.ok || !isSilentlyRetryable(result.error) || attempt >= this.#retry.maxRetries) return result
      const waited = await this.#sleep(delayMs, options.signal)
      if (!waited) return fail({ kind: 'aborted' })
      delayMs = Math.min(delayMs * 2, this.#retry.maxDelayMs)
    }
  }

  async #callOnce<T>(
    endpoint: BankIdEndpoint,
    body: unknown,
    schema: z.ZodType<T>,
    options: CallOptions,
  ): Promise<Result<T>> {
    const response = await this.#transport.post(endpoint, body, {
      timeoutMs: options.timeoutMs ?? this.#timeoutMs,
      signal: options.signal,
    })
    if (!response.ok) return response
    const { status, body: text } = response.value
    const json = parseJson(text)
    if (status === 200) {
      if (json === undefined) return fail({ kind: 'malformed-response', httpStatus: status, reason: 'body is not JSON' })
      const parsed = schema.safeParse(json)
      if (!parsed.success) return fail({ kind: 'malformed-response', httpStatus: status, reason: describeIssue(parsed.error) })
      return ok(parsed.data)
    }
    return fail(errorFromResponse(status, json))
  }

  #rememberFinished(orderRef: string): void {
    this.#finishedOrders.add(orderRef)
    if (this.#finishedOrders.size > this.#finishedOrdersRemembered) {
      const oldest = this.#finishedOrders.values().next().value
      if (oldest !== undefined) this.#finishedOrders.delete(oldest)
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return 'unexpected shape'
  return `${issue.path.join('.') || '(body)'}: ${issue.message}`
}

function errorFromResponse(status: number, json: unknown): BankIdFailure {
  const parsed = errorResponseSchema.safeParse(json)
  if (!parsed.success) {
    return { kind: 'malformed-response', httpStatus: status, reason: `HTTP ${status} without a BankID error body` }
  }
  const { errorCode, details = '' } = parsed.data
  return isBankIdErrorCode(errorCode)
    ? { kind: 'bankid-error', errorCode, httpStatus: status, details }
    : { kind: 'unknown-error-code', errorCode, httpStatus: status, details }
}
