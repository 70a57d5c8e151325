// Reference codes and failure causes: pure functions, re-exported by kiosk-session.ts.
import { describe, expect, it } from 'vitest'
import { causeOf, causeOfHint, failureReport, referenceFor, sanitize } from '../../../src/main/session/references'
import { referenceFor as fromSession } from '../../../src/main/session/kiosk-session'

describe('references', () => {
  it('names each failure kind with a short code', () => {
    expect(referenceFor({ kind: 'bankid-error', errorCode: 'maintenance', httpStatus: 503, details: '' })).toBe('B-503-maintenance')
    expect(referenceFor({ kind: 'network', code: 'ECONN-RESET!' } as never)).toBe('N-ECONNRESET')
    expect(referenceFor({ kind: 'timeout' } as never)).toBe('N-TIMEOUT')
    expect(referenceFor({ kind: 'aborted' })).toBe('R-ABORTED')
    expect(fromSession).toBe(referenceFor)
  })

  it('sanitizes to at most 40 safe characters, never empty', () => {
    expect(sanitize('a b/c')).toBe('abc')
    expect(sanitize('x'.repeat(60))).toHaveLength(40)
    expect(sanitize('åäö')).toBe('none')
  })

  it('maps failures and hints to the parent’s failure screen', () => {
    expect(causeOf({ kind: 'bankid-error', errorCode: 'alreadyInProgress', httpStatus: 400, details: '' })).toBe('already-in-progress')
    expect(causeOf({ kind: 'bankid-error', errorCode: 'requestTimeout', httpStatus: 408, details: '' })).toBe('bankid-unavailable')
    expect(causeOf({ kind: 'timeout' } as never)).toBe('network')
    expect(causeOf({ kind: 'aborted' })).toBe('unknown')
    expect(causeOfHint('startFailed')).toBe('scan-failed')
    expect(causeOfHint('somethingNew')).toBe('unknown')
  })

  it('a failure report: the code for the log, only its neutral reference for the parent, BankID’s message', () => {
    const maintenance = { kind: 'bankid-error', errorCode: 'maintenance', httpStatus: 503, details: '' } as const
    const report = failureReport('bankid-unavailable', maintenance)
    expect(report.references.reference).toBe('B-503-maintenance')
    expect(report.references.staffReference).toMatch(/^[0-9A-Z]{4}$/)
    expect(report.described).toContain('maintenance')
    expect(report.screen).toMatchObject({ name: 'failure', cause: 'bankid-unavailable', reference: 'B-503-maintenance' })
    expect(failureReport('scan-failed', undefined, 'T-WINDOW', 'bankid.rfa17b')).toMatchObject({
      described: undefined,
      screen: { reference: 'T-WINDOW', messageKey: 'bankid.rfa17b' },
    })
    expect(failureReport('unknown').screen).toMatchObject({ reference: 'U-UNKNOWN', messageKey: null })
  })
})
