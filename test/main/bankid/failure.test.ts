import { describe, expect, it } from 'vitest'
import { classifySocketError, describeFailure, isSilentlyRetryable } from '../../../src/main/bankid/failure'

const errorWithCode = (code: string) => Object.assign(new Error(code), { code })

describe('classifySocketError', () => {
  it.each([
    'CERT_HAS_EXPIRED',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
    'EPROTO',
  ])('%s is a TLS failure', (code) => {
    expect(classifySocketError(errorWithCode(code))).toMatchObject({ kind: 'tls', code })
  })
  it.each(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE'])('%s is a network failure', (code) => {
    expect(classifySocketError(errorWithCode(code))).toMatchObject({ kind: 'network', code })
  })
  it('something that is not an error at all is still a network failure with a message', () => {
    expect(classifySocketError('boom')).toEqual({ kind: 'network', code: 'UNKNOWN', message: 'boom' })
  })
})

describe('retry rules', () => {
  it('only 503 maintenance is silently retryable', () => {
    const bankid = (errorCode: 'maintenance' | 'internalError' | 'requestTimeout') =>
      ({ kind: 'bankid-error', errorCode, httpStatus: 0, details: '' }) as const
    expect(isSilentlyRetryable(bankid('maintenance'))).toBe(true)
    expect(isSilentlyRetryable(bankid('internalError'))).toBe(false)
    expect(isSilentlyRetryable(bankid('requestTimeout'))).toBe(false)
    expect(isSilentlyRetryable({ kind: 'timeout', timeoutMs: 1 })).toBe(false)
    expect(isSilentlyRetryable({ kind: 'network', code: 'ECONNRESET', message: '' })).toBe(false)
  })
})

describe('describeFailure', () => {
  it('names the code staff can look up', () => {
    expect(describeFailure({ kind: 'bankid-error', errorCode: 'maintenance', httpStatus: 503, details: '' })).toBe(
      'BankID 503 maintenance',
    )
    expect(describeFailure({ kind: 'tls', code: 'CERT_HAS_EXPIRED', message: 'x' })).toBe('tls CERT_HAS_EXPIRED')
  })
})
