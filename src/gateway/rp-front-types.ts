// The front's vocabulary: what a kiosk is, what it is answered, and what the front is given (the
// BankID client, the hand-off, metrics and the log). rp-front.ts re-exports all of it.
import type { StartedOrder } from '../main/bankid/client'
import type { CollectResponse } from '../main/bankid/api-types'
import type { Result } from '../main/bankid/failure'
import type { HandoffCompletion, HandoffResult } from '../main/handoff/client'
import type { GatewayMetrics } from './metrics'
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
