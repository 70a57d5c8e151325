import { describe, expect, it } from 'vitest'
import { FAILED_HINT_CODES, PENDING_HINT_CODES } from '../../../src/main/bankid/api-types'
import type { BankIdFailure } from '../../../src/main/bankid/failure'
import { BANKID_ERROR_STATUS } from '../../../src/main/bankid/failure'
import { messageForFailedHint, messageForFailure, messageForPendingHint } from '../../../src/main/bankid/user-messages'
import { BANKID_MESSAGE_KEYS } from '../../../src/shared/bankid-messages'

// BankID's recommended user messages for a QR login (reference §5), as a table written from the
// reference rather than from the code.
const EXPECTED_PENDING: Record<string, string> = {
  outstandingTransaction: 'bankid.rfa1',
  noClient: 'bankid.rfa1',
  started: 'bankid.rfa15b',
  userMrtd: 'bankid.rfa23',
  userSign: 'bankid.rfa9',
  userCallConfirm: 'bankid.rfa21',
  processing: 'bankid.rfa21',
}
const EXPECTED_FAILED: Record<string, string> = {
  expiredTransaction: 'bankid.rfa8',
  certificateErr: 'bankid.rfa16',
  userCancel: 'bankid.rfa6',
  cancelled: 'bankid.rfa3',
  startFailed: 'bankid.rfa17b',
  userDeclinedCall: 'bankid.rfa22',
  notSupportedByUserApp: 'bankid.appTooOld',
  transactionRiskBlocked: 'bankid.riskBlocked',
}

describe('pending hint codes', () => {
  it.each(PENDING_HINT_CODES)('%s', (code) => {
    expect(messageForPendingHint(code)).toBe(EXPECTED_PENDING[code])
  })
  it('an unknown pending code is RFA21 ("in progress"), never an error', () => {
    expect(messageForPendingHint('somethingNew')).toBe('bankid.rfa21')
    expect(messageForPendingHint('')).toBe('bankid.rfa21')
  })
  it('RFA1 while the QR waits for its scan, RFA9 after pickup', () => {
    expect(messageForPendingHint('outstandingTransaction')).toBe('bankid.rfa1')
    expect(messageForPendingHint('userSign')).toBe('bankid.rfa9')
  })
})

describe('failed hint codes', () => {
  it.each(FAILED_HINT_CODES)('%s', (code) => {
    expect(messageForFailedHint(code)).toBe(EXPECTED_FAILED[code])
  })
  it('an unknown failed code is RFA22', () => {
    expect(messageForFailedHint('somethingNew')).toBe('bankid.rfa22')
  })
  it('a failed scan is RFA17B (the QR variant), not RFA17A', () => {
    expect(messageForFailedHint('startFailed')).toBe('bankid.rfa17b')
  })
})

describe('failures', () => {
  const bankIdError = (errorCode: keyof typeof BANKID_ERROR_STATUS): BankIdFailure => ({
    kind: 'bankid-error',
    errorCode,
    httpStatus: BANKID_ERROR_STATUS[errorCode],
    details: '',
  })
  it('alreadyInProgress is RFA4', () => expect(messageForFailure(bankIdError('alreadyInProgress'))).toBe('bankid.rfa4'))
  it.each(['requestTimeout', 'internalError', 'maintenance'] as const)('%s is RFA5', (code) => {
    expect(messageForFailure(bankIdError(code))).toBe('bankid.rfa5')
  })
  it.each(['invalidParameters', 'unauthorized', 'notFound', 'methodNotAllowed', 'unsupportedMediaType'] as const)(
    '%s (our own fault) is the generic RFA22',
    (code) => expect(messageForFailure(bankIdError(code))).toBe('bankid.rfa22'),
  )
  it.each<BankIdFailure>([
    { kind: 'network', code: 'ECONNREFUSED', message: '' },
    { kind: 'timeout', timeoutMs: 1 },
    { kind: 'tls', code: 'CERT_HAS_EXPIRED', message: '' },
    { kind: 'malformed-response', httpStatus: 200, reason: '' },
  ])('$kind is RFA5 (try again)', (failure) => expect(messageForFailure(failure)).toBe('bankid.rfa5'))
  it('an unknown errorCode is RFA22', () => {
    expect(messageForFailure({ kind: 'unknown-error-code', errorCode: 'x', httpStatus: 400, details: '' })).toBe('bankid.rfa22')
  })
})

describe('the message keys', () => {
  it('never include RFA13 ("trying to start the app on this device")', () => {
    expect(BANKID_MESSAGE_KEYS.some((key) => /rfa13/i.test(key))).toBe(false)
  })
  it('are all used by some mapping', () => {
    const used = new Set<string>([
      ...PENDING_HINT_CODES.map(messageForPendingHint),
      ...FAILED_HINT_CODES.map(messageForFailedHint),
      messageForPendingHint('?'),
      messageForFailedHint('?'),
      ...Object.keys(BANKID_ERROR_STATUS).map((code) =>
        messageForFailure({ kind: 'bankid-error', errorCode: code as keyof typeof BANKID_ERROR_STATUS, httpStatus: 0, details: '' }),
      ),
    ])
    expect([...used].sort()).toEqual([...BANKID_MESSAGE_KEYS].sort())
  })
})
