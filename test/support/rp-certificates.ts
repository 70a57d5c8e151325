// RP certificates with a chosen validity window, in the forms an administrator is handed: PKCS#12
// (AES-256, like the simulator's) and a PEM certificate with an encrypted PKCS#8 key. One RSA key
// is generated per test file and reused, so making a dozen certificates costs milliseconds.
import { generateKeyPair, randomBytes } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { promisify } from 'node:util'
import forge from 'node-forge'

export interface TestKey {
  privateKey: KeyObject
  forgeKey: forge.pki.rsa.PrivateKey
}

export interface TestRpCertificate {
  p12: Buffer
  certPem: string
  /** Encrypted PKCS#8 PEM, same passphrase as the .p12 */
  keyPem: string
}

export async function newTestKey(): Promise<TestKey> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 })
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }) as string)
  return { privateKey, forgeKey }
}

/**
 * PKCS#12 as OpenSSL 3 writes it: the key bag under PBES2/AES-256 keyed with the passphrase's UTF-8
 * bytes, the MAC keyed with its UTF-16 form. forge alone would key PBES2 with Latin-1, which OpenSSL
 * cannot open when the passphrase has an "å"; so encrypt with the UTF-8 bytes, then redo the MAC.
 */
function openSslStylePkcs12(key: TestKey, cert: forge.pki.Certificate, passphrase: string): Buffer {
  // As in src/main/simulator/certificates.ts; a variable because @types/node-forge lacks prfAlgorithm.
  const options = { algorithm: 'aes256', prfAlgorithm: 'sha256', count: 2048 } as const
  const pfx = forge.pkcs12.toPkcs12Asn1(key.forgeKey, [cert], forge.util.encodeUtf8(passphrase), options)
  // PFX ::= SEQUENCE { version, authSafe ContentInfo { contentType, [0] { OCTET STRING } }, macData }
  // MacData ::= SEQUENCE { DigestInfo { algorithm, digest OCTET STRING }, macSalt, iterations }
  const at = (node: forge.asn1.Asn1 | undefined, ...path: number[]): forge.asn1.Asn1 | undefined =>
    path.reduce<forge.asn1.Asn1 | undefined>((n, i) => (Array.isArray(n?.value) ? n.value[i] : undefined), node)
  const signed = at(pfx, 1, 1, 0)?.value
  const digest = at(pfx, 2, 0, 1)
  const salt = at(pfx, 2, 1)?.value
  if (typeof signed !== 'string' || typeof salt !== 'string' || digest === undefined) {
    throw new Error('unexpected PKCS#12 layout')
  }
  const macKey = forge.pkcs12.generateKey(passphrase, forge.util.createBuffer(salt), 3, options.count, 20)
  const hmac = forge.hmac.create()
  hmac.start('sha1', macKey.getBytes())
  hmac.update(signed)
  digest.value = hmac.digest().getBytes()
  return Buffer.from(forge.asn1.toDer(pfx).getBytes(), 'binary')
}

export function makeRpCertificate(
  key: TestKey,
  window: { notBefore: Date; notAfter: Date },
  passphrase: string,
  commonName = 'Test RP (settings)',
): TestRpCertificate {
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.setRsaPublicKey(key.forgeKey.n, key.forgeKey.e)
  const serial = randomBytes(16)
  serial.writeUInt8((serial.readUInt8(0) & 0x7f) | 0x01, 0)
  cert.serialNumber = serial.toString('hex')
  cert.validity.notBefore = window.notBefore
  cert.validity.notAfter = window.notAfter
  const name = [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'Testskolan' },
  ]
  cert.setSubject(name)
  cert.setIssuer(name)
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ])
  cert.sign(key.forgeKey, forge.md.sha256.create())

  return {
    p12: openSslStylePkcs12(key, cert, passphrase),
    certPem: forge.pki.certificateToPem(cert),
    keyPem: key.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string,
  }
}
