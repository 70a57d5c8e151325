// What the front answers in BankID's own words: error bodies, "No such order", BankID's failures
// passed through (or, when BankID cannot be reached, 503 maintenance), and bounded outcome labels.
import type { BankIdFailure } from '../main/bankid/failure'
import type { GatewayMetrics } from './metrics'
import type { FrontAnswer, FrontEndpoint, GatewayLog, KioskPeer } from './rp-front-types'

/** A BankID-shaped error body. */
export const errorAnswer = (status: number, errorCode: string, details: string, headers?: Record<string, string>): FrontAnswer => ({
  status,
  body: { errorCode, details },
  ...(headers ? { headers } : {}),
})

/** What BankID says of an order it does not know. */
export const noSuchOrder = (): FrontAnswer => errorAnswer(400, 'invalidParameters', 'No such order')

export interface FailureContext {
  peer: KioskPeer
  endpoint: FrontEndpoint
  /** The order asked about (collect, cancel), or null (auth, sign). */
  bankIdOrderRef: string | null
  metrics: GatewayMetrics
  log: GatewayLog
  /** Forget the order: BankID no longer knows it. */
  forget: (bankIdOrderRef: string) => void
}

/** A failure as BankID's own error body; the gateway's own trouble reaching BankID as 503 maintenance. */
export function failureAnswer(failure: BankIdFailure, context: FailureContext): FrontAnswer {
  const { peer, endpoint, bankIdOrderRef, metrics, log } = context
  switch (failure.kind) {
    case 'bankid-error':
    case 'unknown-error-code':
      // invalidParameters on collect/cancel: BankID no longer knows the order; neither need we.
      if (bankIdOrderRef !== null && failure.errorCode === 'invalidParameters') context.forget(bankIdOrderRef)
      log('info', 'gateway.bankid.error', { kioskId: peer.id, endpoint, httpStatus: failure.httpStatus, errorCode: failure.errorCode })
      return errorAnswer(failure.httpStatus, failure.errorCode, failure.details)
    case 'order-finished':
      // A (modified) kiosk collecting an order that ended: BankID is not asked again.
      metrics.refused.inc({ reason: 'bad-request' })
      log('warn', 'gateway.collect-after-final', { kioskId: peer.id, fingerprint: peer.fingerprint })
      return noSuchOrder()
    case 'invalid-request':
      return errorAnswer(400, 'invalidParameters', `Invalid ${failure.field}`)
    case 'network':
    case 'timeout':
    case 'tls':
    case 'aborted':
      metrics.bankIdFailures.inc({ kind: failure.kind })
      log('error', 'gateway.bankid.unreachable', {
        kioskId: peer.id,
        endpoint,
        kind: failure.kind,
        code: 'code' in failure ? failure.code : null,
      })
      return errorAnswer(503, 'maintenance', 'BankID cannot be reached from the gateway')
    case 'malformed-response':
      metrics.bankIdFailures.inc({ kind: failure.kind })
      log('error', 'gateway.bankid.malformed', { kioskId: peer.id, endpoint, httpStatus: failure.httpStatus, reason: failure.reason })
      return errorAnswer(500, 'internalError', 'BankID answered the gateway with something it does not understand')
  }
}

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
export const outcomeLabel = (outcome: string): string => (KNOWN_OUTCOMES.has(outcome) ? outcome : 'other')
