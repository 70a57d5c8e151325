// A small certificate authority for the project's own PKIs (the simulator's, and the gateway's
// kiosk CA and server certificates): RSA keys from Node's native keygen, X.509 certificates and
// PKCS#12 files from node-forge, because a fresh machine has no openssl binary.
import { generateKeyPair, randomBytes } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { promisify } from 'node:util'
import forge from 'node-forge'

export interface KeyPair {
  privateKey: KeyObject
  forgeKey: forge.pki.rsa.PrivateKey
  forgePublicKey: forge.pki.rsa.PublicKey
}
export interface Issuer {
  cert: forge.pki.Certificate
  key: forge.pki.rsa.PrivateKey
}
export interface Validity {
  notBefore: Date
  notAfter: Date
}
/** ca, TLS server, TLS client, a person's signing certificate (BankID's user certificate), an OCSP responder. */
export type Profile = 'ca' | 'server' | 'client' | 'signer' | 'ocsp'

export interface IssueOptions {
  organization: string
  /** Server certificates: the names they answer to. Default 127.0.0.1, ::1 and localhost. */
  altNames?: { ips?: readonly string[]; dns?: readonly string[] }
  /** More subject attributes after CN and O, e.g. a person's serialNumber (personnummer) and names. */
  subject?: readonly { name: 'serialNumber' | 'givenName' | 'surname'; value: string }[]
}

export const OID_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9'

const CLOCK_SKEW_MS = 60 * 60 * 1000

export async function newKeyPair(): Promise<KeyPair> {
  // Native keygen: node-forge's pure-JS RSA keygen takes seconds per key.
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 })
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }) as string)
  return { privateKey, forgeKey, forgePublicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) }
}

/** Issues a certificate; issuer null means self-signed. */
export function issueCertificate(
  commonName: string,
  profile: Profile,
  keys: KeyPair,
  issuer: Issuer | null,
  window: Validity,
  options: IssueOptions,
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate()
  cert.publicKey = keys.forgePublicKey
  cert.serialNumber = randomSerial()
  cert.validity.notBefore = window.notBefore
  cert.validity.notAfter = window.notAfter
  // A person's name may hold å, ä, ö: UTF8String then; plain ASCII stays PrintableString, and a
  // serialNumber (digits) is PrintableString per X.520. (@types/node-forge types valueTagClass wrongly.)
  const attribute = (name: string, value: string, utf8: boolean): forge.pki.CertificateField =>
    (utf8 ? { name, value, valueTagClass: forge.asn1.Type.UTF8 } : { name, value }) as forge.pki.CertificateField
  const nonAscii = (text: string) => /[^\x20-\x7e]/.test(text)
  cert.setSubject([
    attribute('commonName', commonName, nonAscii(commonName)),
    attribute('organizationName', options.organization, nonAscii(options.organization)),
    ...(options.subject ?? []).map(({ name, value }) => attribute(name, value, name !== 'serialNumber')),
  ])
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : cert.subject.attributes)

  const extensions: object[] = [{ name: 'subjectKeyIdentifier' }]
  if (issuer) {
    const keyIdentifier = issuer.cert.generateSubjectKeyIdentifier().getBytes()
    extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier })
  }
  if (profile === 'ca') {
    extensions.push(
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    )
  } else if (profile === 'signer' || profile === 'ocsp') {
    extensions.push(
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, nonRepudiation: profile === 'signer', critical: true },
    )
  } else {
    extensions.push(
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    )
  }
  if (profile === 'ocsp') {
    extensions.push(
      // id-kp-OCSPSigning (node-forge has no name for it), and id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1).
      { name: 'extKeyUsage', [OID_OCSP_SIGNING]: true },
      { id: '1.3.6.1.5.5.7.48.1.5', value: forge.asn1.toDer(forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.NULL, false, '')).getBytes() },
    )
  }
  if (profile === 'server') {
    const ips = options.altNames?.ips ?? ['127.0.0.1', '::1']
    const dns = options.altNames?.dns ?? ['localhost']
    extensions.push(
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...ips.map((ip) => ({ type: 7, ip })), ...dns.map((value) => ({ type: 2, value }))],
      },
    )
  }
  if (profile === 'client') extensions.push({ name: 'extKeyUsage', clientAuth: true })
  cert.setExtensions(extensions)

  cert.sign(issuer ? issuer.key : keys.forgeKey, forge.md.sha256.create())
  return cert
}

/** notBefore an hour back, so a peer whose clock is slightly behind still accepts the certificate. */
export function validity(now: Date, years: number): Validity {
  const notAfter = new Date(now)
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years)
  return { notBefore: new Date(now.getTime() - CLOCK_SKEW_MS), notAfter }
}

/** 128 random bits; the top bit cleared (DER INTEGER stays positive) and the first byte non-zero (minimal encoding). */
function randomSerial(): string {
  const bytes = randomBytes(16)
  bytes.writeUInt8((bytes.readUInt8(0) & 0x7f) | 0x01, 0)
  return bytes.toString('hex')
}

export const toPem = (cert: forge.pki.Certificate): string => forge.pki.certificateToPem(cert)
export const pkcs8 = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }) as string

/**
 * A PKCS#12 file of the key and its chain. PBES2 with AES-256-CBC and HMAC-SHA256 for the key bag:
 * OpenSSL 3 (and BoringSSL in Electron) read it without the legacy provider, unlike RC2/RC4 PBE. The
 * certificate bags are unencrypted (certificates are public). The MAC is HMAC-SHA1, which node-forge
 * always uses and OpenSSL 3 accepts.
 */
export function pkcs12(keys: KeyPair, chain: forge.pki.Certificate[], passphrase: string, friendlyName: string): Buffer {
  // A variable, not a literal: @types/node-forge omits prfAlgorithm, which toPkcs12Asn1 passes on.
  const options = { algorithm: 'aes256', prfAlgorithm: 'sha256', count: 2048, friendlyName } as const
  const asn1 = forge.pkcs12.toPkcs12Asn1(keys.forgeKey, chain, passphrase, options)
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary')
}

/** Reads back an issuer (certificate and private key, both PEM) to issue more certificates with. */
export function issuerFromPem(certPem: string, keyPem: string): Issuer {
  return { cert: forge.pki.certificateFromPem(certPem), key: forge.pki.privateKeyFromPem(keyPem) }
}
