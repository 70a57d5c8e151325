// The HMAC scheme, from both ends: what the kiosk signs, what a receiver (ours, and the example in
// examples/handoff-receiver, which has no dependency on the kiosk's code) accepts and refuses.
import { createHmac } from 'node:crypto'
import { beforeEach, describe, expect, it } from 'vitest'
import { certificatesFromPem } from '../../../examples/handoff-receiver/bankid-proof.mjs'
import { NonceStore, ORDER_REF_TTL_SECONDS, verifyRequest } from '../../../examples/handoff-receiver/receiver.mjs'
import type { BankIdChecks } from '../../../examples/handoff-receiver/receiver.mjs'
import { buildPayload } from '../../../src/main/handoff/payload'
import { parseSignatureHeader, signRequest, verifySignature } from '../../../src/main/handoff/signature'
import { SECRET, completionFor, handoffPki } from '../../support/handoff'

// The proofs are signed now (their OCSP responses must be recent), so the requests are made now too.
const { proof } = await handoffPki()
const NONCE = '0123456789abcdef0123456789abcdef'
const T = Math.floor(Date.now() / 1000)
const completion = completionFor()
const body = (nonce = NONCE) =>
  Buffer.from(
    JSON.stringify(buildPayload(completion, { kioskId: 'reception-1', environment: 'simulator', completedAt: new Date(T * 1000), nonce })),
  )

describe('signRequest', () => {
  it('is t=<seconds>,n=<nonce>,v1=<hex HMAC-SHA256 of "t.n.body">', () => {
    const signed = body()
    const header = signRequest(SECRET, signed, NONCE, T)
    const expected = createHmac('sha256', SECRET).update(`${T}.${NONCE}.${signed.toString('utf8')}`).digest('hex')
    expect(header).toBe(`t=${T},n=${NONCE},v1=${expected}`)
  })

  it('refuses a nonce or time of the wrong shape', () => {
    expect(() => signRequest(SECRET, body(), 'short', T)).toThrow()
    expect(() => signRequest(SECRET, body(), NONCE, 1.5)).toThrow()
  })
})

describe('verifySignature', () => {
  const signed = body()
  const header = signRequest(SECRET, signed, NONCE, T)

  it('accepts the signature within ±5 minutes, and says when and which nonce', () => {
    expect(verifySignature(SECRET, header, signed, T)).toEqual({ ok: true, timestamp: T, nonce: NONCE })
    expect(verifySignature(SECRET, header, signed, T + 300).ok).toBe(true)
    expect(verifySignature(SECRET, header, signed, T - 300).ok).toBe(true)
  })

  it('refuses an old or future signature', () => {
    expect(verifySignature(SECRET, header, signed, T + 301)).toEqual({ ok: false, reason: 'stale' })
    expect(verifySignature(SECRET, header, signed, T - 301)).toEqual({ ok: false, reason: 'stale' })
  })

  it('refuses a changed body, a changed time or nonce, and another secret', () => {
    const tampered = Buffer.from(signed.toString('utf8').replace('199001012385', '199001012393'))
    expect(verifySignature(SECRET, header, tampered, T)).toEqual({ ok: false, reason: 'mismatch' })
    expect(verifySignature(SECRET, header.replace(`t=${T}`, `t=${T + 1}`), signed, T)).toEqual({ ok: false, reason: 'mismatch' })
    expect(verifySignature(SECRET, header.replace(`n=${NONCE}`, `n=${'f'.repeat(32)}`), signed, T)).toEqual({ ok: false, reason: 'mismatch' })
    expect(verifySignature(Buffer.from('another secret of at least 32 bytes!!'), header, signed, T)).toEqual({ ok: false, reason: 'mismatch' })
  })

  it.each([
    '',
    `t=${T},n=${NONCE}`,
    `t=${T},n=${NONCE},v1=${'a'.repeat(64)},v2=${'b'.repeat(64)}`,
    `t=${T},t=${T},v1=${'a'.repeat(64)}`,
    `t=${T},n=${NONCE},v1=${'A'.repeat(64)}`,
    `t=-5,n=${NONCE},v1=${'a'.repeat(64)}`,
    `t=${T},n=xyz,v1=${'a'.repeat(64)}`,
    `t=${T},n=${NONCE},v1=${'a'.repeat(63)}`,
  ])('refuses the malformed header %j', (bad) => {
    expect(parseSignatureHeader(bad)).toBeNull()
    expect(verifySignature(SECRET, bad, signed, T)).toEqual({ ok: false, reason: 'malformed' })
  })
})

describe('the example receiver’s checks (verifyRequest)', () => {
  let bankid: BankIdChecks
  beforeEach(() => {
    bankid = { roots: certificatesFromPem(proof.rootCertPem), environments: ['simulator'], orderRefs: new NonceStore(ORDER_REF_TTL_SECONDS) }
  })
  const request = (overrides: { header?: string; body?: Buffer; now?: number } = {}) => {
    const signed = overrides.body ?? body()
    return {
      headers: { 'x-kiosk-signature': overrides.header ?? signRequest(SECRET, signed, NONCE, T) },
      body: signed,
      secret: SECRET,
      nowSeconds: overrides.now ?? T,
      bankid,
    }
  }

  it('accepts what the kiosk signs, once; the same request again is a replay (409)', () => {
    const seen = new NonceStore()
    const first = verifyRequest({ ...request(), seen })
    expect(first.ok).toBe(true)
    expect(first.ok && first.payload.givenName).toBe('Fatima')
    expect(verifyRequest({ ...request(), seen })).toEqual({ ok: false, status: 409, reason: 'nonce already used (replay)' })
    // Re-signed later with a fresh time, as the kiosk's retries are: still the same nonce, still refused.
    const resigned = signRequest(SECRET, body(), NONCE, T + 60)
    expect(verifyRequest({ ...request({ header: resigned, now: T + 60 }), seen })).toMatchObject({ ok: false, status: 409 })
  })

  it('forgets a nonce only after 10 minutes, when no signature of its time can be valid any more', () => {
    const seen = new NonceStore()
    seen.add(NONCE, T)
    expect(seen.has(NONCE, T + 599)).toBe(true)
    expect(seen.has(NONCE, T + 600)).toBe(false)
  })

  it('refuses a tampered body, a stale or future time, a missing or forged signature (401)', () => {
    const seen = new NonceStore()
    const tampered = Buffer.from(body().toString('utf8').replace('Fatima', 'Mallory'))
    expect(verifyRequest({ ...request(), body: tampered, seen })).toMatchObject({ ok: false, status: 401, reason: 'signature does not match' })
    expect(verifyRequest({ ...request({ now: T + 301 }), seen })).toMatchObject({ ok: false, status: 401 })
    expect(verifyRequest({ ...request({ now: T - 301 }), seen })).toMatchObject({ ok: false, status: 401 })
    expect(verifyRequest({ ...request(), headers: {}, seen })).toMatchObject({ ok: false, status: 401 })
    expect(verifyRequest({ ...request({ header: `t=${T},n=${NONCE},v1=${'0'.repeat(64)}` }), seen })).toMatchObject({ ok: false, status: 401 })
    // None of these used up the nonce.
    expect(verifyRequest({ ...request(), seen }).ok).toBe(true)
  })

  it('refuses a body whose nonce is not the signed one (400), and an unknown version', () => {
    const seen = new NonceStore()
    const other = body('fedcba9876543210fedcba9876543210')
    const header = signRequest(SECRET, other, NONCE, T)
    expect(verifyRequest({ ...request({ header, body: other }), seen })).toMatchObject({ ok: false, status: 400 })
    const v2 = Buffer.from(body().toString('utf8').replace('"version":1', '"version":2'))
    expect(verifyRequest({ ...request({ header: signRequest(SECRET, v2, NONCE, T), body: v2 }), seen })).toMatchObject({ ok: false, status: 400 })
  })

  it('with mutual TLS alone (no secret) checks the body and the nonce only', () => {
    const seen = new NonceStore()
    expect(verifyRequest({ headers: {}, body: body(), secret: null, nowSeconds: T, seen, bankid }).ok).toBe(true)
    expect(verifyRequest({ headers: {}, body: body(), secret: null, nowSeconds: T, seen, bankid })).toMatchObject({ status: 409 })
  })
})

describe('buildPayload', () => {
  it('carries the person, BankID’s proof, the kiosk, the time and the nonce, in a fixed order', () => {
    const payload = buildPayload(completionFor(), { kioskId: 'reception-1', environment: 'test', completedAt: new Date(T * 1000), nonce: NONCE })
    expect(Object.keys(payload)).toEqual([
      'version',
      'kioskId',
      'environment',
      'completedAt',
      'nonce',
      'orderRef',
      'personnummer',
      'givenName',
      'surname',
      'name',
      'signature',
      'ocspResponse',
    ])
    expect(payload).toMatchObject({
      version: 1,
      kioskId: 'reception-1',
      environment: 'test',
      completedAt: new Date(T * 1000).toISOString(),
      nonce: NONCE,
      personnummer: '199001012385',
      givenName: 'Fatima',
      surname: 'Hassan',
      name: 'Fatima Hassan',
    })
  })
})
