// A second RP client certificate issued by the simulator's own RP CA: the server trusts it, but it
// is a different RP than the one in client.p12 (different certificate, so a different client id).
import { generateKeyPair, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import forge from 'node-forge'
import type { SimulatorPki } from '../../src/main/simulator/certificates'

const HOUR = 60 * 60 * 1000

export async function issueSecondRpCertificate(
  pki: SimulatorPki,
  commonName = 'Second RP (test)',
): Promise<{ certPem: string; keyPem: string }> {
  // certificates.ts keeps the RP CA key next to its certificate; SimulatorPki has no path field for it.
  const caCert = forge.pki.certificateFromPem(pki.clientCaPem)
  const caKey = forge.pki.privateKeyFromPem(await readFile(path.join(pki.dir, 'rp-ca.key'), 'utf8'))

  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 })
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }) as string)

  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e)
  const serial = randomBytes(16)
  serial.writeUInt8((serial.readUInt8(0) & 0x7f) | 0x01, 0)
  cert.serialNumber = serial.toString('hex')
  cert.validity.notBefore = new Date(Date.now() - HOUR)
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * HOUR)
  cert.setSubject([
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'BankID Kiosk Simulator' },
  ])
  cert.setIssuer(caCert.subject.attributes)
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ])
  cert.sign(caKey, forge.md.sha256.create())

  return {
    certPem: forge.pki.certificateToPem(cert),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  }
}
