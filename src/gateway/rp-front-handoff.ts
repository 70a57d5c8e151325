// The hand-off on "complete": the gateway delivers the completion to the school's service and
// tells the kiosk only what to show (a message, a URL for the locked view, or an error reference).
import type { CollectResponse } from '../main/bankid/api-types'
import type { HandoffResult } from '../main/handoff/client'
import { hashOrderRef } from '../main/logging/logger'
import type { GatewayMetrics } from './metrics'
import type { OrderTokens } from './order-token'
import type { GatewayHandoff, GatewayLog, KioskPeer } from './rp-front-types'

export interface HandOffContext {
  tokens: OrderTokens
  metrics: GatewayMetrics
  log: GatewayLog
  /** The whole hand-off must end within this. */
  budgetMs: number
  /** Aborted when the gateway stops hand-offs (shutdown). */
  stop: AbortSignal
}

/** The completed order: BankID's orderRef, its answer, the kiosk and the kiosk's token for it. */
export interface CompletedOrder {
  bankIdOrderRef: string
  response: Extract<CollectResponse, { status: 'complete' }>
  peer: KioskPeer
  token: string
}

/** The `handoff` member of the collect answer: { message } | { url } | { error }. Never throws. */
export async function handOff(handoff: GatewayHandoff, order: CompletedOrder, context: HandOffContext): Promise<unknown> {
  const { bankIdOrderRef, response, peer, token } = order
  const { metrics, log } = context
  const budget = AbortSignal.timeout(context.budgetMs)
  const signal = AbortSignal.any([budget, context.stop])
  // The same nonce from every instance for one order: the service's replay check keeps it at most once.
  const nonce = context.tokens.derive('handoff', bankIdOrderRef)
  const completion = { orderRef: bankIdOrderRef, completionData: response.completionData }
  let result: HandoffResult
  try {
    result = await handoff.deliver(completion, { kioskId: peer.id, nonce, signal })
  } catch {
    result = { ok: false, reference: 'HO-INTERNAL', status: null, tries: 0, latencyMs: 0 }
  }
  const fields = { kioskId: peer.id, orderRefHash: hashOrderRef(token), status: result.status, tries: result.tries, latencyMs: result.latencyMs }
  if (!result.ok) {
    metrics.handoffs.inc({ result: result.reference })
    log('warn', 'gateway.handoff.failed', { ...fields, reference: result.reference })
    return { error: result.reference }
  }
  metrics.handoffs.inc({ result: 'ok' })
  if (result.answer.kind === 'message') {
    log('info', 'gateway.handoff.message', fields)
    return { message: result.answer.message }
  }
  log('info', 'gateway.handoff.view', { ...fields, origin: new URL(result.answer.url).origin })
  return { url: result.answer.url }
}
