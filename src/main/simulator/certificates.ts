// The simulator's own PKI, shaped like real BankID: an "SSL root CA" that issues the server
// certificate (the client's only trust anchor) and a separate "RP CA" that issues the RP client
// certificate (the server's only accepted client issuer). Generated with Node's crypto and
// node-forge only, because a fresh kiosk machine has no openssl binary.

import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { createSecureContext } from 'node:tls'
import { defaultDataDir } from '../paths'
import type { Issuer, KeyPair, Profile, Validity } from '../pki/issue'
import { issueCertificate, issuerFromPem, newKeyPair, pkcs12, pkcs8, toPem, validity } from '../pki/issue'
import { generateProofPki } from './bankid-proof'
import type { ProofPkiPem } from './bankid-proof'

/** Same passphrase as BankID's public test RP certificate, so the simulator feels like test. */
export const CLIENT_PASSPHRASE = 'qwerty123'

export interface SimulatorPki {
  dir: string
  /** PEM of the simulator's SSL root CA: the client's only trust anchor for environment "simulator" */
  serverCaPem: string
  serverCaPath: string
  /** The SSL root CA's private key (unencrypted, 0o600), kept so more server certificates can be issued */
  serverCaKeyPath: string
  /** server cert+key PEM (SAN: IP 127.0.0.1, IP ::1, DNS localhost); the key is unencrypted PKCS#8 */
  serverCertPem: string
  serverKeyPem: string
  serverCertPath: string
  serverKeyPath: string
  /** PEM of the RP CA the server accepts client certificates from */
  clientCaPem: string
  clientCaPath: string
  /** The RP client certificate in three forms, all with passphrase CLIENT_PASSPHRASE: */
  /** PKCS#12 with cert, key and RP CA cert; key bag PBES2/AES-256-CBC, so no OpenSSL legacy provider is needed */
  clientP12Path: string
  /** PEM certificate */
  clientCertPath: string
  /** PEM private key, encrypted PKCS#8 (PBES2/AES-256-CBC): Node tls { key, passphrase } or curl --key --pass */
  clientKeyPath: string
  /** What the simulator signs completed orders with (bankid-proof.ts): root, "bank" CA, person key, OCSP responder. */
  proof: ProofPkiPem
  /** The signing root CA: what a hand-off receiver in test mode trusts for the simulator's signatures. */
  signingRootCaPath: string
}

const FILES = {
  serverCa: 'ssl-root-ca.pem',
  serverCaKey: 'ssl-root-ca.key',
  serverCert: 'server.crt',
  serverKey: 'server.key',
  clientCa: 'rp-ca.pem',
  clientCaKey: 'rp-ca.key',
  clientP12: 'client.p12',
  clientCert: 'client.crt',
  clientKey: 'client.key',
  signingRootCa: 'signing-root-ca.pem',
  signingCa: 'signing-ca.pem',
  signingCaKey: 'signing-ca.key',
  personKey: 'signing-person.key',
  ocspCert: 'ocsp.crt',
  ocspKey: 'ocsp.key',
  readme: 'README.txt',
} as const
type FileId = keyof typeof FILES

/** Files that hold private keys (encrypted or not): readable by the owner only. */
const PRIVATE: ReadonlySet<FileId> = new Set([
  'serverCaKey',
  'serverKey',
  'clientCaKey',
  'clientP12',
  'clientKey',
  'signingCaKey',
  'personKey',
  'ocspKey',
])

const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000

const README = `BankID Kiosk simulator PKI. Generated automatically; for the local simulator only, never for production.
Delete this folder to make the simulator generate a new one.

ssl-root-ca.pem  SSL root CA certificate: the kiosk's only trust anchor for environment "simulator"
ssl-root-ca.key  its private key (unencrypted), used to issue server certificates
server.crt       the simulator's TLS server certificate (127.0.0.1, ::1, localhost)
server.key       its private key (unencrypted)
rp-ca.pem        RP CA certificate: the simulator accepts client certificates issued by it
rp-ca.key        its private key (unencrypted)
client.p12       the RP client certificate and key as PKCS#12, passphrase ${CLIENT_PASSPHRASE}
client.crt       the same client certificate as PEM
client.key       its private key as encrypted PKCS#8 PEM, passphrase ${CLIENT_PASSPHRASE}

signing-root-ca.pem  the root of the simulator's login signatures (not BankID's): a hand-off receiver
                     in test mode trusts it to verify simulated logins, and nothing else should
signing-ca.pem/.key  the "bank" CA that issues simulated people's certificates and the OCSP responder's
signing-person.key   the key every simulated person signs with (their certificates differ)
ocsp.crt/.key        the OCSP responder that vouches for those certificates

Example:
  curl --cacert ssl-root-ca.pem --cert client.crt --key client.key --pass ${CLIENT_PASSPHRASE} https://127.0.0.1:<port>/
`

/** Loads the PKI from dir, or generates it there if missing, incomplete or expiring within 30 days. */
export async function loadOrCreateSimulatorPki(dir: string, options: { now?: Date } = {}): Promise<SimulatorPki> {
  const now = options.now ?? new Date()
  const existing = await load(dir, now)
  if (existing) return existing
  await install(dir, await generate(now), now)
  // Read back what is on disk: if another process won the race, its files are the ones in use.
  const installed = await load(dir, now)
  if (!installed) throw new Error(`The simulator PKI in ${dir} is unusable right after generating it`)
  return installed
}

/** Issues an extra client certificate from a DIFFERENT, freshly made CA (the server must refuse it). */
export async function createForeignClientCertificate(): Promise<{ certPem: string; keyPem: string; caPem: string }> {
  const now = new Date()
  const [caKeys, keys] = await Promise.all([newKeyPair(), newKeyPair()])
  const ca = issue('BankID Kiosk Simulator Foreign CA (untrusted)', 'ca', caKeys, null, validity(now, 10))
  const cert = issue('Foreign RP (untrusted)', 'client', keys, { cert: ca, key: caKeys.forgeKey }, validity(now, 2))
  return { certPem: toPem(cert), keyPem: pkcs8(keys.privateKey), caPem: toPem(ca) }
}

/** For fault tests: a server certificate from the same server CA but with a chosen validity window. */
export async function issueServerCertificate(
  pki: SimulatorPki,
  window: { notBefore: Date; notAfter: Date },
): Promise<{ certPem: string; keyPem: string }> {
  const issuer = issuerFromPem(pki.serverCaPem, await readFile(pki.serverCaKeyPath, 'utf8'))
  const keys = await newKeyPair()
  const cert = issue('localhost', 'server', keys, issuer, window)
  return { certPem: toPem(cert), keyPem: pkcs8(keys.privateKey) }
}

/** The default folder: the per-user data dir for "bankid-kiosk", plus "simulator". */
export function defaultSimulatorPkiDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string {
  const join = platform === 'win32' ? path.win32.join : path.posix.join
  return join(defaultDataDir(platform, env, home), 'simulator')
}

// ---- generation ----

const issue = (commonName: string, profile: Profile, keys: KeyPair, issuer: Issuer | null, window: Validity) =>
  issueCertificate(commonName, profile, keys, issuer, window, { organization: 'BankID Kiosk Simulator' })

async function generate(now: Date): Promise<Record<FileId, string | Buffer>> {
  const [serverCaKeys, serverKeys, clientCaKeys, clientKeys] = await Promise.all([
    newKeyPair(),
    newKeyPair(),
    newKeyPair(),
    newKeyPair(),
  ])
  const proof = await generateProofPki(now)
  const serverCa = issue('BankID Kiosk Simulator SSL Root CA', 'ca', serverCaKeys, null, validity(now, 10))
  const clientCa = issue('BankID Kiosk Simulator RP CA', 'ca', clientCaKeys, null, validity(now, 10))
  const serverIssuer = { cert: serverCa, key: serverCaKeys.forgeKey }
  const clientIssuer = { cert: clientCa, key: clientCaKeys.forgeKey }
  const server = issue('localhost', 'server', serverKeys, serverIssuer, validity(now, 2))
  const client = issue('Simulator RP (kiosk)', 'client', clientKeys, clientIssuer, validity(now, 2))


  return {
    serverCa: toPem(serverCa),
    serverCaKey: pkcs8(serverCaKeys.privateKey),
    serverCert: toPem(server),
    serverKey: pkcs8(serverKeys.privateKey),
    clientCa: toPem(clientCa),
    clientCaKey: pkcs8(clientCaKeys.privateKey),
    clientP12: pkcs12(clientKeys, [client, clientCa], CLIENT_PASSPHRASE, 'Simulator RP (kiosk)'),
    clientCert: toPem(client),
    // Node's own export writes PBES2 (AES-256-CBC, HMAC-SHA256): what OpenSSL, curl and Node tls expect.
    clientKey: clientKeys.privateKey.export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: CLIENT_PASSPHRASE,
    }) as string,
    signingRootCa: proof.rootCertPem,
    signingCa: proof.issuingCertPem,
    signingCaKey: proof.issuingKeyPem,
    personKey: proof.personKeyPem,
    ocspCert: proof.ocspCertPem,
    ocspKey: proof.ocspKeyPem,
    readme: README,
  }
}

// ---- loading and installing ----

/** The PKI in dir if every file is there, consistent and valid for more than 30 days; otherwise undefined. */
async function load(dir: string, now: Date): Promise<SimulatorPki | undefined> {
  const file = (id: FileId) => path.join(dir, FILES[id])
  const text = (id: FileId) => readFile(file(id), 'utf8')
  try {
    const serverCaPem = await text('serverCa')
    const serverCertPem = await text('serverCert')
    const serverKeyPem = await text('serverKey')
    const clientCaPem = await text('clientCa')
    const serverCa = new X509Certificate(serverCaPem)
    const server = new X509Certificate(serverCertPem)
    const clientCa = new X509Certificate(clientCaPem)
    const client = new X509Certificate(await text('clientCert'))
    const pfx = await readFile(file('clientP12'))
    const proof: ProofPkiPem = {
      rootCertPem: await text('signingRootCa'),
      issuingCertPem: await text('signingCa'),
      issuingKeyPem: await text('signingCaKey'),
      personKeyPem: await text('personKey'),
      ocspCertPem: await text('ocspCert'),
      ocspKeyPem: await text('ocspKey'),
    }
    const signingRoot = new X509Certificate(proof.rootCertPem)
    const signingCa = new X509Certificate(proof.issuingCertPem)
    const ocsp = new X509Certificate(proof.ocspCertPem)
    const fresh = (cert: X509Certificate) =>
      Date.parse(cert.validFrom) <= now.getTime() && Date.parse(cert.validTo) > now.getTime() + RENEW_BEFORE_MS
    const usable =
      [serverCa, server, clientCa, client, signingRoot, signingCa, ocsp].every(fresh) &&
      signingCa.verify(signingRoot.publicKey) &&
      ocsp.verify(signingCa.publicKey) &&
      signingCa.checkPrivateKey(createPrivateKey(proof.issuingKeyPem)) &&
      ocsp.checkPrivateKey(createPrivateKey(proof.ocspKeyPem)) &&
      server.checkIssued(serverCa) &&
      server.verify(serverCa.publicKey) &&
      client.checkIssued(clientCa) &&
      client.verify(clientCa.publicKey) &&
      serverCa.checkPrivateKey(createPrivateKey(await text('serverCaKey'))) &&
      server.checkPrivateKey(createPrivateKey(serverKeyPem)) &&
      clientCa.checkPrivateKey(createPrivateKey(await text('clientCaKey'))) &&
      client.checkPrivateKey(createPrivateKey({ key: await text('clientKey'), passphrase: CLIENT_PASSPHRASE }))
    if (!usable) return undefined
    createSecureContext({ pfx, passphrase: CLIENT_PASSPHRASE }) // throws if the .p12 is damaged
    return {
      dir,
      serverCaPem,
      serverCaPath: file('serverCa'),
      serverCaKeyPath: file('serverCaKey'),
      serverCertPem,
      serverKeyPem,
      serverCertPath: file('serverCert'),
      serverKeyPath: file('serverKey'),
      clientCaPem,
      clientCaPath: file('clientCa'),
      clientP12Path: file('clientP12'),
      clientCertPath: file('clientCert'),
      clientKeyPath: file('clientKey'),
      proof,
      signingRootCaPath: file('signingRootCa'),
    }
  } catch {
    return undefined // missing or unreadable files: regenerate
  }
}

/**
 * Writes all files into a temp folder next to dir, then renames it into place, so nobody ever sees
 * half a folder. If dir is in the way: keep it when a concurrent start has just installed a good
 * PKI there, otherwise move the stale one aside and try again.
 */
async function install(dir: string, files: Record<FileId, string | Buffer>, now: Date): Promise<void> {
  const parent = path.dirname(dir)
  await mkdir(parent, { recursive: true })
  const temp = await mkdtemp(path.join(parent, `.${path.basename(dir)}.tmp-`)) // mode 0o700
  try {
    for (const id of Object.keys(FILES) as FileId[]) {
      await writeFile(path.join(temp, FILES[id]), files[id], { mode: PRIVATE.has(id) ? 0o600 : 0o644 })
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await rename(temp, dir)
        return
      } catch (error) {
        if (attempt === 3) throw error
      }
      if (await load(dir, now)) return
      await moveAside(dir)
    }
  } finally {
    await rm(temp, { recursive: true, force: true })
  }
}

async function moveAside(dir: string): Promise<void> {
  const stale = `${dir}.stale-${randomBytes(4).toString('hex')}`
  try {
    await rename(dir, stale)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  await rm(stale, { recursive: true, force: true })
}
