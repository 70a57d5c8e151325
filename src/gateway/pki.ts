// The gateway's own certificates. For the zero-configuration demo (`npm run gateway`) it makes,
// once, in its data folder: a gateway CA and a server certificate from it (what kiosks trust), a
// kiosk CA, one kiosk certificate with the kiosk settings that use it, a state secret and an empty
// revocation list. For real use, `issue-kiosk-certificate` issues kiosk certificates from the
// municipality's kiosk CA (an MDM issuing from the same CA works just as well: the gateway only
// checks the issuer and the revocation list).
import { X509Certificate, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { issueCertificate, issuerFromPem, newKeyPair, pkcs12, pkcs8, toPem, validity } from '../main/pki/issue'
import type { Issuer } from '../main/pki/issue'

const ORGANIZATION = 'BankID Gateway'

export interface DemoPki {
  dir: string
  settingsPath: string
  kioskSettingsPath: string
  kioskCertificatePath: string
}

const DEMO_FILES = {
  gatewayCa: 'gateway-ca.pem',
  gatewayCaKey: 'gateway-ca.key',
  serverCert: 'server.crt',
  serverKey: 'server.key',
  kioskCa: 'kiosk-ca.pem',
  kioskCaKey: 'kiosk-ca.key',
  stateKey: 'state-key.txt',
  revocations: 'revocations.txt',
  settings: 'settings.json',
} as const

export const REVOCATIONS_TEMPLATE = `# Kiosk certificates shut out of the gateway, one per line:
#   serial:<hex>            the certificate's serial number
#   sha256:<64 hex digits>  its SHA-256 fingerprint (colons optional)
# The gateway re-reads this file within seconds of a change.
`

/** Makes the demo's material in dir unless it is there already; returns where everything is. */
export async function ensureDemoPki(dir: string, options: { port: number; operationsPort: number; now?: Date }): Promise<DemoPki> {
  const file = (name: string) => path.join(dir, name)
  const settingsPath = file(DEMO_FILES.settings)
  const kioskDir = file('kiosk')
  const result: DemoPki = {
    dir,
    settingsPath,
    kioskSettingsPath: path.join(kioskDir, 'settings.json'),
    kioskCertificatePath: path.join(kioskDir, 'kiosk.p12'),
  }
  const isComplete = () =>
    [...Object.values(DEMO_FILES).map(file), result.kioskSettingsPath, result.kioskCertificatePath].every((f) => existsSync(f))
  const complete = isComplete()
  if (complete && (await stillValid(file(DEMO_FILES.serverCert), options.now))) return result

  // Made in a folder beside dir and renamed into place: a second process starting at the same time
  // never sees half of it (it finds the winner's folder complete instead).
  await mkdir(path.dirname(dir), { recursive: true })
  const temp = await mkdtemp(path.join(path.dirname(dir), `.${path.basename(dir)}.tmp-`))
  try {
    await makeDemoPki(temp, options)
    if (complete) await rm(dir, { recursive: true, force: true }) // expiring: replaced whole
    await rename(temp, dir)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error
    // Someone else's folder is there: keep it if it is whole, else replace what is left of an old one.
    if (!isComplete()) {
      await rm(dir, { recursive: true, force: true })
      await rename(temp, dir)
    }
  } finally {
    await rm(temp, { recursive: true, force: true })
  }
  return result
}

async function makeDemoPki(dir: string, options: { port: number; operationsPort: number; now?: Date }): Promise<void> {
  const file = (name: string) => path.join(dir, name)
  const kioskDir = file('kiosk')
  const settingsPath = file(DEMO_FILES.settings)
  const now = options.now ?? new Date()
  await mkdir(kioskDir, { recursive: true, mode: 0o700 })
  const [gatewayCaKeys, serverKeys, kioskCaKeys] = await Promise.all([newKeyPair(), newKeyPair(), newKeyPair()])
  const gatewayCa = issueCertificate('BankID Gateway CA (demo)', 'ca', gatewayCaKeys, null, validity(now, 10), { organization: ORGANIZATION })
  const server = issueCertificate('localhost', 'server', serverKeys, { cert: gatewayCa, key: gatewayCaKeys.forgeKey }, validity(now, 2), {
    organization: ORGANIZATION,
  })
  const kioskCa = issueCertificate('BankID Gateway Kiosk CA (demo)', 'ca', kioskCaKeys, null, validity(now, 10), { organization: ORGANIZATION })
  const secret = { mode: 0o600 } as const
  await writeFile(file(DEMO_FILES.gatewayCa), toPem(gatewayCa))
  await writeFile(file(DEMO_FILES.gatewayCaKey), pkcs8(gatewayCaKeys.privateKey), secret)
  await writeFile(file(DEMO_FILES.serverCert), toPem(server))
  await writeFile(file(DEMO_FILES.serverKey), pkcs8(serverKeys.privateKey), secret)
  await writeFile(file(DEMO_FILES.kioskCa), toPem(kioskCa))
  await writeFile(file(DEMO_FILES.kioskCaKey), pkcs8(kioskCaKeys.privateKey), secret)
  await writeFile(file(DEMO_FILES.stateKey), `${randomBytes(32).toString('hex')}\n`, secret)
  await writeFile(file(DEMO_FILES.revocations), REVOCATIONS_TEMPLATE)
  const settings = {
    bankid: { environment: 'simulator' },
    server: { certificate: { cert: DEMO_FILES.serverCert, key: DEMO_FILES.serverKey } },
    kiosks: { ca: DEMO_FILES.kioskCa, revocationFile: DEMO_FILES.revocations },
    state: { secret: { file: DEMO_FILES.stateKey } },
    listen: { host: '127.0.0.1', port: options.port },
    operations: { host: '127.0.0.1', port: options.operationsPort },
  }
  await writeFile(settingsPath, `${JSON.stringify(settings, null, 2)}\n`)
  await issueKioskCertificate({
    name: 'demo-kiosk',
    issuer: { cert: kioskCa, key: kioskCaKeys.forgeKey },
    outDir: kioskDir,
    fileStem: 'kiosk',
    gateway: { url: `https://127.0.0.1:${options.port}/rp/v6.0/`, caPem: toPem(gatewayCa) },
    now,
  })
}

async function stillValid(certPath: string, now = new Date()): Promise<boolean> {
  try {
    const cert = new X509Certificate(await readFile(certPath))
    return Date.parse(cert.validTo) > now.getTime() + 30 * 86_400_000
  } catch {
    return false
  }
}

export interface IssuedKiosk {
  p12Path: string
  passphrasePath: string
  settingsPath: string
  serialNumber: string
  fingerprint256: string
  notAfter: Date
}

/**
 * One kiosk's certificate, from the kiosk CA: a PKCS#12 file, its passphrase in a file beside it
 * (0600), and, when the gateway's address and CA are given, the kiosk settings that use them.
 */
export async function issueKioskCertificate(options: {
  name: string
  issuer: Issuer
  outDir: string
  /** Default: the kiosk's name. */
  fileStem?: string
  gateway?: { url: string; caPem: string }
  years?: number
  now?: Date
}): Promise<IssuedKiosk> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(options.name)) {
    throw new Error('A kiosk name is 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit.')
  }
  const now = options.now ?? new Date()
  const stem = options.fileStem ?? options.name
  await mkdir(options.outDir, { recursive: true, mode: 0o700 })
  const keys = await newKeyPair()
  const cert = issueCertificate(options.name, 'client', keys, options.issuer, validity(now, options.years ?? 2), { organization: ORGANIZATION })
  const passphrase = randomBytes(18).toString('base64url')
  const p12Path = path.join(options.outDir, `${stem}.p12`)
  const passphrasePath = path.join(options.outDir, `${stem}-passphrase.txt`)
  const settingsPath = path.join(options.outDir, stem === 'kiosk' ? 'settings.json' : `${stem}-settings.json`)
  await writeFile(p12Path, pkcs12(keys, [cert, options.issuer.cert], passphrase, options.name), { mode: 0o600 })
  await writeFile(passphrasePath, `${passphrase}\n`, { mode: 0o600 })
  if (options.gateway) {
    const caPath = path.join(options.outDir, 'gateway-ca.pem')
    await writeFile(caPath, options.gateway.caPem)
    const kioskSettings = {
      bankid: {
        environment: 'custom',
        url: options.gateway.url,
        ca: 'gateway-ca.pem',
        certificate: { pkcs12: path.basename(p12Path) },
        passphrase: { file: path.basename(passphrasePath) },
      },
    }
    await writeFile(settingsPath, `${JSON.stringify(kioskSettings, null, 2)}\n`)
  }
  const x509 = new X509Certificate(toPem(cert))
  return {
    p12Path,
    passphrasePath,
    settingsPath,
    serialNumber: x509.serialNumber,
    fingerprint256: x509.fingerprint256,
    notAfter: new Date(x509.validTo),
  }
}

export async function readIssuer(certPath: string, keyPath: string): Promise<Issuer> {
  const [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')])
  return issuerFromPem(certPem, keyPem)
}
