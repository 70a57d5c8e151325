// Verifies BankID's own proof of a login, as a school's service must before it trusts a hand-off:
// the kiosk's HMAC says which kiosk sent it, only this says that BankID identified that person.
//
//   1. `signature` is an XML signature (xmldsig) that verifies — checked by xml-crypto, a well-kept
//      library, never by hand — with the key of the first certificate in its KeyInfo, by RSA-SHA256
//      or RSA-SHA512 only, and it signs a bankIdSignedData element;
//   2. that certificate chains, through the other certificates in KeyInfo, to one of `roots` (BankID's
//      root for the environment you accept; the simulator's signing-root-ca.pem in test mode), every
//      certificate in the chain valid now and every issuer a CA;
//   3. the certificate's subject serialNumber (BankID puts the personnummer there) equals the body's;
//   4. `ocspResponse` is a successful OCSP response, signed by the certificate's issuer or by a
//      responder certificate that issuer gave id-kp-OCSPSigning, saying "good" for exactly this
//      certificate, produced within `maxOcspAgeSeconds` (and not in the future); when it carries a
//      nonce, the nonce starts with SHA-1 of the base64 signature, which binds it to this signature.
//
// verifyBankIdProof returns { ok: true, personnummer, funcId } or { ok: false, reason }; it never
// throws and never includes the personnummer or a name in a reason.
import { X509Certificate, createHash, verify as verifySignature } from 'node:crypto'
import { DOMParser } from '@xmldom/xmldom'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { SignedXml } from 'xml-crypto'

export const MAX_OCSP_AGE_SECONDS = 600
const CLOCK_SKEW_SECONDS = 60
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#'
const BANKID_TYPES_NS = 'http://www.bankid.com/signature/v1.0.0/types'
const ALLOWED_SIGNATURE_ALGORITHMS = new Set([
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
])
const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1'
const OID_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2'
const OID_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9'
const OCSP_SIGNATURE_HASHES = new Map([
  ['1.2.840.113549.1.1.11', 'sha256'],
  ['1.2.840.113549.1.1.12', 'sha384'],
  ['1.2.840.113549.1.1.13', 'sha512'],
  ['1.2.840.10045.4.3.2', 'sha256'],
  ['1.2.840.10045.4.3.3', 'sha384'],
  ['1.2.840.10045.4.3.4', 'sha512'],
])
const CERT_ID_HASHES = new Map([
  ['1.3.14.3.2.26', 'sha1'],
  ['2.16.840.1.101.3.4.2.1', 'sha256'],
])
const MAX_CHAIN = 8
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

class Refused extends Error {}
const refuse = (reason) => {
  throw new Refused(reason)
}

/** Every certificate in a PEM text (one or more BEGIN CERTIFICATE blocks). */
export function certificatesFromPem(pem) {
  const blocks = String(pem).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
  if (blocks.length === 0) throw new Error('no PEM certificate found')
  return blocks.map((block) => new X509Certificate(block))
}

/**
 * { signature, ocspResponse, personnummer, roots: X509Certificate[], nowMs, maxOcspAgeSeconds }
 * → { ok: true, personnummer, funcId } | { ok: false, reason }
 */
export function verifyBankIdProof({ signature, ocspResponse, personnummer, roots, nowMs, maxOcspAgeSeconds = MAX_OCSP_AGE_SECONDS }) {
  try {
    if (!Array.isArray(roots) || roots.length === 0) refuse('no BankID root certificate configured')
    if (typeof signature !== 'string' || !BASE64.test(signature)) refuse('signature missing or not base64')
    if (typeof ocspResponse !== 'string' || !BASE64.test(ocspResponse)) refuse('OCSP response missing or not base64')
    const { leaf, chain, funcId } = checkSignature(signature, roots, nowMs)
    if (subjectSerialNumber(leaf) !== personnummer) refuse('the signature is for another personnummer')
    checkOcsp(ocspResponse, leaf, chain[1], signature, nowMs, maxOcspAgeSeconds)
    return { ok: true, personnummer, funcId }
  } catch (error) {
    return { ok: false, reason: error instanceof Refused ? error.message : 'proof unreadable' }
  }
}

function checkSignature(signatureBase64, roots, nowMs) {
  const xml = Buffer.from(signatureBase64, 'base64').toString('utf8')
  // No DTDs: entity tricks have no place in a BankID signature.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) refuse('signature XML has a DTD')
  let parseError = null
  const doc = new DOMParser({
    errorHandler: { warning: () => undefined, error: (m) => (parseError = m), fatalError: (m) => (parseError = m) },
  }).parseFromString(xml, 'text/xml')
  const root = doc?.documentElement
  if (parseError !== null || !root || root.localName !== 'Signature' || root.namespaceURI !== DSIG_NS) {
    refuse('signature is not an XML signature')
  }
  const keyInfo = childrenNS(root, DSIG_NS, 'KeyInfo')[0]
  const x509Data = keyInfo ? childrenNS(keyInfo, DSIG_NS, 'X509Data')[0] : undefined
  const certs = x509Data ? childrenNS(x509Data, DSIG_NS, 'X509Certificate') : []
  if (certs.length === 0 || certs.length > MAX_CHAIN) refuse('signature has no certificate chain')
  const presented = certs.map((node) => {
    try {
      return new X509Certificate(Buffer.from(node.textContent.replace(/\s+/g, ''), 'base64'))
    } catch {
      return refuse('a certificate in the signature is unreadable')
    }
  })
  const leaf = presented[0]
  const chain = chainToRoot(leaf, presented.slice(1), roots, nowMs)

  const signed = new SignedXml({ publicCert: leaf.toString(), getCertFromKeyInfo: () => null })
  try {
    signed.loadSignature(root)
  } catch {
    refuse('signature XML is malformed')
  }
  if (!ALLOWED_SIGNATURE_ALGORITHMS.has(signed.signatureAlgorithm)) refuse('signature algorithm not allowed')
  let valid
  try {
    valid = signed.checkSignature(xml)
  } catch {
    valid = false
  }
  if (!valid) refuse('signature does not verify')
  // Read only what the signature covers (xml-crypto's advice against wrapping attacks).
  const signedData = signed
    .getSignedReferences()
    .map((fragment) => new DOMParser().parseFromString(fragment, 'text/xml').documentElement)
    .find((element) => element?.localName === 'bankIdSignedData' && element.namespaceURI === BANKID_TYPES_NS)
  if (!signedData) refuse('signature does not sign bankIdSignedData')
  const funcId = signedData.getElementsByTagNameNS(BANKID_TYPES_NS, 'funcId')[0]?.textContent ?? null
  return { leaf, chain, funcId }
}

/** The chain from leaf to a trusted root (leaf first, root last), or a refusal. */
function chainToRoot(leaf, intermediates, roots, nowMs) {
  if (leaf.ca) refuse('the signing certificate is a CA')
  const chain = [leaf]
  let current = leaf
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    checkValidity(current, nowMs)
    const root = roots.find((candidate) => issuedBy(current, candidate))
    if (root) {
      checkValidity(root, nowMs)
      return [...chain, root]
    }
    const next = intermediates.find((candidate) => candidate.ca && !chain.includes(candidate) && issuedBy(current, candidate))
    if (!next) refuse('the certificate chain does not lead to a trusted BankID root')
    chain.push(next)
    current = next
  }
  return refuse('the certificate chain is too long')
}

const issuedBy = (cert, issuer) => {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey) && issuer.ca
  } catch {
    return false
  }
}

function checkValidity(cert, nowMs) {
  if (!(Date.parse(cert.validFrom) <= nowMs + CLOCK_SKEW_SECONDS * 1000 && nowMs <= Date.parse(cert.validTo))) {
    refuse('a certificate in the chain is not valid now')
  }
}

/** The subject's serialNumber (2.5.4.5): where BankID's user certificates carry the personnummer. */
function subjectSerialNumber(cert) {
  const parsed = pkijs.Certificate.fromBER(cert.raw)
  const values = parsed.subject.typesAndValues.filter((entry) => entry.type === '2.5.4.5').map((entry) => entry.value.valueBlock.value)
  return values.length === 1 ? values[0] : null
}

function checkOcsp(ocspBase64, leaf, issuer, signatureBase64, nowMs, maxAgeSeconds) {
  const response = pkijs.OCSPResponse.fromBER(toArrayBuffer(Buffer.from(ocspBase64, 'base64')))
  if (response.responseStatus.valueBlock.valueDec !== 0 || !response.responseBytes) refuse('OCSP response is not successful')
  if (response.responseBytes.responseType !== OID_OCSP_BASIC) refuse('OCSP response is not a basic response')
  const basic = pkijs.BasicOCSPResponse.fromBER(response.responseBytes.response.valueBlock.valueHexView)
  const data = basic.tbsResponseData

  const responder = ocspResponder(basic, issuer, nowMs)
  const hash = OCSP_SIGNATURE_HASHES.get(basic.signatureAlgorithm.algorithmId)
  if (!hash) refuse('OCSP signature algorithm not allowed')
  const signatureValue = Buffer.from(basic.signature.valueBlock.valueHexView)
  const signedBytes = Buffer.from(data.tbsView)
  const keyType = responder.publicKey.asymmetricKeyType
  const options = keyType === 'ec' ? { key: responder.publicKey, dsaEncoding: 'der' } : responder.publicKey
  if (!verifySignature(hash, signedBytes, options, signatureValue)) refuse('OCSP response signature does not verify')

  const issuerParsed = pkijs.Certificate.fromBER(issuer.raw)
  const issuerName = Buffer.from(issuerParsed.subject.toSchema().toBER(false))
  const issuerKey = Buffer.from(issuerParsed.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView)
  const leafSerial = Buffer.from(leaf.serialNumber, 'hex')
  const single = data.responses.find((candidate) => {
    const id = candidate.certID
    const algorithm = CERT_ID_HASHES.get(id.hashAlgorithm.algorithmId)
    if (!algorithm) return false
    const digest = (bytes) => createHash(algorithm).update(bytes).digest()
    return (
      stripLeadingZeros(Buffer.from(id.serialNumber.valueBlock.valueHexView)).equals(stripLeadingZeros(leafSerial)) &&
      Buffer.from(id.issuerNameHash.valueBlock.valueHexView).equals(digest(issuerName)) &&
      Buffer.from(id.issuerKeyHash.valueBlock.valueHexView).equals(digest(issuerKey))
    )
  })
  if (!single) refuse('OCSP response is for another certificate')
  if (single.certStatus.idBlock.tagClass !== 3 || single.certStatus.idBlock.tagNumber !== 0) refuse('OCSP says the certificate is not good')

  const producedAt = data.producedAt.getTime()
  if (producedAt > nowMs + CLOCK_SKEW_SECONDS * 1000) refuse('OCSP response is from the future')
  if (nowMs - producedAt > maxAgeSeconds * 1000) refuse('OCSP response is too old')
  if (single.nextUpdate && single.nextUpdate.getTime() < nowMs - CLOCK_SKEW_SECONDS * 1000) refuse('OCSP response has expired')

  const nonce = (data.responseExtensions ?? []).find((extension) => extension.extnID === OID_OCSP_NONCE)
  if (nonce) {
    const inner = asn1js.fromBER(nonce.extnValue.valueBlock.valueHexView)
    const bytes = inner.offset === -1 ? null : Buffer.from(inner.result.valueBlock.valueHexView ?? [])
    const expected = createHash('sha1').update(signatureBase64, 'utf8').digest()
    if (bytes === null || bytes.length < expected.length || !bytes.subarray(0, expected.length).equals(expected)) {
      refuse('OCSP nonce does not match the signature')
    }
  }
}

/** Who signed the OCSP response: the issuer itself, or a responder certificate the issuer delegated to. */
function ocspResponder(basic, issuer, nowMs) {
  const included = (basic.certs ?? []).map((cert) => new X509Certificate(Buffer.from(cert.toSchema().toBER(false))))
  if (included.length === 0) return issuer
  const responder = included[0]
  if (responder.fingerprint256 === issuer.fingerprint256) return issuer
  if (!(responder.checkIssued(issuer) && responder.verify(issuer.publicKey))) refuse('OCSP responder is not from the certificate issuer')
  if (!(responder.keyUsage ?? []).includes(OID_OCSP_SIGNING)) refuse('OCSP responder is not allowed to sign OCSP')
  checkValidity(responder, nowMs)
  return responder
}

const stripLeadingZeros = (bytes) => {
  let start = 0
  while (start < bytes.length - 1 && bytes[start] === 0) start++
  return bytes.subarray(start)
}

const toArrayBuffer = (buffer) => buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength)

function childrenNS(element, ns, name) {
  const found = []
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && node.localName === name && node.namespaceURI === ns) found.push(node)
  }
  return found
}
