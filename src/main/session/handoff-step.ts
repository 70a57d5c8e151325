// BankID said complete: the check that it is the right person, then either "logged in" or the
// hand-off (product.md §5), where the school's service is told and the parent sees what it
// answers. The completion is held only while it is being POSTed.
import type { HandoffCompletion, HandoffResult } from '../handoff/client'
import type { Scheduler } from '../scheduler'
import type { FailureCause } from '../../shared/contract'
import { staffReference } from '../../shared/staff-reference'
import type { Attempt, CompleteResponse, Order } from './bankid-order'
import type { ScreenState } from './screen-state'
import type { HandoffPort, Log, Track } from './session-types'

export interface HandoffHost {
  scheduler: Scheduler
  log: Log
  track: Track
  /** Stops the order's own timers and requests (BankID is done with it). */
  stopOrder(attempt: Attempt): void
  clearWarning(): void
  show(screen: ScreenState): void
  fail(attempt: Attempt, cause: FailureCause, reference: string): void
  /** The attempt ends as a success (before the service's answer is shown). */
  succeeded(): void
  hashOrderRef(orderRef: string): string
  loggedInMs: number
}

/** The order is complete at BankID: logged in, or handed off when the kiosk has a hand-off. */
export function complete(host: HandoffHost, attempt: Attempt, order: Order, response: CompleteResponse, handoff?: HandoffPort): void {
  const user = response.completionData.user
  // Only the person whose number was typed may log in (requirement.personalNumber already
  // says so to BankID; this makes sure of it).
  if (attempt.personnummer !== null && user.personalNumber !== attempt.personnummer) {
    return host.fail(attempt, 'unknown', 'C-PERSON-MISMATCH')
  }
  host.log('info', 'order.complete', { attempt: attempt.id, orderRefHash: host.hashOrderRef(order.orderRef) })
  if (handoff) {
    const completion = { orderRef: order.orderRef, completionData: response.completionData }
    return handOff(host, attempt, handoff, 'handoff' in response ? { ...completion, gatewayAnswer: response.handoff } : completion)
  }
  host.succeeded()
  // Whoever finished in the app is standing here.
  host.clearWarning()
  const until = host.scheduler.now() + host.loggedInMs
  host.show({ name: 'logged-in', givenName: user.givenName, until })
}

function handOff(host: HandoffHost, attempt: Attempt, handoff: HandoffPort, completion: HandoffCompletion): void {
  host.stopOrder(attempt)
  host.scheduler.clearTimeout(attempt.limitTimer)
  attempt.limitTimer = null
  attempt.completion = completion
  attempt.handingOff = new AbortController()
  const givenName = completion.completionData.user.givenName
  // Whoever finished in the app is standing here.
  host.clearWarning()
  host.show({ name: 'handing-off', givenName })
  host.track(handoff.deliver(attempt.completion, { signal: attempt.handingOff.signal })).then(
    (result) => onHandedOff(host, attempt, handoff, givenName, result),
    () => onHandedOff(host, attempt, handoff, givenName, { ok: false, reference: 'HO-INTERNAL', status: null, tries: 0, latencyMs: 0 }),
  )
}

function onHandedOff(host: HandoffHost, attempt: Attempt, handoff: HandoffPort, givenName: string, result: HandoffResult): void {
  // Abandoned meanwhile (renderer gone, quit): the session's endAttempt has already dropped everything.
  if (attempt.ended) return
  attempt.completion = null
  attempt.handingOff = null
  const fields = { attempt: attempt.id, status: result.status, tries: result.tries, latencyMs: result.latencyMs }
  if (!result.ok) {
    host.log('warn', 'handoff.failed', { ...fields, reference: result.reference, staffReference: staffReference(result.reference) })
    return host.fail(attempt, 'handoff-failed', result.reference)
  }
  host.succeeded()
  if (result.answer.kind === 'message') {
    host.log('info', 'handoff.message', fields)
    const until = host.scheduler.now() + handoff.messageMs
    return host.show({ name: 'handoff-message', givenName, message: result.answer.message, until })
  }
  // Only the origin: a page's path or query may carry a session token.
  host.log('info', 'handoff.view', { ...fields, origin: new URL(result.answer.url).origin })
  host.show({ name: 'handoff-view', url: result.answer.url })
}
