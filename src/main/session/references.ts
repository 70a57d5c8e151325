// Reference codes for staff and failure causes for the parent's screen, from BankID's failures
// and hint codes. Pure functions.
import type { BankIdFailure } from '../bankid/failure'
import { describeFailure } from '../bankid/failure'
import { messageForFailure } from '../bankid/user-messages'
import type { BankIdMessageKey } from '../../shared/bankid-messages'
import type { FailureCause } from '../../shared/contract'
import { staffReference } from '../../shared/staff-reference'
import type { ScreenState } from './screen-state'

export const sanitize = (text: string) => text.replace(/[^A-Za-z0-9_]/g, '').slice(0, 40) || 'none'

/**
 * A short code for staff to look up in the log and the docs. The parent's screen shows only its
 * neutral staffReference (src/shared/staff-reference.ts); the snapshot and the log carry this code.
 */
export function referenceFor(failure: BankIdFailure): string {
  switch (failure.kind) {
    case 'bankid-error':
    case 'unknown-error-code':
      return `B-${failure.httpStatus}-${sanitize(failure.errorCode)}`
    case 'network':
      return `N-${sanitize(failure.code)}`
    case 'timeout':
      return 'N-TIMEOUT'
    case 'tls':
      return `TLS-${sanitize(failure.code)}`
    case 'malformed-response':
      return `M-${failure.httpStatus}`
    case 'invalid-request':
      return `R-${sanitize(failure.field)}`
    case 'order-finished':
      return 'R-FINISHED'
    case 'aborted':
      return 'R-ABORTED'
  }
}

/** A failed request → the failure screen's cause. */
export function causeOf(failure: BankIdFailure): FailureCause {
  switch (failure.kind) {
    case 'bankid-error':
      if (failure.errorCode === 'alreadyInProgress') return 'already-in-progress'
      if (['internalError', 'maintenance', 'requestTimeout'].includes(failure.errorCode)) return 'bankid-unavailable'
      return 'unknown'
    case 'network':
    case 'timeout':
      return 'network'
    case 'tls':
      return 'tls'
    default:
      return 'unknown'
  }
}

/** Failed hint code → failure screen. Unknown codes get the generic screen. */
export function causeOfHint(hint: string): FailureCause {
  switch (hint) {
    case 'expiredTransaction':
      return 'timeout'
    case 'userCancel':
      return 'cancelled-in-app'
    case 'cancelled':
      return 'cancelled-new-order'
    case 'certificateErr':
      return 'blocked'
    case 'startFailed':
      return 'scan-failed'
    case 'notSupportedByUserApp':
      return 'app-too-old'
    case 'transactionRiskBlocked':
      return 'risk-blocked'
    default:
      return 'unknown'
  }
}

/**
 * What a failure shows and logs. The parent reads only the neutral staffReference; the log and the
 * staff screen carry both it and the code.
 */
export function failureReport(cause: FailureCause, failure?: BankIdFailure, reference?: string, messageKey?: BankIdMessageKey) {
  const code = reference ?? (failure ? referenceFor(failure) : 'U-UNKNOWN')
  const screen: Extract<ScreenState, { name: 'failure' }> = {
    name: 'failure',
    cause,
    messageKey: messageKey ?? (failure ? messageForFailure(failure) : null),
    reference: code,
  }
  return { references: { reference: code, staffReference: staffReference(code) }, described: failure && describeFailure(failure), screen }
}
