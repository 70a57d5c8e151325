// The hand-off when the municipality's gateway does it (handoff.auth "gateway", product.md §9): the
// gateway posted the login to the school's service with its own key and put what the service
// answered into BankID's "complete" answer. The kiosk sends nothing anywhere; it only checks that
// answer as strictly as if it had come from the service itself (the same origins rule for a page).
import type { HandoffPort } from '../session/kiosk-session'
import type { HandoffCompletion, HandoffResult } from './client'
import { parseAnswer } from './response'

/** The gateway's word that its own hand-off failed, e.g. { "error": "HO-TIMEOUT" }. */
const GATEWAY_REFERENCE = /^HO-[A-Z0-9-]{1,32}$/

export function gatewayHandoffPort(options: { allowedOrigins: readonly string[]; messageMs: number }): HandoffPort {
  return {
    messageMs: options.messageMs,
    deliver: (completion: HandoffCompletion): Promise<HandoffResult> =>
      Promise.resolve(judgeGatewayAnswer(completion.gatewayAnswer, options.allowedOrigins)),
  }
}

export function judgeGatewayAnswer(answer: unknown, allowedOrigins: readonly string[]): HandoffResult {
  const failed = (reference: string): HandoffResult => ({ ok: false, reference, status: null, tries: 1, latencyMs: 0 })
  // No answer at all: the endpoint is not a gateway with the hand-off on, or it dropped it.
  if (answer === undefined) return failed('HO-GATEWAY-NONE')
  if (typeof answer === 'object' && answer !== null && 'error' in answer) {
    const reference = (answer as { error: unknown }).error
    return failed(typeof reference === 'string' && GATEWAY_REFERENCE.test(reference) ? reference : 'HO-RESPONSE')
  }
  const checked = parseAnswer(answer, allowedOrigins)
  if (!checked.ok) return failed(checked.reason === 'origin' ? 'HO-ORIGIN' : 'HO-RESPONSE')
  return { ok: true, answer: checked.answer, status: 200, tries: 1, latencyMs: 0 }
}
