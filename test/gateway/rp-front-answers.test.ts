// BankID's words for what the front answers, on its own: every failure kind mapped.
import { describe, expect, it } from 'vitest'
import type { BankIdFailure } from '../../src/main/bankid/failure'
import { GatewayMetrics } from '../../src/gateway/metrics'
import { errorAnswer, failureAnswer, noSuchOrder, outcomeLabel } from '../../src/gateway/rp-front-answers'
import type { KioskPeer } from '../../src/gateway/rp-front-types'

const peer: KioskPeer = { id: 'reception-a', fingerprint: 'AA:BB', serialNumber: '01', address: '127.0.0.1' }

function context(bankIdOrderRef: string | null = 'ref-1') {
  const logs: { level: string; event: string; fields?: Record<string, unknown> | undefined }[] = []
  const forgotten: string[] = []
  const metrics = new GatewayMetrics({ processMetrics: false })
  return {
    logs,
    forgotten,
    metrics,
    context: {
      peer,
      endpoint: 'collect' as const,
      bankIdOrderRef,
      metrics,
      log: (level: 'info' | 'warn' | 'error' | 'debug', event: string, fields?: Record<string, unknown>) => void logs.push({ level, event, fields }),
      forget: (ref: string) => void forgotten.push(ref),
    },
  }
}

describe('error bodies', () => {
  it('are BankID-shaped, with headers only when given', () => {
    expect(errorAnswer(429, 'tooManyRequests', 'slow down')).toEqual({ status: 429, body: { errorCode: 'tooManyRequests', details: 'slow down' } })
    expect(errorAnswer(429, 'x', 'y', { 'Retry-After': '3' }).headers).toEqual({ 'Retry-After': '3' })
    expect(noSuchOrder()).toEqual({ status: 400, body: { errorCode: 'invalidParameters', details: 'No such order' } })
  })
})

describe('failureAnswer', () => {
  it("passes BankID's own error on, and forgets an order BankID no longer knows", () => {
    const c = context()
    const failure: BankIdFailure = { kind: 'bankid-error', errorCode: 'invalidParameters', httpStatus: 400, details: 'No such order' }
    expect(failureAnswer(failure, c.context)).toEqual(errorAnswer(400, 'invalidParameters', 'No such order'))
    expect(c.forgotten).toEqual(['ref-1'])
    expect(c.logs).toMatchObject([{ level: 'info', event: 'gateway.bankid.error', fields: { errorCode: 'invalidParameters', httpStatus: 400 } }])
  })

  it('keeps the order for any other BankID error, and when there is no order', () => {
    const c = context()
    failureAnswer({ kind: 'unknown-error-code', errorCode: 'newCode', httpStatus: 409, details: 'd' }, c.context)
    const none = context(null)
    failureAnswer({ kind: 'bankid-error', errorCode: 'invalidParameters', httpStatus: 400, details: 'd' }, none.context)
    expect([...c.forgotten, ...none.forgotten]).toEqual([])
  })

  it('a collect after the final status is "No such order", counted as a bad request', async () => {
    const c = context()
    expect(failureAnswer({ kind: 'order-finished', orderRef: 'ref-1' }, c.context)).toEqual(noSuchOrder())
    expect(await c.metrics.registry.metrics()).toMatch(/bankid_gateway_refused_total\{reason="bad-request"\} 1/)
  })

  it('a request the client refused to send is invalidParameters naming the field', () => {
    expect(failureAnswer({ kind: 'invalid-request', field: 'userVisibleData', reason: 'too long' }, context().context)).toEqual(
      errorAnswer(400, 'invalidParameters', 'Invalid userVisibleData'),
    )
  })

  it.each<BankIdFailure>([
    { kind: 'network', code: 'ECONNREFUSED', message: 'm' },
    { kind: 'timeout', timeoutMs: 5_000 },
    { kind: 'tls', code: 'CERT_HAS_EXPIRED', message: 'm' },
    { kind: 'aborted' },
  ])('BankID unreachable ($kind) is 503 maintenance, logged as an error', (failure) => {
    const c = context()
    expect(failureAnswer(failure, c.context)).toEqual(errorAnswer(503, 'maintenance', 'BankID cannot be reached from the gateway'))
    expect(c.logs).toMatchObject([{ level: 'error', event: 'gateway.bankid.unreachable', fields: { kind: failure.kind } }])
  })

  it('a malformed answer from BankID is 500 internalError', () => {
    const c = context()
    expect(failureAnswer({ kind: 'malformed-response', httpStatus: 200, reason: 'json' }, c.context).status).toBe(500)
    expect(c.logs[0]?.event).toBe('gateway.bankid.malformed')
  })
})

describe('outcomeLabel', () => {
  it('keeps the known outcomes and calls the rest "other"', () => {
    expect(outcomeLabel('complete')).toBe('complete')
    expect(outcomeLabel('userCancel')).toBe('userCancel')
    expect(outcomeLabel('somethingNew')).toBe('other')
  })
})
