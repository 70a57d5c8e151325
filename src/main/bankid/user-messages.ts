// Which of BankID's recommended user messages (reference §5) the parent sees, for every hint code
// and every failure. The kiosk always shows a QR and never starts an app on its own device, so
// the QR variants apply: RFA1 while waiting for the scan, RFA17B for a failed scan, never RFA13.
import type { BankIdMessageKey } from '../../shared/bankid-messages'
import type { FailedHintCode, PendingHintCode } from './api-types'
import { isFailedHintCode, isPendingHintCode } from './api-types'
import type { BankIdErrorCode, BankIdFailure } from './failure'

const PENDING: Record<PendingHintCode, BankIdMessageKey> = {
  outstandingTransaction: 'bankid.rfa1',
  noClient: 'bankid.rfa1',
  // The app was started on the parent's phone and is looking for a BankID there.
  started: 'bankid.rfa15b',
  userMrtd: 'bankid.rfa23',
  userSign: 'bankid.rfa9',
  // Phone-call flows only; the kiosk never starts one, so nothing better than "in progress" fits.
  userCallConfirm: 'bankid.rfa21',
  processing: 'bankid.rfa21',
}

const FAILED: Record<FailedHintCode, BankIdMessageKey> = {
  expiredTransaction: 'bankid.rfa8',
  certificateErr: 'bankid.rfa16',
  userCancel: 'bankid.rfa6',
  cancelled: 'bankid.rfa3',
  startFailed: 'bankid.rfa17b',
  userDeclinedCall: 'bankid.rfa22',
  notSupportedByUserApp: 'bankid.appTooOld',
  transactionRiskBlocked: 'bankid.riskBlocked',
}

const ERROR_CODES: Record<BankIdErrorCode, BankIdMessageKey> = {
  alreadyInProgress: 'bankid.rfa4',
  requestTimeout: 'bankid.rfa5',
  internalError: 'bankid.rfa5',
  maintenance: 'bankid.rfa5',
  // Our own mistakes (§4: "RP-internal, do not show as a BankID error"): the generic message.
  invalidParameters: 'bankid.rfa22',
  unauthorized: 'bankid.rfa22',
  notFound: 'bankid.rfa22',
  methodNotAllowed: 'bankid.rfa22',
  unsupportedMediaType: 'bankid.rfa22',
}

export function messageForPendingHint(hintCode: string): BankIdMessageKey {
  return isPendingHintCode(hintCode) ? PENDING[hintCode] : 'bankid.rfa21'
}

export function messageForFailedHint(hintCode: string): BankIdMessageKey {
  return isFailedHintCode(hintCode) ? FAILED[hintCode] : 'bankid.rfa22'
}

export function messageForFailure(failure: BankIdFailure): BankIdMessageKey {
  switch (failure.kind) {
    case 'bankid-error':
      return ERROR_CODES[failure.errorCode]
    case 'network':
    case 'timeout':
    case 'tls':
    case 'malformed-response':
      // BankID could not be reached or answered nonsense: as for 500/503, "internal error, try again".
      return 'bankid.rfa5'
    case 'unknown-error-code':
    case 'invalid-request':
    case 'order-finished':
    case 'aborted':
      return 'bankid.rfa22'
  }
}
