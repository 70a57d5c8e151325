// The example receiver trusts BankID's proof, not only the kiosk's HMAC (security review, finding 1):
// with the hand-off secret alone nobody can invent a login. Every case below is signed with the right
// secret; what differs is the BankID part. Proofs come from the simulator's signing PKI (a receiver in
// test mode trusts its root), so these are the checks a school runs on a real login.
import type { X509Certificate } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { certificatesFromPem, verifyBankIdProof } from '../../../examples/handoff-receiver/bankid-proof.mjs'
import { NonceStore, ORDER_REF_TTL_SECONDS, verifyRequest } from '../../../examples/handoff-receiver/receiver.mjs'
import type { BankIdChecks, BankIdEnvironment } from '../../../examples/handoff-receiver/receiver.mjs'
import { buildPayload } from '../../../src/main/handoff/payload'
import type { HandoffCompletion, HandoffPayload } from '../../../src/main/handoff/payload'
import { signRequest } from '../../../src/main/handoff/signature'
import { generateProofPki, SimulatorProofSigner } from '../../../src/main/simulator/bankid-proof'
import type { ProofPkiPem } from '../../../src/main/simulator/bankid-proof'
import { PERSON, SECRET, completionFor, handoffPki } from '../../support/handoff'

let roots: X509Certificate[]
let signingPki: ProofPkiPem
beforeAll(async () => {
  signingPki = (await handoffPki()).proof
  roots = certificatesFromPem(signingPki.rootCertPem)
})

const nowSeconds = () => Math.floor(Date.now() / 1000)
let nonceCounter = 0
const freshNonce = () => (nonceCounter++).toString(16).padStart(32, '0')

function checks(environments: readonly BankIdEnvironment[] = ['simulator']): BankIdChecks {
  return { roots, environments, orderRefs: new NonceStore(ORDER_REF_TTL_SECONDS) }
}

/** One request as the kiosk sends it: a payload, HMAC-signed with the right secret. */
function request(payload: HandoffPayload, bankid: BankIdChecks, seen = new NonceStore()) {
  const body = Buffer.from(JSON.stringify(payload), 'utf8')
  const headers = { 'x-kiosk-signature': signRequest(SECRET, body, payload.nonce, nowSeconds()) }
  return verifyRequest({ headers, body, secret: SECRET, nowSeconds: nowSeconds(), seen, bankid })
}

function payloadOf(completion: HandoffCompletion, environment: BankIdEnvironment = 'simulator'): HandoffPayload {
  return buildPayload(completion, { kioskId: 'reception-1', environment, completedAt: new Date(), nonce: freshNonce() })
}

describe('a login BankID never made is refused, though its HMAC is right', () => {
  it('refuses an empty signature and OCSP response (the forged login of the review)', () => {
    const forged = payloadOf(completionFor())
    forged.signature = ''
    forged.ocspResponse = ''
    expect(request(forged, checks())).toMatchObject({ ok: false, status: 403 })
  })

  it('refuses a real signature with another personnummer in the body', () => {
    const payload = payloadOf(completionFor())
    payload.personnummer = '198505152382'
    expect(request(payload, checks())).toEqual({ ok: false, status: 403, reason: 'BankID proof refused: the signature is for another personnummer' })
  })

  it('refuses a signature whose chain leads to a root it does not trust', async () => {
    const foreign = new SimulatorProofSigner(await generateProofPki(new Date()))
    const payload = payloadOf({ ...completionFor(), completionData: { ...completionFor().completionData, ...foreign.prove({ type: 'auth', ...PERSON }) } })
    expect(request(payload, checks())).toMatchObject({ ok: false, status: 403, reason: expect.stringContaining('trusted BankID root') })
  })

  it('refuses a signature whose signed data was changed', () => {
    const payload = payloadOf(completionFor())
    const xml = Buffer.from(payload.signature, 'base64').toString('utf8').replace('Identification', 'Signing')
    payload.signature = Buffer.from(xml, 'utf8').toString('base64')
    expect(request(payload, checks())).toMatchObject({ ok: false, status: 403, reason: 'BankID proof refused: signature does not verify' })
  })

  it("refuses another login's OCSP response, and an old one", () => {
    // Two logins of the same person (same certificate): the OCSP nonce names the signature it belongs to.
    const signer = new SimulatorProofSigner(signingPki)
    const [first, second] = [signer.prove({ type: 'auth', ...PERSON }), signer.prove({ type: 'auth', ...PERSON })]
    const mixed = payloadOf(completionFor())
    Object.assign(mixed, { signature: first.signature, ocspResponse: second.ocspResponse })
    expect(request(mixed, checks())).toEqual({ ok: false, status: 403, reason: 'BankID proof refused: OCSP nonce does not match the signature' })
    // Another certificate's OCSP response.
    const payload = payloadOf(completionFor())
    payload.ocspResponse = second.ocspResponse
    expect(request(payload, checks())).toEqual({ ok: false, status: 403, reason: 'BankID proof refused: OCSP response is for another certificate' })

    const elevenMinutesAgo = new SimulatorProofSigner(signingPki, () => new Date(Date.now() - 11 * 60_000))
    const stale = payloadOf({ ...completionFor(), completionData: { ...completionFor().completionData, ...elevenMinutesAgo.prove({ type: 'auth', ...PERSON }) } })
    expect(request(stale, checks())).toMatchObject({ ok: false, status: 403, reason: 'BankID proof refused: OCSP response is too old' })
  })

  it('accepts the real thing: signature, chain, personnummer and OCSP all right', () => {
    const verified = request(payloadOf(completionFor()), checks())
    expect(verified).toMatchObject({ ok: true, payload: { personnummer: PERSON.personalNumber, environment: 'simulator' } })
  })
})

describe('the environment is in the signed body, and only production is accepted unless told', () => {
  it('refuses a simulator or test login at a production receiver', () => {
    expect(request(payloadOf(completionFor(), 'simulator'), checks(['production']))).toEqual({
      ok: false,
      status: 403,
      reason: 'BankID environment "simulator" not accepted',
    })
    expect(request(payloadOf(completionFor(), 'test'), checks(['production']))).toMatchObject({ ok: false, status: 403 })
  })

  it('refuses a body without an environment (an older kiosk)', () => {
    const { environment: _dropped, ...older } = payloadOf(completionFor())
    expect(request(older as HandoffPayload, checks())).toMatchObject({ ok: false, status: 400, reason: 'environment missing' })
  })
})

describe('an orderRef is accepted once', () => {
  it('refuses the same login again under a new nonce (a replay the nonce store alone lets through)', () => {
    const bankid = checks()
    const seen = new NonceStore()
    const completion = completionFor()
    expect(request(payloadOf(completion), bankid, seen).ok).toBe(true)
    expect(request(payloadOf(completion), bankid, seen)).toEqual({ ok: false, status: 409, reason: 'orderRef already used (replay)' })
  })

  it('does not record the orderRef of a refused login', () => {
    const bankid = checks()
    const completion = completionFor()
    const broken = payloadOf(completion)
    broken.ocspResponse = ''
    expect(request(broken, bankid).ok).toBe(false)
    expect(request(payloadOf(completion), bankid).ok).toBe(true)
  })
})

describe('verifyBankIdProof', () => {
  it('never puts the personnummer into a reason', () => {
    const { signature, ocspResponse } = completionFor().completionData
    for (const personnummer of ['198505152382', PERSON.personalNumber]) {
      const result = verifyBankIdProof({ signature, ocspResponse, personnummer, roots: [], nowMs: Date.now() })
      expect(JSON.stringify(result)).not.toContain(personnummer)
    }
  })

  it('refuses garbage of every kind without throwing', () => {
    const garbage = ['', 'not base64!', Buffer.from('<x/>').toString('base64'), Buffer.from('<!DOCTYPE x><x/>').toString('base64'), 'AAAA']
    for (const signature of garbage) {
      const result = verifyBankIdProof({ signature, ocspResponse: 'AAAA', personnummer: PERSON.personalNumber, roots, nowMs: Date.now() })
      expect(result.ok).toBe(false)
    }
    const { signature } = completionFor().completionData
    expect(verifyBankIdProof({ signature, ocspResponse: 'AAAA', personnummer: PERSON.personalNumber, roots, nowMs: Date.now() })).toEqual({
      ok: false,
      reason: 'proof unreadable',
    })
  })
})
