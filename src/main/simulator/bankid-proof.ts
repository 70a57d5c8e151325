// The simulator's proof of a completed order, shaped like BankID's so that a school's service can
// verify it exactly as it verifies a real one (README "Hand-off", examples/handoff-receiver):
// - `signature`: an XML signature (xmldsig, RSA-SHA256, exclusive c14n) over bankIdSignedData,
//   with the person's certificate and its chain in KeyInfo; the certificate's subject serialNumber
//   is the personnummer, as in BankID's user certificates.
// - `ocspResponse`: a DER OCSP response "good" for that certificate, signed by a responder
//   certificate issued by the same CA as the person's, its nonce bound to the signature.
// Chain: simulator signing root CA → "bank" CA → the person (and the OCSP responder). A receiver
// in test mode trusts the root (signing-root-ca.pem in the simulator's folder); nothing else does.
// xml-crypto signs (a well-kept xmldsig library, not a hand-written canonicalizer); pkijs/asn1js
// only encode the OCSP structures, signed here with Node's crypto so a completion stays synchronous.
import { createHash, createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import * as asn1js from 'asn1js'
import forge from 'node-forge'
import * as pkijs from 'pkijs'
import { SignedXml } from 'xml-crypto'
import type { Issuer } from '../pki/issue'
import { issueCertificate, issuerFromPem, newKeyPair, pkcs8, toPem, validity } from '../pki/issue'

export interface SignedProof {
  /** base64 of the XML signature */
  signature: string
  /** base64 of the DER OCSP response */
  ocspResponse: string
}

export interface ProofInput {
  type: 'auth' | 'sign'
  personalNumber: string
  givenName: string
  surname: string
  /** base64, as the RP sent them */
  userVisibleData?: string | undefined
  userNonVisibleData?: string | undefined
}

export interface ProofPkiPem {
  /** The root a receiver trusts; also the last certificate in KeyInfo. */
  rootCertPem: string
  /** The "bank" CA that issues people's certificates and the OCSP responder's. */
  issuingCertPem: string
  issuingKeyPem: string
  /** One key for every simulated person: their certificates differ, the key need not. */
  personKeyPem: string
  ocspCertPem: string
  ocspKeyPem: string
}

export const SIGNATURE_NS = 'http://www.w3.org/2000/09/xmldsig#'
export const BANKID_TYPES_NS = 'http://www.bankid.com/signature/v1.0.0/types'
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256'
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#'
const OID_SHA1 = '1.3.14.3.2.26'
const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11'
const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1'
const OID_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2'
/** A person's certificate is issued once per simulator run; BankID's last for years. */
const PERSON_CERT_YEARS = 2
/** Certificates kept for people signed for recently (issuing one takes tens of milliseconds). */
const MAX_CACHED_PEOPLE = 16

const base64Der = (pem: string): string => new X509Certificate(pem).raw.toString('base64')
const utf8Base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64')

/** A fresh signing PKI: the simulator's folder keeps one (certificates.ts); tests make their own. */
export async function generateProofPki(now: Date): Promise<ProofPkiPem> {
  const [rootKeys, issuingKeys, personKeys, ocspKeys] = await Promise.all([newKeyPair(), newKeyPair(), newKeyPair(), newKeyPair()])
  const options = { organization: 'BankID Kiosk Simulator' }
  const root = issueCertificate('BankID Kiosk Simulator Signing Root CA (not BankID)', 'ca', rootKeys, null, validity(now, 10), options)
  const issuing = issueCertificate('BankID Kiosk Simulator Bank CA', 'ca', issuingKeys, { cert: root, key: rootKeys.forgeKey }, validity(now, 10), options)
  const ocsp = issueCertificate('BankID Kiosk Simulator OCSP', 'ocsp', ocspKeys, { cert: issuing, key: issuingKeys.forgeKey }, validity(now, 2), options)
  return {
    rootCertPem: toPem(root),
    issuingCertPem: toPem(issuing),
    issuingKeyPem: pkcs8(issuingKeys.privateKey),
    personKeyPem: pkcs8(personKeys.privateKey),
    ocspCertPem: toPem(ocsp),
    ocspKeyPem: pkcs8(ocspKeys.privateKey),
  }
}

export class SimulatorProofSigner {
  readonly #pki: ProofPkiPem
  readonly #issuer: Issuer
  readonly #personKey: KeyObject
  /** The same key as node-forge (to issue certificates with) and as PEM (for xml-crypto): converted once. */
  readonly #personForgeKey: forge.pki.rsa.PrivateKey
  readonly #personKeyPem: string
  readonly #ocspKey: KeyObject
  readonly #ocspCert: pkijs.Certificate
  readonly #issuingCert: pkijs.Certificate
  readonly #now: () => Date
  readonly #people = new Map<string, { pem: string; cert: pkijs.Certificate }>()

  constructor(pki: ProofPkiPem, now: () => Date = () => new Date()) {
    this.#pki = pki
    this.#now = now
    this.#issuer = issuerFromPem(pki.issuingCertPem, pki.issuingKeyPem)
    this.#personKey = createPrivateKey(pki.personKeyPem)
    this.#personForgeKey = forge.pki.privateKeyFromPem(this.#personKey.export({ type: 'pkcs1', format: 'pem' }) as string)
    this.#personKeyPem = this.#personKey.export({ type: 'pkcs8', format: 'pem' }) as string
    this.#ocspKey = createPrivateKey(pki.ocspKeyPem)
    this.#ocspCert = pkijs.Certificate.fromBER(new X509Certificate(pki.ocspCertPem).raw)
    this.#issuingCert = pkijs.Certificate.fromBER(new X509Certificate(pki.issuingCertPem).raw)
  }

  prove(input: ProofInput): SignedProof {
    const person = this.#personCertificate(input)
    const signatureXml = this.#signatureXml(input, person.pem)
    const signature = utf8Base64(signatureXml)
    return { signature, ocspResponse: this.#ocspResponse(person.cert, signature).toString('base64') }
  }

  #personCertificate(input: ProofInput): { pem: string; cert: pkijs.Certificate } {
    const key = `${input.personalNumber}\u0000${input.givenName}\u0000${input.surname}`
    const known = this.#people.get(key)
    if (known) return known
    const forgeKey = this.#personForgeKey
    const keys = { privateKey: this.#personKey, forgeKey, forgePublicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) }
    const now = this.#now()
    const notAfter = new Date(now)
    notAfter.setUTCFullYear(notAfter.getUTCFullYear() + PERSON_CERT_YEARS)
    const cert = issueCertificate(
      `${input.givenName} ${input.surname}`,
      'signer',
      keys,
      this.#issuer,
      { notBefore: new Date(now.getTime() - 60 * 60_000), notAfter },
      {
        organization: 'BankID Kiosk Simulator (not BankID)',
        subject: [
          { name: 'serialNumber', value: input.personalNumber },
          { name: 'givenName', value: input.givenName },
          { name: 'surname', value: input.surname },
        ],
      },
    )
    const pem = toPem(cert)
    const issued = { pem, cert: pkijs.Certificate.fromBER(new X509Certificate(pem).raw) }
    // A few people's certificates, not everyone's since the start: the oldest goes first.
    if (this.#people.size >= MAX_CACHED_PEOPLE) this.#people.delete(this.#people.keys().next().value ?? '')
    this.#people.set(key, issued)
    return issued
  }

  #signatureXml(input: ProofInput, personPem: string): string {
    const visible = input.userVisibleData ? `<usrVisibleData charset="UTF-8" visible="wysiwys">${input.userVisibleData}</usrVisibleData>` : ''
    const nonVisible = input.userNonVisibleData ? `<usrNonVisibleData>${input.userNonVisibleData}</usrNonVisibleData>` : ''
    const signedData =
      `<bankIdSignedData xmlns="${BANKID_TYPES_NS}" Id="bidSignedData">${visible}${nonVisible}` +
      `<srvInfo><name>${utf8Base64('BankID Kiosk Simulator')}</name><nonce>${randomBytes(32).toString('base64')}</nonce>` +
      `<displayName>${utf8Base64('BankID Kiosk (simulator)')}</displayName></srvInfo>` +
      `<clientInfo><funcId>${input.type === 'auth' ? 'Identification' : 'Signing'}</funcId>` +
      `<version>${utf8Base64('Simulator')}</version><env><ai><type>${utf8Base64('SIMULATOR')}</type></ai></env></clientInfo>` +
      '</bankIdSignedData>'
    const chain = [personPem, this.#pki.issuingCertPem, this.#pki.rootCertPem]
    const signer = new SignedXml({
      privateKey: this.#personKeyPem,
      signatureAlgorithm: RSA_SHA256,
      canonicalizationAlgorithm: EXC_C14N,
      keyInfoAttributes: { Id: 'bidKeyInfo' },
      getKeyInfoContent: () =>
        `<X509Data>${chain.map((pem) => `<X509Certificate>${base64Der(pem)}</X509Certificate>`).join('')}</X509Data>`,
      objects: [{ content: signedData }],
    })
    signer.addReference({
      xpath: "//*[@Id='bidSignedData']",
      transforms: [EXC_C14N],
      digestAlgorithm: SHA256,
      type: `${BANKID_TYPES_NS}`,
    })
    signer.addReference({ xpath: "//*[@Id='bidKeyInfo']", transforms: [EXC_C14N], digestAlgorithm: SHA256 })
    // The signature is the document, as BankID's is: sign inside a throwaway wrapper, keep the Signature.
    signer.computeSignature('<Wrapper/>', { location: { reference: '/*', action: 'append' } })
    return `<?xml version="1.0" encoding="UTF-8" standalone="no"?>${signer.getSignatureXml()}`
  }

  #ocspResponse(person: pkijs.Certificate, signatureBase64: string): Buffer {
    const issuerName = Buffer.from(this.#issuingCert.subject.toSchema().toBER(false))
    const issuerKey = Buffer.from(this.#issuingCert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView)
    const sha1 = (data: Buffer | string) => createHash('sha1').update(data).digest()
    const now = this.#now()
    const single = new pkijs.SingleResponse({
      certID: new pkijs.CertID({
        hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID_SHA1, algorithmParams: new asn1js.Null() }),
        issuerNameHash: new asn1js.OctetString({ valueHex: sha1(issuerName) }),
        issuerKeyHash: new asn1js.OctetString({ valueHex: sha1(issuerKey) }),
        serialNumber: new asn1js.Integer({ valueHex: person.serialNumber.valueBlock.valueHexView }),
      }),
      // good: [0] IMPLICIT NULL
      certStatus: new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } }),
      thisUpdate: now,
    })
    // The nonce binds the response to this signature: SHA-1 of the base64 text, then 12 random bytes.
    const nonce = Buffer.concat([sha1(Buffer.from(signatureBase64, 'utf8')), randomBytes(12)])
    const data = new pkijs.ResponseData({
      responderID: this.#ocspCert.subject,
      producedAt: now,
      responses: [single],
      responseExtensions: [
        new pkijs.Extension({
          extnID: OID_OCSP_NONCE,
          extnValue: new asn1js.OctetString({ valueHex: nonce }).toBER(false),
        }),
      ],
    })
    const tbs = Buffer.from(data.toSchema(true).toBER(false))
    data.tbsView = new Uint8Array(tbs) // what BasicOCSPResponse encodes: exactly the bytes signed
    const basic = new pkijs.BasicOCSPResponse({
      tbsResponseData: data,
      signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID_SHA256_WITH_RSA, algorithmParams: new asn1js.Null() }),
      signature: new asn1js.BitString({ valueHex: sign('sha256', tbs, this.#ocspKey) }),
      certs: [this.#ocspCert],
    })
    const response = new pkijs.OCSPResponse({
      responseStatus: new asn1js.Enumerated({ value: 0 }),
      responseBytes: new pkijs.ResponseBytes({
        responseType: OID_OCSP_BASIC,
        response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }),
      }),
    })
    return Buffer.from(response.toSchema().toBER(false))
  }
}
